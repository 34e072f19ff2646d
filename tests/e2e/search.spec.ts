// Story: a user with an imported MLflow store finds runs with MLflow's filter language, sorts
// and picks columns, selects runs and acts on them, and shares the link to what they see.
import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Labbook } from './labbook';

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');

async function importMlflow2Db(app: Labbook) {
  await app.page.goto('./#/import');
  await app.page.getByTestId('import-input').setInputFiles(path.join(fixtures, 'mlflow2-sqlite/mlflow.db'));
  await app.expectReported('runs', { added: 23 });
}

test('filter and sort the runs table as MLflow does; the URL keeps it', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await importMlflow2Db(app);
  await app.open('#/experiments/1');
  await expect(page.getByTestId('runs-count')).toHaveText('17 runs');

  // The filter MLflow's server answered in the recording, typed into the box.
  const filter = "metrics.rmse < 4 and tags.model = 'xgboost'";
  await page.getByTestId('search-input').fill(filter);
  await expect(page.getByTestId('runs-count')).toHaveText('7 of 17 runs');
  await page.getByTestId('column-header').filter({ hasText: 'rmse' }).first().click();
  await page.getByTestId('column-header').filter({ hasText: 'rmse' }).first().click();
  await expect(page.getByTestId('column-header').filter({ hasText: 'rmse' }).first()).toContainText('▲');
  const recorded = JSON.parse(fs.readFileSync(path.join(fixtures, 'mlflow2-rest/runs_search_filter_rmse_lt_4.json'), 'utf8'));
  const expected = recorded.runs.map((r: any) => r.info.run_id);
  const shown = () => page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
  await expect.poll(shown).toEqual(expected);

  // A copied link opens the same table.
  const link = page.url();
  expect(decodeURIComponent(link)).toContain('filter=' + filter);
  const other = await page.context().newPage();
  await other.goto(link);
  await expect(other.getByTestId('runs-count')).toHaveText('7 of 17 runs');
  await expect(other.getByTestId('search-input')).toHaveValue(filter);
  await expect.poll(() => other.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')))).toEqual(expected);
  await other.close();

  // A wrong filter says where, keeps what was typed, and leaves the table as it was.
  await page.getByTestId('search-input').fill("metrics.rmse < 4 and tags.model = xgboost");
  await expect(page.getByTestId('search-error')).toContainText('Column 35');
  await expect(page.getByTestId('search-error')).toContainText('not quoted');
  await expect(page.getByTestId('search-input')).toHaveValue("metrics.rmse < 4 and tags.model = xgboost");
  await expect(page.getByTestId('runs-count')).toHaveText('7 of 17 runs');
  await page.getByTestId('search-input').fill("metrics.rmse < 4 OR tags.model = 'x'");
  await expect(page.getByTestId('search-error')).toContainText('Invalid clause');

  // Suggestions: entity prefixes, then the metric names present.
  await page.getByTestId('search-input').fill('metrics.rm');
  await expect(page.getByTestId('search-suggestion').first()).toHaveText('metrics.rmse');
  await page.getByTestId('search-input').press('Tab');
  await expect(page.getByTestId('search-input')).toHaveValue('metrics.rmse ');
  await page.getByTestId('search-input').fill('');
  await expect(page.getByTestId('runs-count')).toHaveText('17 runs');
});

