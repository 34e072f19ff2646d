// labbook's benchmark: figures from the release build in headless Chromium, printed as JSON.
// Run it with scripts/bench (which builds and serves dist/); not part of the tests.
//
//   log_batch_points_per_s   metric points written per second through runs/log-batch
//                            (batches of 1000 points, one IndexedDB transaction each)
//   list_2000_runs_ms        runs/search answering 2000 runs with their latest metrics
//                            (median of 5)
//   runs_table_2000_ready_ms from navigation to the runs table showing all 2000 runs
//   wasm_gzip_bytes          the release .wasm, gzipped at level 9
//   import_2000_runs_ms      importing fixtures/large-2000-runs/mlruns.zip (2000 runs,
//                            804 000 metric points) through the import page, file chosen to
//                            report shown; with the peak JS heap and wasm memory meanwhile,
//                            and the main thread's long tasks (over 50 ms) during it
import { chromium } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import os from 'node:os';

const base = process.argv[2] ?? 'http://127.0.0.1:8792/labbook/';
const dist = process.argv[3] ?? 'dist';
const largeFixture = process.argv[4] ?? '../shared/fixtures/large-2000-runs/mlruns.zip';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(base);
await page.waitForFunction(() => typeof window.labbook?.rest === 'function');

const throughput = await page.evaluate(async () => {
  const rest = window.labbook.rest;
  const { experiment_id } = await rest('POST', '/api/2.0/mlflow/experiments/create', { name: 'bench-throughput' });
  const { run } = await rest('POST', '/api/2.0/mlflow/runs/create', { experiment_id });
  const batches = 200;
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const metrics = [];
    for (let i = 0; i < 1000; i++) {
      const step = b * 500 + (i >> 1);
      metrics.push({ key: i % 2 ? 'loss' : 'accuracy', value: Math.random(), timestamp: 1700000000000 + step, step });
    }
    await rest('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { points: batches * 1000, seconds };
});

const listing = await page.evaluate(async () => {
  const rest = window.labbook.rest;
  const { experiment_id } = await rest('POST', '/api/2.0/mlflow/experiments/create', { name: 'bench-2000-runs' });
  for (let r = 0; r < 2000; r++) {
    const { run } = await rest('POST', '/api/2.0/mlflow/runs/create', {
      experiment_id, run_name: `sweep-${r}`, start_time: 1700000000000 + r,
    });
    await rest('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: run.info.run_id,
      params: [{ key: 'learning_rate', value: String(0.001 * (r % 10)) }, { key: 'depth', value: String(r % 7) }],
      metrics: [
        { key: 'loss', value: Math.random(), timestamp: 1700000000000 + r, step: 199 },
        { key: 'val_loss', value: Math.random(), timestamp: 1700000000000 + r, step: 199 },
        { key: 'accuracy', value: Math.random(), timestamp: 1700000000000 + r, step: 0 },
      ],
    });
  }
  const times = [];
  let count = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const answer = await rest('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [experiment_id], max_results: 2000 });
    times.push(performance.now() - t0);
    count = answer.runs.length;
  }
  times.sort((a, b) => a - b);
  return { experiment_id, count, median_ms: times[2] };
});

// A fresh document, so performance.now() counts from this navigation.
await page.goto('about:blank');
await page.goto(`${base}#/experiments/${listing.experiment_id}`);
await page.waitForFunction(() => document.querySelector('[data-testid="runs-count"]')?.textContent === '2000 runs'
  && document.querySelectorAll('[data-testid="run-row"]').length === 2000, null, { timeout: 120_000 });
const tableReady = await page.evaluate(() => performance.now());
// Import the 2000-run file store into a fresh browser profile.
const importPage = await (await browser.newContext()).newPage();
await importPage.goto(`${base}#/import`);
await importPage.getByTestId('import-input').waitFor({ state: 'attached' });
const cdp = await importPage.context().newCDPSession(importPage);
await cdp.send('Performance.enable');
let peakHeap = 0;
let peakWasm = 0;
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const { metrics } = await cdp.send('Performance.getMetrics');
    peakHeap = Math.max(peakHeap, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
    peakWasm = Math.max(peakWasm, await importPage.evaluate(() => window.labbook?.memoryBytes?.() ?? 0));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();
// Long tasks (over 50 ms) on the main thread while importing, as the browser reports them.
await importPage.evaluate(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: false });
});
const importStart = Date.now();
await importPage.getByTestId('import-input').setInputFiles(largeFixture);
await importPage.getByTestId('import-report').waitFor({ timeout: 120_000 });
const importMs = Date.now() - importStart;
sampling = false;
await sampler;
const longTasks = await importPage.evaluate(() => window.__longTasks);
const importedRuns = await importPage.evaluate(async () =>
  (await window.labbook.rest('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1'], max_results: 5000 })).runs.length);
await browser.close();

const wasm = readdirSync(dist).find((f) => f.endsWith('.wasm'));
const wasmBytes = readFileSync(join(dist, wasm));

console.log(JSON.stringify({
  machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model?.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  log_batch_points_per_s: Math.round(throughput.points / throughput.seconds),
  log_batch_points: throughput.points,
  list_2000_runs_ms: Math.round(listing.median_ms * 10) / 10,
  listed_runs: listing.count,
  runs_table_2000_ready_ms: Math.round(tableReady),
  import_2000_runs_ms: importMs,
  imported_runs: importedRuns,
  import_peak_js_heap_mb: Math.round(peakHeap / 2 ** 20),
  import_peak_wasm_memory_mb: Math.round(peakWasm / 2 ** 20),
  import_long_tasks_over_50ms: longTasks.length,
  import_longest_task_ms: Math.round(Math.max(0, ...longTasks)),
  wasm_bytes: wasmBytes.length,
  wasm_gzip_bytes: gzipSync(wasmBytes, { level: 9 }).length,
}, null, 2));
