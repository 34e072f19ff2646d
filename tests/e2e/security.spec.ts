// Story: data from anywhere (an imported file, a script, a colleague's bundle) is shown as
// text, never run; and the page runs only labbook's own code, under a Content-Security-Policy
// the build keeps true.
import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { Labbook } from './labbook';

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');
const API = '/api/2.0/mlflow';
const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';

/** Records every Content-Security-Policy violation of the page from its first script on. */
async function recordViolations(page: Page) {
  await page.addInitScript(() => {
    (window as any).violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

test('the page declares a policy that lets only its own code run, and works under it', async ({ page }) => {
  await recordViolations(page);
  const app = new Labbook(page);
  await app.open();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const scriptSrc = policy!.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '))!;
  expect(scriptSrc).toMatch(/^script-src 'sha256-[A-Za-z0-9+/=]+' 'self' 'wasm-unsafe-eval'$/);
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).not.toMatch(/https?:|\*/);

  // The pages, with real data, charts and exports, raise no violation.
  await page.goto('./#/import');
  await page.getByTestId('import-input').setInputFiles(path.join(fixtures, 'mlflow3-filestore/mlruns.zip'));
  await app.expectReported('runs', { added: 25, updated: 0, unchanged: 0 });
  await app.experimentItem('nyc-taxi-experiment').getByRole('link').click();
  await expect(page.getByTestId('runs-count')).toHaveText('19 runs');
  await page.getByTestId('run-row').filter({ hasText: 'linear-regression-baseline' }).getByRole('link').click();
  await expect(page.getByTestId('metric-chart').first()).toBeVisible();
  await page.goto('./#/models');
  await expect(page.getByTestId('model-item').first()).toBeVisible();
  expect(await page.evaluate(() => (window as any).violations)).toEqual([]);

  // A script put into the page by other means does not run.
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
    return (window as any).injected ?? false;
  });
  expect(ran).toBe(false);
  expect(await page.evaluate(() => (window as any).violations)).toEqual(['script-src-elem inline']);
});

test('markup in names, params, tags and descriptions stays text', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', `${API}/experiments/create`, {
    name: `exp ${HOSTILE}`,
    tags: [{ key: 'mlflow.note.content', value: `notes ${HOSTILE} [link](javascript:window.pwned=3)` }],
  });
  const { run } = await app.ok('POST', `${API}/runs/create`, {
    experiment_id,
    run_name: `run ${HOSTILE}`,
    // Keys are held to MLflow's characters (markup is refused); values are free text.
    tags: [{ key: 'origin', value: `value ${HOSTILE}` }],
  });
  const runId = run.info.run_id;
  await app.ok('POST', `${API}/runs/log-batch`, {
    run_id: runId,
    params: [{ key: 'p', value: `param ${HOSTILE}` }],
  });
  await app.ok('POST', `${API}/registered-models/create`, { name: `model ${HOSTILE}`, description: HOSTILE });

  await app.open(`#/experiments/${experiment_id}`);
  await expect(app.runRow(runId)).toContainText(`run ${HOSTILE}`);
  await expect(page.getByTestId('experiment-name')).toHaveText(`exp ${HOSTILE}`);
  await expect(page.getByTestId('description')).toContainText('notes');
  expect(await page.getByTestId('description').locator('a[href^="javascript"]').count()).toBe(0);
  await app.open(`#/experiments/${experiment_id}/runs/${runId}`);
  await expect(page.getByTestId('run-params')).toContainText(`param ${HOSTILE}`);
  await expect(page.getByTestId('run-tags')).toContainText(`value ${HOSTILE}`);
  await app.open('#/models');
  await expect(page.getByTestId('model-item')).toContainText(`model ${HOSTILE}`);

  // Nothing of it became an element or ran.
  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});

test('markup in artifact names and contents, an MLmodel and an imported bundle stays text', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', `${API}/experiments/create`, { name: 'files' });
  const { run } = await app.ok('POST', `${API}/runs/create`, { experiment_id, run_name: 'with-files' });
  const runId = run.info.run_id;
  const upload = (path: string, content: string) =>
    app.ok('POST', '/api/2.0/labbook/artifacts/upload', { run_id: runId, path, content });
  await upload(`odd/${HOSTILE}.html`, `<html><body>${HOSTILE}</body></html>`);
  await upload(
    'model/MLmodel',
    [
      'artifact_path: model',
      'flavors:',
      // Single-quoted YAML scalars: the markup's double quotes stay as they are.
      `  'flavor ${HOSTILE}':`,
      `    loader_module: '${HOSTILE}'`,
      'signature:',
      `  inputs: '[{"name": "col <b onclick=window.pwned=7>x</b>", "type": "double"}]'`,
      '',
    ].join('\n'),
  );
  await app.ok('POST', `${API}/registered-models/create`, { name: 'files-model' });
  await app.ok('POST', `${API}/model-versions/create`, {
    name: 'files-model',
    source: `runs:/${runId}/model`,
    run_id: runId,
  });

  await app.open(`#/experiments/${experiment_id}/runs/${runId}`);
  const tree = page.getByTestId('artifact-tree');
  await expect(tree).toContainText(`${HOSTILE}.html`);
  await app.open('#/models/files-model/versions/1');
  await expect(page.getByTestId('mlmodel-flavor')).toContainText(`flavor ${HOSTILE}`);
  await expect(page.getByTestId('signature-table').first()).toContainText('col <b onclick=window.pwned=7>x</b>');

  // A bundle from elsewhere: names, tags and params written as markup.
  const bundle = {
    format: 'labbook-bundle',
    format_version: 1,
    experiments: [{ experiment_id: '7', name: `bundled ${HOSTILE}`, artifact_location: '', lifecycle_stage: 'active', tags: [] }],
    runs: [{
      info: { run_id: 'c'.repeat(32), experiment_id: '7', run_name: `bundled run ${HOSTILE}`, status: 'FINISHED', lifecycle_stage: 'active', artifact_uri: '' },
      data: { params: [{ key: 'p', value: HOSTILE }], tags: [{ key: 't', value: HOSTILE }], metrics: [] },
    }],
  };
  await app.open('#/import');
  await page.getByTestId('import-input').setInputFiles({
    name: 'bundle.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bundle)),
  });
  await app.expectReported('runs', { added: 1, updated: 0, unchanged: 0 });
  await app.experimentItem('bundled').getByRole('link').click();
  await expect(page.getByTestId('experiment-name')).toHaveText(`bundled ${HOSTILE}`);
  await expect(app.runRow('c'.repeat(32))).toContainText(`bundled run ${HOSTILE}`);

  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"], b[onclick]').count()).toBe(0);
});