test('select runs, then delete, restore and export them; keyboard and columns', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const exp = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'selection' });
  const ids: string[] = [];
  for (const [name, loss] of [['a', 3], ['b', 1], ['c', 2]] as const) {
    const run = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp.experiment_id, run_name: name, start_time: 1000 + ids.length });
    ids.push(run.run.info.run_id);
    await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: run.run.info.run_id,
      metrics: [{ key: 'loss', value: loss, timestamp: 1, step: 0 }],
      params: [{ key: 'kind', value: name === 'b' ? 'tree' : 'linear' }],
      tags: [{ key: 'team', value: 'x' }],
    });
  }
  await app.open(`#/experiments/${exp.experiment_id}`);
  await expect(page.getByTestId('runs-count')).toHaveText('3 runs');

  // Keyboard: `/` focuses the filter; arrows and Enter open a run.
  await page.getByTestId('runs-scroll').focus();
  await page.keyboard.press('/');
  await expect(page.getByTestId('search-input')).toBeFocused();
  await page.getByTestId('search-input').fill("params.kind = 'linear'");
  await expect(page.getByTestId('runs-count')).toHaveText('2 of 3 runs');
  await page.getByTestId('search-input').fill('');

  // Columns: tags are offered; the choice is in the URL and kept for the experiment.
  await page.getByTestId('column-picker').locator('summary').click();
  await page.getByTestId('column-option').filter({ hasText: 'tags.team' }).locator('input').check();
  await expect(page.getByTestId('column-header').filter({ hasText: 'team' })).toBeVisible();
  await page.getByTestId('column-option').filter({ hasText: 'params.kind' }).locator('input').uncheck();
  await expect(page.getByTestId('column-header').filter({ hasText: 'kind' })).toHaveCount(0);
  await app.open(`#/experiments/${exp.experiment_id}`);
  await expect(page.getByTestId('column-header').filter({ hasText: 'team' })).toBeVisible();
  await expect(page.getByTestId('column-header').filter({ hasText: 'kind' })).toHaveCount(0);

  // Select two runs (the selection is in the URL), export them, delete them, restore them.
  await app.runRow(ids[0]).getByTestId('run-select').check();
  await app.runRow(ids[2]).getByTestId('run-select').check();
  await expect(page.getByTestId('selection-count')).toHaveText('2 runs selected');
  expect(decodeURIComponent(page.url())).toContain(`sel=${ids[0]},${ids[2]}`);
  // Compare the two side by side, differences only.
  await page.getByTestId('selection-compare').click();
  await expect(page.getByTestId('compare-diff')).toBeVisible();
  await expect(page.getByTestId('compare-row').filter({ hasText: 'loss' })).toContainText('3');
  await expect(page.getByTestId('compare-row')).toHaveCount(3);
  await page.getByTestId('compare-only-diff').check();
  await expect(page.getByTestId('compare-row')).toHaveCount(1);
  await expect(page.getByTestId('compare-row')).toHaveAttribute('data-key', 'loss');
  await page.goBack();
  await expect(page.getByTestId('selection-count')).toHaveText('2 runs selected');
  const download = page.waitForEvent('download');
  await page.getByTestId('selection-export-json').click();
  const file = await (await download).path();
  const bundle = JSON.parse(fs.readFileSync(file!, 'utf8'));
  expect(bundle.runs.map((r: any) => r.info.run_id).sort()).toEqual([ids[0], ids[2]].sort());
  await page.getByTestId('selection-delete').click();
  await expect(page.getByTestId('runs-count')).toHaveText('1 run');
  await page.getByTestId('run-view').selectOption('all');
  await expect(page.getByTestId('runs-count')).toHaveText('3 runs');
  await page.getByTestId('selection-restore').click();
  await page.getByTestId('run-view').selectOption('active');
  await expect(page.getByTestId('runs-count')).toHaveText('3 runs');

  // Newest first: c, b, a. Home goes to the first row, arrows move, Enter opens.
  await page.getByTestId('runs-scroll').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-name')).toHaveText('b');
});

test('nested runs show as a tree under their parents', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const exp = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'nested' });
  const make = async (name: string, parent?: string) => {
    const tags = parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [];
    const run = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp.experiment_id, run_name: name, tags });
    return run.run.info.run_id as string;
  };
  const parent = await make('parent');
  const child = await make('child', parent);
  await make('grandchild', child);
  await make('alone');
  await app.open(`#/experiments/${exp.experiment_id}`);
  await expect(page.getByTestId('runs-count')).toHaveText('4 runs');
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await app.runRow(parent).getByTestId('run-expand').click();
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  await app.runRow(child).getByTestId('run-expand').click();
  await expect(page.getByTestId('run-row')).toHaveCount(4);
  await expect(page.getByTestId('run-row').filter({ hasText: 'grandchild' })).toHaveAttribute('data-depth', '2');
});

test('group runs with metric ranges per group, and show runs of several experiments', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const first = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'grouping' });
  const second = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'other-experiment' });
  const log = async (experiment_id: string, name: string, kind: string, loss: number) => {
    const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: name });
    await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: run.info.run_id,
      metrics: [{ key: 'loss', value: loss, timestamp: 1, step: 0 }],
      params: [{ key: 'kind', value: kind }],
    });
    return run.info.run_id as string;
  };
  const a = await log(first.experiment_id, 'a', 'linear', 3);
  await log(first.experiment_id, 'b', 'tree', 1);
  const c = await log(first.experiment_id, 'c', 'linear', 2);
  await log(second.experiment_id, 'd', 'tree', 5);
  await app.open(`#/experiments/${first.experiment_id}`);
  await expect(page.getByTestId('runs-count')).toHaveText('3 runs');

  await page.getByTestId('group-by').selectOption('params.kind');
  await expect(page.getByTestId('group-row')).toHaveCount(2);
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  const linear = page.getByTestId('group-row').filter({ hasText: 'linear' });
  await expect(linear).toContainText('(2 runs)');
  await expect(linear).toContainText('2 / 2.5 / 3');
  await linear.getByTestId('group-expand').click();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await linear.getByTestId('group-select').click();
  await expect(page.getByTestId('selection-count')).toHaveText('2 runs selected');
  expect(decodeURIComponent(page.url())).toContain('group=params.kind');
  for (const id of [a, c]) expect(decodeURIComponent(page.url())).toContain(id);

  await page.getByTestId('group-by').selectOption('');
  await page.getByTestId('experiment-picker').locator('summary').click();
  await page.getByTestId('experiment-option').filter({ hasText: 'other-experiment' }).locator('input').check();
  await expect(page.getByTestId('runs-count')).toHaveText('4 runs');
  await expect(page.getByTestId('run-row').filter({ hasText: 'd' }).last()).toContainText('other-experiment');
  await page.getByTestId('search-input').fill('metrics.loss > 2.5');
  await expect(page.getByTestId('runs-count')).toHaveText('2 of 4 runs');
  await app.reload();
  await expect(page.getByTestId('runs-count')).toHaveText('2 of 4 runs');
});
