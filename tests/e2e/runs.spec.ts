// Story: runs created and logged through the page and through labbook.rest show up in the
// runs table and on the run page, live, and are still there after a reload.
import { test, expect } from '@playwright/test';
import { Labbook } from './labbook';

test('create a run in the page, log to it, and find it after a reload', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await app.createExperimentInUi('ui-runs');
  await expect(page.getByTestId('runs-empty')).toBeVisible();
  await page.getByTestId('run-new').click();
  await page.getByTestId('run-name-input').fill('first-run');
  await page.getByTestId('run-create').click();
  await expect(page.getByTestId('runs-count')).toHaveText('1 run');
  const row = page.getByTestId('run-row');
  await expect(row).toContainText('first-run');
  await expect(row).toContainText('RUNNING');
  await row.getByRole('link', { name: 'first-run' }).click();

  await expect(page.getByTestId('run-name')).toHaveText('first-run');
  const log = async (kind: string, key: string, value: string) => {
    await page.getByTestId('log-kind').selectOption(kind);
    await page.getByTestId('log-key').fill(key);
    await page.getByTestId('log-value').fill(value);
    await page.getByTestId('log-submit').click();
  };
  await log('param', 'learning_rate', '0.01');
  await expect(page.getByTestId('run-params')).toContainText('learning_rate');
  await log('metric', 'loss', '0.9');
  await log('metric', 'loss', '0.5');
  await expect(page.getByTestId('run-metrics').locator('tr[data-metric-key="loss"]')).toContainText('0.5');
  await log('tag', 'owner', 'ana');
  await expect(page.getByTestId('run-tags')).toContainText('owner');
  await page.getByTestId('run-finish').click();
  await expect(page.getByTestId('run-status')).toHaveText('FINISHED');

  const runUrl = page.url();
  await app.reload();
  await expect(page).toHaveURL(runUrl);
  await expect(page.getByTestId('run-params')).toContainText('0.01');
  await expect(page.getByTestId('run-metrics').locator('tr[data-metric-key="loss"]')).toContainText('2 pts');
  await expect(page.getByTestId('run-tags')).toContainText('ana');
  await expect(page.getByTestId('run-status')).toHaveText('FINISHED');

  await page.getByTestId('run-experiment-link').click();
  await expect(page.getByTestId('runs-table')).toContainText('learning_rate');
  await expect(page.getByTestId('runs-table')).toContainText('loss');
});

test('runs logged through labbook.rest appear live, and survive a reload', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'from-code' });
  await app.open(`#/experiments/${experiment_id}`);
  await expect(page.getByTestId('runs-empty')).toBeVisible();

  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', {
    experiment_id,
    run_name: 'live',
    start_time: Date.now(),
  });
  const runId = run.info.run_id;
  await expect(app.runRow(runId)).toContainText('live');

  // Log a metric every 100 ms from the page, as a training loop would, and watch the table.
  await page.evaluate(async (id) => {
    for (let step = 0; step < 10; step++) {
      await (window as any).labbook.rest('POST', '/api/2.0/mlflow/runs/log-metric', {
        run_id: id, key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step,
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, runId);
  await expect(app.runRow(runId).locator('[data-column="metrics.loss"]')).toHaveText('0.1');
  // A filter follows the values being logged: the run comes in when it starts to match.
  await page.getByTestId('search-input').fill('metrics.loss < 0.05');
  await expect(page.getByTestId('runs-no-match')).toBeVisible();
  await app.ok('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'loss', value: 0.01, timestamp: Date.now(), step: 10 });
  await expect(app.runRow(runId).locator('[data-column="metrics.loss"]')).toHaveText('0.01');
  await page.getByTestId('search-input').fill('');
  await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: runId,
    params: [{ key: 'depth', value: '6' }],
    tags: [{ key: 'team', value: 'vision' }],
  });
  await expect(app.runRow(runId).locator('[data-column="params.depth"]')).toHaveText('6');
  await app.ok('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  await expect(app.runRow(runId)).toContainText('FINISHED');

  await app.reload();
  await expect(app.runRow(runId)).toContainText('FINISHED');
  const history = await app.ok('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
  expect(history.metrics.map((m: any) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const fetched = await app.ok('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`);
  expect(fetched.run.data.params).toEqual([{ key: 'depth', value: '6' }]);
});

test('deleted runs leave the active view and come back from the deleted one', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'views' });
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: 'doomed' });
  await app.open(`#/experiments/${experiment_id}/runs/${run.info.run_id}`);
  await page.getByTestId('run-delete').click();
  await expect(page.getByTestId('run-restore')).toBeVisible();
  await app.open(`#/experiments/${experiment_id}`);
  await expect(page.getByTestId('runs-empty')).toBeVisible();
  await page.getByTestId('run-view').selectOption('deleted');
  await expect(page).toHaveURL(/view=deleted/);
  await expect(app.runRow(run.info.run_id)).toHaveClass(/deleted/);
  await app.reload();
  await expect(app.runRow(run.info.run_id)).toBeVisible();
});

test('what is being typed survives runs logged meanwhile', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'busy' });
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: 'training' });
  await app.open(`#/experiments/${experiment_id}/runs/${run.info.run_id}`);
  await page.getByTestId('description-edit').click();
  await page.getByTestId('description-input').fill('half a thought');
  await page.getByTestId('log-key').fill('note');
  for (let step = 0; step < 3; step++) {
    await app.ok('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: run.info.run_id, key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step });
  }
  await expect(page.getByTestId('run-metrics').locator('tr[data-metric-key="loss"]')).toContainText('3 pts');
  await expect(page.getByTestId('description-input')).toHaveValue('half a thought');
  await expect(page.getByTestId('log-key')).toHaveValue('note');
});

test('pages closed while the runs they were reading load do not break the app', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'coming-and-going' });
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: 'busy' });
  const runId = run.info.run_id;
  // Each write makes the open table and charts read again; the page is left at once, so
  // their reads finish after it has gone.
  for (let step = 0; step < 30; step++) {
    await page.goto(step % 2 ? `./#/experiments/${experiment_id}` : `./#/experiments/${experiment_id}/runs/${runId}`);
    await page.evaluate(
      ([id, s]) =>
        (window as any).labbook.rest('POST', '/api/2.0/mlflow/runs/log-metric', {
          run_id: id,
          key: 'loss',
          value: 1 / (s + 1),
          timestamp: 1000 + s,
          step: s,
        }),
      [runId, step] as const,
    );
  }
  await expect(page.getByTestId('crash')).toHaveCount(0);
  await app.open(`#/experiments/${experiment_id}`);
  await expect(app.runRow(runId)).toContainText('0.0333333');
  await expect(page.getByTestId('crash')).toHaveCount(0);
});
