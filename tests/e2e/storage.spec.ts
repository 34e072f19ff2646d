// Story: when the browser will not open IndexedDB (as some private windows do), labbook says
// so plainly and still works, in memory.
import { test, expect } from '@playwright/test';
import * as path from 'node:path';
import { Labbook } from './labbook';

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');

test('without IndexedDB the app runs in memory under a banner', async ({ page }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('The user denied permission to access the database.', 'InvalidStateError');
    };
  });
  const app = new Labbook(page);
  await app.open();
  await expect(page.getByTestId('storage-banner')).toContainText('keeping everything in memory');
  await app.createExperimentInUi('scratch');
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '1', run_name: 'temp' });
  await expect(app.runRow(run.info.run_id)).toContainText('temp');
});

test('a write the browser has no room for fails whole, in words, with nothing written', async ({ page }) => {
  // A full disk, as the browser reports it: every write refused with a QuotaExceededError
  // while `full` is set; and a quota that leaves no room, for the warning before an import.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args: any[]) {
      if ((window as any).full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args as any);
    };
    const estimate = StorageManager.prototype.estimate;
    StorageManager.prototype.estimate = async function () {
      const real = await estimate.call(this);
      return (window as any).full ? { usage: real.usage, quota: (real.usage ?? 0) + 4096 } : real;
    };
  });
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'kept' });
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: 'small' });
  const before = await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0', experiment_id] });
  await page.goto('./#/import');
  await page.evaluate(() => ((window as any).full = true));

  // An import: warned of before, refused whole after.
  await page.getByTestId('import-input').setInputFiles(path.join(fixtures, 'mlflow3-filestore/mlruns.zip'));
  await expect(page.getByTestId('import-space-warning')).toContainText('the import may not fit');
  await expect(page.getByTestId('import-error')).toContainText('the browser refused to store more: labbook uses');
  await expect(page.getByTestId('import-error')).toContainText('Nothing was written.');
  await expect(page.getByTestId('experiment-item')).toHaveText(['Default', 'kept']);

  // A batch of metrics: the same.
  const metrics = Array.from({ length: 1000 }, (_, step) => ({ key: `m${step % 50}`, value: step, timestamp: step, step }));
  const refused = await app.rest('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  expect(refused.error.message).toMatch(
    /^the browser refused to store more: labbook uses .* of the .* it may use\. Free disk space, or export and delete old experiments, then try again\. Nothing was written\.$/,
  );
  const after = await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0', experiment_id] });
  expect(after).toEqual(before);

  // With room again, the same write goes through.
  await page.evaluate(() => ((window as any).full = false));
  await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  const history = await app.ok('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${run.info.run_id}&metric_key=m0`);
  expect(history.metrics).toHaveLength(20);
});

test('the welcome page says where the data is kept and how much is used', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await expect(page.getByTestId('welcome-storage')).toContainText('A browser may clear a site');
  await expect(page.getByTestId('storage-status')).toContainText('it may use');
  await app.createExperimentInUi('first');
  await page.goto('./#/import');
  await expect(page.getByTestId('storage-status')).toHaveText(/labbook uses .* of the .* it may use; the browser (keeps it until you delete it|may clear it when space runs low, so export what you want to keep)\./);
});

test('a database the browser cleared is said to be gone, with the way back', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await expect(page.getByTestId('storage-cleared')).toHaveCount(0);
  await app.createExperimentInUi('precious');
  // What a browser does when it frees space or the user clears site data (localStorage may
  // stay): the database goes. The open tab lets go of it and says so.
  const deleted = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('labbook');
        request.onsuccess = () => resolve('deleted');
        request.onblocked = () => resolve('blocked');
        request.onerror = () => resolve(`failed: ${request.error}`);
      }),
  );
  expect(deleted).toBe('deleted');
  await expect(page.getByTestId('reload-banner')).toContainText('was deleted while this tab had it open');
  await app.reload();
  await expect(page.getByTestId('storage-cleared')).toContainText('its database is now empty');
  await page.getByTestId('storage-cleared').getByRole('link', { name: 'import it' }).click();
  await expect(page.getByTestId('import-input')).toBeAttached();
});
