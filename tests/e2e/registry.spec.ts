// Story: a team with an MLflow registry imports it, reads its board, promotes a version by
// dragging it to Production with the old one archived, and finds it so after a reload; then a
// reader registers a run's model from the run page and moves it through the stages from the
// keyboard, and turns the stages into aliases.
import { test, expect } from '@playwright/test';
import * as path from 'node:path';
import { Labbook } from './labbook';

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');

function column(page: import('@playwright/test').Page, stage: string) {
  return page.locator(`[data-testid="stage-column"][data-stage="${stage}"]`);
}

function versionsIn(page: import('@playwright/test').Page, stage: string) {
  return column(page, stage).getByTestId('version-card');
}

test('an imported registry on the board: drag to Production, archive, reload', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await page.goto('./#/import');
  await page.getByTestId('import-input').setInputFiles(path.join(fixtures, 'mlflow2-filestore/mlruns.zip'));
  await app.expectReported('model-versions', { added: 4 });

  await page.getByTestId('nav-models').click();
  await expect(page.getByTestId('model-item')).toHaveCount(2);
  await page.getByTestId('model-search').fill('regressor');
  await expect(page.getByTestId('model-item')).toHaveCount(1);
  // A row opens its model wherever it is clicked.
  await page.getByTestId('model-item').locator('td').last().click();

  // The fixture's stages and aliases, as MLflow left them.
  await expect(versionsIn(page, 'Archived')).toHaveAttribute('data-version', '1');
  await expect(versionsIn(page, 'Staging')).toHaveAttribute('data-version', '2');
  await expect(versionsIn(page, 'Production')).toHaveAttribute('data-version', '3');
  await expect(versionsIn(page, 'None')).toHaveCount(0);
  await expect(versionsIn(page, 'Production').getByTestId('card-alias')).toHaveText('@champion');
  await expect(versionsIn(page, 'Staging').getByTestId('card-alias')).toHaveText('@challenger');

  // Drag v2 to Production: asked whether to archive v3, yes.
  await versionsIn(page, 'Staging').dragTo(column(page, 'Production'));
  await expect(page.getByTestId('archive-dialog')).toContainText('(v3)');
  await page.getByTestId('archive-yes').click();
  await expect(versionsIn(page, 'Production')).toHaveCount(1);
  await expect(versionsIn(page, 'Production')).toHaveAttribute('data-version', '2');
  await expect(versionsIn(page, 'Archived')).toHaveCount(2);

  await app.reload();
  await expect(versionsIn(page, 'Production')).toHaveAttribute('data-version', '2');
  await expect(versionsIn(page, 'Archived')).toHaveCount(2);
  // Aliases did not move with the stages.
  await expect(page.locator('[data-testid="alias-chip"][data-alias="champion"]')).toContainText('v3');
  const latest = await app.ok('POST', '/api/2.0/mlflow/registered-models/get-latest-versions', { name: 'nyc-taxi-regressor', stages: ['Production', 'Archived'] });
  expect(latest.model_versions.map((v: any) => [v.version, v.current_stage])).toEqual([['2', 'Production'], ['3', 'Archived']]);

  // v3's page: its history ends with the archiving; its URIs resolve.
  // A card opens its version when clicked outside its links.
  await page.locator('[data-testid="version-card"][data-version="3"]').click({ position: { x: 3, y: 3 } });
  await expect(page.getByTestId('version-stage')).toHaveText('Archived');
  await expect(page.getByTestId('stage-history-row').first()).toContainText('ProductionArchived');
  await expect(page.locator('[data-testid="model-uri"][data-uri="models:/nyc-taxi-regressor@champion"]')).toContainText('→ v3');
  await expect(page.locator('[data-testid="model-uri"][data-uri="models:/nyc-taxi-regressor/Archived"]')).toContainText('→ v3');

  // The board of all models, filtered by tag.
  await page.goto('./#/models?view=board');
  await expect(page.getByTestId('version-card')).toHaveCount(4);
  await page.getByTestId('model-search').fill("tags.task = 'regression'");
  await expect(page.getByTestId('version-card')).toHaveCount(3);
  await page.getByTestId('model-search').fill("tags.task = ");
  await expect(page.getByTestId('search-error')).toBeVisible();
});

