// Story: scripts use window.labbook.rest as they would an MLflow server: the same JSON, the
// same errors, and files that can be uploaded and downloaded.
import { test, expect } from '@playwright/test';
import { Labbook } from './labbook';

test('answers and errors have MLflow server shapes', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const missing = await app.rest('GET', '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef');
  expect(missing.error).toEqual({
    status: 404,
    error_code: 'RESOURCE_DOES_NOT_EXIST',
    message: 'Run with id=0123456789abcdef0123456789abcdef not found',
  });
  const invalid = await app.rest('POST', '/api/2.0/mlflow/experiments/create', {});
  expect(invalid.error.status).toBe(400);
  expect(invalid.error.error_code).toBe('INVALID_PARAMETER_VALUE');

  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
  // JavaScript's NaN and Infinity travel as protobuf's "NaN" and "Infinity".
  await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: run.info.run_id,
    metrics: [
      { key: 'a', value: NaN, timestamp: 1, step: 0 },
      { key: 'b', value: Infinity, timestamp: 1, step: 0 },
    ],
  });
  const got = await app.ok('GET', `/api/2.0/mlflow/runs/get?run_id=${run.info.run_id}`);
  expect(got.run.data.metrics.map((m: any) => m.value)).toEqual(['NaN', 'Infinity']);

  // A refused batch writes nothing.
  const refused = await app.rest('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: run.info.run_id,
    params: [{ key: 'p', value: '1' }],
    metrics: [{ key: '../escape', value: 1, timestamp: 1 }],
  });
  expect(refused.error.error_code).toBe('INVALID_PARAMETER_VALUE');
  const after = await app.ok('GET', `/api/2.0/mlflow/runs/get?run_id=${run.info.run_id}`);
  expect(after.run.data.params).toBeUndefined();
});

test('artifacts uploaded through the API are listed and download with their bytes', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'files' });
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: 'with-files' });
  const runId = run.info.run_id;
  await app.ok('POST', '/api/2.0/labbook/artifacts/upload', { run_id: runId, path: 'config/params.json', content: '{"depth": 6}' });
  await app.ok('POST', '/api/2.0/labbook/artifacts/upload', { run_id: runId, path: 'model/weights.bin', content_base64: 'AAECAw==' });
  const listing = await app.ok('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`);
  expect(listing.files).toEqual([
    { path: 'config', is_dir: true },
    { path: 'model', is_dir: true },
  ]);

  await app.open(`#/experiments/${experiment_id}/runs/${runId}`);
  const tree = page.getByTestId('artifact-tree');
  await expect(tree).toContainText('params.json');
  await expect(tree).toContainText('weights.bin');
  const downloading = page.waitForEvent('download');
  await tree.locator('li.file[data-path="config/params.json"]').getByTestId('artifact-download').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('params.json');
  const path = await download.path();
  const fs = await import('node:fs');
  expect(fs.readFileSync(path, 'utf8')).toBe('{"depth": 6}');

  // Upload from the page, too.
  await page.getByTestId('artifact-upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
  await expect(tree).toContainText('notes.txt');
  await app.reload();
  await expect(page.getByTestId('artifact-tree')).toContainText('notes.txt');
});
