// Story: when the browser will not open IndexedDB (as some private windows do), labbook says
// so plainly and still works, in memory.
import { test, expect } from '@playwright/test';
import { Labbook } from './labbook';

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
