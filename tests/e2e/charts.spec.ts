// Story: a user logs a long metric history and reads it on the run page's chart: every spike
// drawn, hover for a point, zoom for detail, smoothing, log scale, NaN marked, data as CSV,
// the drawing as SVG and PNG.
import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import { Labbook } from './labbook';

test('a run page charts each metric at full fidelity', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'charts' });
  const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: 'long', start_time: 1_700_000_000_000 });
  // 20 000 steps of a smooth curve with one spike at step 12 345 and a NaN at step 5.
  for (let b = 0; b < 20; b++) {
    const metrics = [];
    for (let i = 0; i < 1000; i++) {
      const step = b * 1000 + i;
      const value = step === 12_345 ? 50 : step === 5 ? 'NaN' : 1 + 1 / (1 + step / 100);
      metrics.push({ key: 'loss', value, timestamp: 1_700_000_000_000 + step * 10, step });
    }
    await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  }
  await app.open(`#/experiments/${experiment_id}/runs/${run.info.run_id}`);
  const chart = page.locator('[data-testid="metric-chart"][data-metric-key="loss"]');
  await expect(chart).toBeVisible();
  // Decimated: far fewer points drawn than logged, and the spike is in the drawing.
  await expect(chart.getByTestId('chart-points')).toContainText('of 20000 points drawn');
  const drawn = Number((await chart.getByTestId('chart-points').textContent())!.trim().split(' ')[0]);
  expect(drawn).toBeLessThan(2 * 500);
  const topOfLine = await chart.locator('path.line').first().evaluate((p) => (p as SVGPathElement).getBBox().y);
  expect(topOfLine).toBeLessThan(20);
  await expect(chart.getByTestId('chart-nonfinite')).toHaveCount(1);

  // Hover: the nearest point, with its step.
  const svg = chart.locator('svg');
  await svg.scrollIntoViewIfNeeded();
  const box = (await svg.boundingBox())!;
  await page.mouse.move(box.x + 56 + (560 - 68) / 2, box.y + 100);
  await expect(chart.getByTestId('chart-tooltip')).toContainText(/step 1\d{4}|step 9\d{3}/);

  // Zoom into the first tenth: every point there is drawn.
  await page.mouse.move(box.x + 57, box.y + 100);
  await page.mouse.down();
  await page.mouse.move(box.x + 56 + (560 - 68) / 20, box.y + 100);
  await page.mouse.up();
  await expect(chart.getByTestId('chart-points')).not.toContainText(`${drawn} of`);
  await chart.locator('svg').dblclick();
  await expect(chart.getByTestId('chart-points')).toContainText(`${drawn} of 20000`);

  // Smoothing adds a second line, the raw one kept faint; log scale; CSV of the data.
  await chart.getByTestId('chart-smoothing').fill('0.9');
  await expect(chart.locator('path.line.raw')).toHaveCount(1);
  await chart.getByTestId('chart-log').check();
  await expect(chart.locator('text.tick').filter({ hasText: /^10$/ })).toHaveCount(1);
  const download = page.waitForEvent('download');
  await chart.getByTestId('chart-csv').click();
  const csv = fs.readFileSync((await (await download).path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('run_id,key,step,timestamp,value');
  expect(csv.length).toBe(20_001);
  expect(csv[6]).toBe(`${run.info.run_id},loss,5,1700000000050,NaN`);

  // The SVG stands alone: the page's styles are written into it (lines unfilled).
  const svgDownload = page.waitForEvent('download');
  await chart.getByTestId('chart-svg').click();
  const svgFile = await svgDownload;
  expect(svgFile.suggestedFilename()).toBe('loss.svg');
  const svgText = fs.readFileSync((await svgFile.path())!, 'utf8');
  expect(svgText.slice(0, 200)).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const lineTags = [...svgText.matchAll(/<path [^>]*>/g)].map((m) => m[0]).filter((tag) => /class="line/.test(tag));
  expect(lineTags).toHaveLength(2);
  for (const tag of lineTags) expect(/style="[^"]*fill:\s*none/.test(tag)).toBe(true);
  const pngDownload = page.waitForEvent('download');
  await chart.getByTestId('chart-png').click();
  const png = fs.readFileSync((await (await pngDownload).path())!);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.length).toBeGreaterThan(5000);
});

test('the experiment page overlays the chosen runs, one card per metric', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const { experiment_id } = await app.ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'overlay' });
  const ids: string[] = [];
  for (const [name, scale] of [['a', 1], ['b', 2], ['c', 3]] as const) {
    const { run } = await app.ok('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: name, start_time: 1000 + ids.length });
    ids.push(run.info.run_id);
    const metrics = [];
    for (let step = 0; step < 100; step++) {
      metrics.push({ key: 'loss', value: scale / (1 + step), timestamp: 1000 + step, step });
      metrics.push({ key: 'acc', value: 1 - scale / (10 + step), timestamp: 1000 + step, step });
    }
    await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  }
  await app.open(`#/experiments/${experiment_id}`);
  await app.runRow(ids[0]).getByTestId('run-select').check();
  await app.runRow(ids[2]).getByTestId('run-select').check();
  await page.getByTestId('runs-show-charts').click();
  const charts = page.getByTestId('runs-charts').getByTestId('metric-chart');
  await expect(charts).toHaveCount(2);
  const loss = page.locator('[data-testid="runs-charts"] [data-testid="metric-chart"][data-metric-key="loss"]');
  await loss.scrollIntoViewIfNeeded();
  await expect(loss.getByTestId('chart-legend-item')).toHaveText(['c', 'a']);
  await expect(loss.locator('path.line')).toHaveCount(4);
  await expect(loss.getByTestId('chart-points')).toContainText('200 of 200 points drawn');
  await loss.getByTestId('chart-legend-item').filter({ hasText: 'c' }).click();
  await expect(loss.getByTestId('chart-points')).toContainText('100 of 200 points drawn');
  const box = (await loss.locator('svg').boundingBox())!;
  await page.mouse.move(box.x + 300, box.y + 100);
  await expect(loss.getByTestId('chart-tooltip')).toContainText('a: step');
  expect(decodeURIComponent(page.url())).toContain('show=charts');

  // Another metric on the same chart: a line per run and metric, named by both.
  await loss.getByTestId('chart-add-metric').selectOption('acc');
  await expect(loss.getByTestId('chart-metric')).toHaveText(['acc×']);
  await expect(loss.getByTestId('chart-legend-item')).toHaveText(['c · loss', 'a · loss', 'c · acc', 'a · acc']);
  await expect(loss.getByTestId('chart-points')).toContainText('400 of 400 points drawn');
  await loss.getByTestId('chart-metric').getByRole('button').click();
  await expect(loss.getByTestId('chart-legend-item')).toHaveCount(2);

  // Points logged meanwhile join their lines, beyond the steps drawn so far too.
  await app.ok('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: ids[0], key: 'loss', value: 0.5, timestamp: 3000, step: 150 });
  await expect(loss.getByTestId('chart-points')).toContainText('of 201 points drawn');
  await app.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: ids[2],
    metrics: [151, 152].map((step) => ({ key: 'loss', value: 0.01, timestamp: 3000 + step, step })),
  });
  await expect(loss.getByTestId('chart-points')).toContainText('of 203 points drawn');
  await page.mouse.move(box.x + box.width - 20, box.y + 100);
  await expect(loss.getByTestId('chart-tooltip')).toContainText('step 15');
});
