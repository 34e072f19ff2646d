// Story: a user tunes a model over a grid of learning rates, depths and optimizers, ticks the
// runs and compares them: parallel coordinates with brushing, a scatter, a box plot and a
// contour, each with its own URL and exports.
import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import { Labbook } from './labbook';

test('the compare page plots the runs four ways', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'grid' });
  const ids: string[] = [];
  const optimizers = ['adam', 'sgd', 'rmsprop'];
  for (let i = 0; i < 12; i++) {
    const lr = [0.001, 0.01, 0.1][i % 3];
    const depth = 2 + (i % 4);
    const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: `trial-${i}`, start_time: 1000 + i });
    ids.push(run.info.run_id);
    await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: run.info.run_id,
      params: [
        { key: 'lr', value: String(lr) },
        { key: 'depth', value: String(depth) },
        { key: 'optimizer', value: optimizers[Math.floor(i / 4)] },
      ],
      metrics: [{ key: 'accuracy', value: 0.5 + i / 40, timestamp: 1000, step: 0 }],
    });
  }
  await app.open(`#/compare?runs=${ids.join(',')}`);
  for (const id of ['compare-parallel', 'compare-scatter', 'compare-box', 'compare-contour', 'compare-diff']) {
    await expect(page.getByTestId(id)).toBeVisible();
  }

  // Parallel coordinates: the three params (they differ) and the metric; a line per run.
  const parallel = page.getByTestId('compare-parallel');
  await expect(parallel.getByTestId('parallel-axis')).toHaveCount(4);
  await expect(parallel.getByTestId('parallel-line')).toHaveCount(12);
  // Brush the top of the accuracy axis: the best runs are kept, the rest dimmed.
  const axis = parallel.locator('[data-testid="parallel-axis"][data-field="metrics.accuracy"]');
  await axis.scrollIntoViewIfNeeded();
  const a = (await axis.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + 1);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height * 0.3, { steps: 4 });
  await page.mouse.up();
  await expect(parallel.getByTestId('compare-brush-count')).toContainText(/of 12 runs/);
  const kept = await parallel.locator('[data-testid="parallel-line"][data-kept="true"]').count();
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(12);
  await expect(parallel.getByTestId('compare-brush-count')).toHaveText(`${kept} of 12 runs in the brushes`);
  // The brush is in the URL: a reload keeps it.
  expect(decodeURIComponent(page.url())).toContain('pc.brush=metrics.accuracy;');
  await app.reload();
  await expect(page.getByTestId('compare-parallel').getByTestId('compare-brush-count')).toHaveText(`${kept} of 12 runs in the brushes`);

  // Scatter: accuracy against lr, hover names the run.
  const scatter = page.getByTestId('compare-scatter');
  await scatter.getByTestId('scatter-x').selectOption('params.lr');
  await scatter.getByTestId('scatter-y').selectOption('metrics.accuracy');
  await expect(scatter.getByTestId('scatter-point')).toHaveCount(12);
  await scatter.getByTestId('scatter-point').first().hover();
  await expect(scatter.getByTestId('plot-tooltip')).toContainText(/trial-\d+ · lr: 0\.0*1 · accuracy: /);

  // Box plot of accuracy by optimizer: one box per optimizer, in order.
  const box = page.getByTestId('compare-box');
  await box.getByTestId('box-x').selectOption('params.optimizer');
  await box.getByTestId('box-y').selectOption('metrics.accuracy');
  await expect(box.getByTestId('box-group')).toHaveCount(3);
  await expect(box.getByTestId('box-group').first()).toHaveAttribute('data-value', 'adam');

  // Contour of accuracy over depth and lr: every run placed, isolines drawn.
  const contour = page.getByTestId('compare-contour');
  await contour.getByTestId('contour-x').selectOption('params.depth');
  await contour.getByTestId('contour-y').selectOption('params.lr');
  await expect(contour.getByTestId('contour-point')).toHaveCount(12);
  expect(await contour.locator('path.isoline').count()).toBeGreaterThan(2);

  // A plot's own URL shows it alone with its settings.
  await scatter.getByTestId('plot-link').click();
  await expect(page.getByTestId('compare-scatter')).toBeVisible();
  await expect(page.getByTestId('compare-parallel')).toHaveCount(0);
  await expect(page.getByTestId('compare-diff')).toHaveCount(0);
  await expect(page.getByTestId('scatter-x')).toHaveValue('params.lr');
  await expect(page.getByTestId('scatter-point')).toHaveCount(12);

  // Exports: the plot's data as CSV, its drawing as PNG.
  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('compare-scatter').getByTestId('chart-csv').click();
  const csv = fs.readFileSync((await (await csvDownload).path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('run_id,run_name,params.lr,metrics.accuracy');
  expect(csv).toHaveLength(13);
  const pngDownload = page.waitForEvent('download');
  await page.getByTestId('compare-scatter').getByTestId('chart-png').click();
  const png = await pngDownload;
  expect(png.suggestedFilename()).toBe('compare-scatter.png');
  const bytes = fs.readFileSync((await png.path())!);
  expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  await page.getByTestId('compare-all').click();
  await expect(page.getByTestId('compare-parallel')).toBeVisible();
  await expect(page.getByTestId('compare-diff')).toBeVisible();
});
