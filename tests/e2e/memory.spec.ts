// Story: labbook stays open for hours while a script logs; the pages keep what they show and
// nothing more. labbook.heapBytes() counts the bytes the app holds; a page left logging must
// not keep more for each point than the point itself takes.
import { test, expect, type Page } from '@playwright/test';
import { Labbook } from './labbook';

const API = '/api/2.0/mlflow';

/** Logs points `from`.. `from + count` round-robin to `runs`: point i is `i` at step i. */
async function log(page: Page, runs: string[], from: number, count: number) {
  await page.evaluate(async ([runs, from, count]) => {
    for (let i = from; i < from + count; i++) {
      await (window as any).labbook.rest('POST', '/api/2.0/mlflow/runs/log-metric', {
        run_id: runs[i % runs.length], key: 'loss', value: i, timestamp: 1000 + i, step: i,
      });
    }
  }, [runs, from, count] as const);
}

const heap = (page: Page) => page.evaluate(() => (window as any).labbook.heapBytes() as number);

test('pages left open while points are logged keep no more than the points', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', `${API}/experiments/create`, { name: 'long' });
  const runs: string[] = [];
  for (let r = 0; r < 5; r++) {
    runs.push((await app.ok('POST', `${API}/runs/create`, { experiment_id, run_name: `run-${r}` })).run.info.run_id);
  }

  // The runs table, every run on screen and written to: it holds the runs, not the points.
  await app.open(`#/experiments/${experiment_id}`);
  await expect(page.getByTestId('run-row')).toHaveCount(5);
  // Every row shows the last point logged to its run.
  const shown = async (end: number) => {
    for (let r = 0; r < runs.length; r++) {
      const last = end - 1 - ((end - 1 - r) % runs.length);
      await expect(app.runRow(runs[r]).locator('[data-column="metrics.loss"]')).toHaveText(String(last));
    }
  };
  await log(page, runs, 0, 100);
  await shown(100);
  const tableBefore = await heap(page);
  await log(page, runs, 100, 300);
  await shown(400);
  const tableGrowth = (await heap(page)) - tableBefore;

  // A run's page with its charts, its run written to: it holds that run's points.
  await app.open(`#/experiments/${experiment_id}/runs/${runs[0]}`);
  await expect(page.getByTestId('metric-chart')).toBeVisible();
  const points = page.getByTestId('chart-points');
  await log(page, [runs[0]], 400, 100);
  await expect(points).toContainText(`of ${80 + 100} points`);
  const runBefore = await heap(page);
  await log(page, [runs[0]], 500, 300);
  await expect(points).toContainText(`of ${80 + 400} points`);
  const runGrowth = (await heap(page)) - runBefore;

  console.log(`heap growth over 300 points: table ${tableGrowth} B, run page ${runGrowth} B`);
  // A point costs the run page its columns in the chart and in the sparkline (step, time,
  // value: 24 B each), its place in the chart's series (x, y and where it came from: 20 B) and
  // in the path drawn, some 80 B with what growing vectors keep in hand; the table nothing.
  // Views remade on every write kept 300 B and more a write here before they were fixed.
  expect(tableGrowth).toBeLessThan(300 * 32);
  expect(runGrowth).toBeLessThan(300 * 160);
});