test('register a run model and move it through the stages from the keyboard', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'demo' });
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: 'fit' });
  const runId = run.info.run_id;
  await app.ok('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'rmse', value: 3.25, timestamp: 1, step: 0 });
  const mlmodel = [
    'flavors:',
    '  python_function:',
    '    loader_module: mlflow.sklearn',
    '  sklearn:',
    '    sklearn_version: 1.5.2',
    'mlflow_version: 2.22.5',
    'saved_input_example_info:',
    '  artifact_path: input_example.json',
    'signature:',
    `  inputs: '[{"type": "double", "name": "distance", "required": true}]'`,
    `  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'`,
  ].join('\n');
  for (const [file, content] of [['model/MLmodel', mlmodel], ['model/input_example.json', '{"distance": [1.5]}'], ['model/requirements.txt', 'scikit-learn==1.5.2'], ['plots/loss.txt', 'x']]) {
    await app.ok('POST', '/api/2.0/labbook/artifacts/upload', { run_id: runId, path: file, content });
  }
  await app.open(`#/experiments/${experiment_id}/runs/${runId}`);
  await page.getByTestId('register-model').click();
  await expect(page.getByTestId('register-path').locator('option').first()).toHaveText('model/ (MLmodel)');
  await page.getByTestId('register-name').fill('fare-model');
  await page.getByTestId('register-submit').click();

  // The version page reads its MLmodel.
  await expect(page.getByTestId('version-page')).toBeVisible();
  await expect(page.getByTestId('version-stage')).toHaveText('None');
  await expect(page.getByTestId('mlmodel-flavor')).toHaveCount(2);
  await expect(page.locator('[data-testid="signature-table"][data-part="inputs"]')).toContainText('distance');
  await expect(page.getByTestId('input-example')).toContainText('1.5');
  await expect(page.getByTestId('requirements')).toContainText('scikit-learn');
  await expect(page.getByTestId('version-run-link')).toHaveText('fit');
  await expect(page.getByTestId('version-files')).toContainText('MLmodel');

  // Second version by REST; then the board, from the keyboard.
  await app.ok('POST', '/api/2.0/mlflow/model-versions/create', { name: 'fare-model', source: `runs:/${runId}/model`, run_id: runId });
  await page.goto('./#/models/fare-model?metric=rmse');
  await expect(versionsIn(page, 'None')).toHaveCount(2);
  await expect(versionsIn(page, 'None').first().getByTestId('card-metric')).toHaveText('rmse: 3.25');
  const v1 = page.locator('[data-testid="version-card"][data-version="1"]');
  await v1.focus();
  await page.keyboard.press('ArrowRight');
  await expect(versionsIn(page, 'Staging')).toHaveAttribute('data-version', '1');
  await expect(v1).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(versionsIn(page, 'Production')).toHaveAttribute('data-version', '1');
  // v2 straight to Production with "3": asked about v1; archive it, from the keyboard.
  const v2 = page.locator('[data-testid="version-card"][data-version="2"]');
  await v2.focus();
  await page.keyboard.press('3');
  await expect(page.getByTestId('archive-dialog')).toContainText('(v1)');
  await expect(page.getByTestId('archive-yes')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(versionsIn(page, 'Production')).toHaveAttribute('data-version', '2');
  await expect(versionsIn(page, 'Archived')).toHaveAttribute('data-version', '1');

  // Stages to aliases: shown first, then done.
  await page.getByTestId('aliases-from-stages').click();
  await expect(page.getByTestId('alias-suggestion')).toHaveText(['@production → v2']);
  await page.getByTestId('aliases-apply').click();
  await expect(page.locator('[data-testid="alias-chip"][data-alias="production"]')).toContainText('v2');
  await app.reload();
  const resolved = await app.ok('GET', '/api/2.0/labbook/models/resolve?uri=models:/fare-model@production');
  expect(resolved.model_version.version).toBe('2');
  const history = await app.ok('GET', '/api/2.0/mlflow/model-versions/get?name=fare-model&version=1');
  expect(history.model_version.current_stage).toBe('Archived');
  await page.goto('./#/models/fare-model/versions/1');
  await expect(page.getByTestId('stage-history-row')).toHaveCount(3);
});
