// labbook's benchmark: figures from the release build in headless Chromium, printed as JSON.
// Run it with scripts/bench (which builds and serves dist/); not part of the tests.
//
//   log_batch_points_per_s   metric points written per second through runs/log-batch
//                            (batches of 1000 points, one IndexedDB transaction each)
//   list_2000_runs_ms        runs/search answering 2000 runs with their latest metrics
//                            (median of 5)
//   runs_table_2000_first_paint_ms from navigation to the runs table showing its first rows
//                            and the count of all 2000 runs
//   table_10000_*            a bundle of 10 000 runs x 50 columns (25 metrics, 20 params,
//                            5 tags) imported, then: first paint of its table after navigation;
//                            filter + sort in the page (a three-clause filter typed into the
//                            search box, until the count shows the result; then a click on a
//                            metric header, until the rows show the new order); and frame
//                            times while scrolling the table 120 frames at 150 px per frame
//   wasm_gzip_bytes          the release .wasm, gzipped at level 9
//   chart_1m_*               a run with a 1 000 000-point history: from navigation to its chart
//                            drawn (history read from IndexedDB included), and redrawing the
//                            whole range after a zoom (decimating 1 000 000 points to at most
//                            two per pixel column, and the SVG update), median of 5; the
//                            *_to_frame_ms figures run on until the frame after the redraw has
//                            been painted (so they include layout, paint and the wait for it)
//   chart_1m_undecimated_ms  the same 1 000 000 points drawn as one SVG path without
//                            decimation, in the same page, until the browser has laid it out
//   chart_view_100_runs_*    an experiment of 100 runs (a 2000-point "loss" and 19 metrics of
//                            100 points each) opened at its chart view with all runs ticked:
//                            from navigation to the loss card drawn with its 100 lines, the
//                            redraw of that card after a zoom (once the other cards on screen
//                            have loaded), and the main thread's longest task meanwhile
//   live_logging_*           10 points a second logged to one run for 30 s with the runs table
//                            of 2000 runs, or the chart view of 100 runs, open: the main
//                            thread's busy time per second against the same page idle, and
//                            its long tasks meanwhile
//   import_2000_runs_ms      importing fixtures/large-2000-runs/mlruns.zip (2000 runs,
//                            804 000 metric points) through the import page, file chosen to
//                            report shown; with the peak JS heap and wasm memory meanwhile,
//                            and the main thread's long tasks (over 50 ms) during it
import { launchChromium } from './browser.mjs';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import os from 'node:os';

const base = process.argv[2] ?? 'http://127.0.0.1:8792/labbook/';
const dist = process.argv[3] ?? 'dist';
const largeFixture = process.argv[4] ?? '../shared/fixtures/large-2000-runs/mlruns.zip';

const browser = await launchChromium();
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
  && document.querySelector('[data-testid="run-row"]'), null, { timeout: 120_000, polling: 'raf' });
const tableReady = await page.evaluate(() => performance.now());

// A 1 000 000-point history and its chart.
const chartRun = await page.evaluate(async () => {
  const rest = window.labbook.rest;
  const { experiment_id } = await rest('POST', '/api/2.0/mlflow/experiments/create', { name: 'bench-chart' });
  const { run } = await rest('POST', '/api/2.0/mlflow/runs/create', { experiment_id, start_time: 1700000000000 });
  for (let b = 0; b < 1000; b++) {
    const metrics = [];
    for (let i = 0; i < 1000; i++) {
      const step = b * 1000 + i;
      metrics.push({ key: 'loss', value: Math.sin(step / 5000) + Math.random() * 0.1, timestamp: 1700000000000 + step, step });
    }
    await rest('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  }
  return { experiment_id, run_id: run.info.run_id };
});
await page.goto('about:blank');
await page.goto(`${base}#/experiments/${chartRun.experiment_id}/runs/${chartRun.run_id}`);
await page.waitForFunction(() => document.querySelector('[data-testid="chart-points"]')?.textContent.includes('of 1000000 points'), null, { timeout: 120_000, polling: 'raf' });
const chartFirstDraw = await page.evaluate(() => performance.now());
/** Zooms the chart `figure` (a CSS selector) into a slice, lets the zoomed drawing be painted,
 * then times the redraw of its whole range after a double-click: until the chart shows the
 * whole range, and until the frame after that has been painted. Medians of 5. */
async function redrawAfterZoom(figure) {
  const times = [];
  const framed = [];
  for (let i = 0; i < 5; i++) {
    const svg = page.locator(`${figure} svg`).first();
    await svg.scrollIntoViewIfNeeded();
    const box = await svg.boundingBox();
    await page.mouse.move(box.x + 100, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 200, box.y + 100);
    await page.mouse.up();
    await page.waitForFunction((f) => !document.querySelector(f).dataset.xRange.startsWith('0 '), figure, { polling: 'raf' });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const [redrawn, painted] = await page.evaluate(async (f) => {
      const element = document.querySelector(f);
      const t0 = performance.now();
      element.querySelector('svg').dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
      while (!element.dataset.xRange.startsWith('0 ')) await new Promise((r) => setTimeout(r, 0));
      const t1 = performance.now();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return [t1 - t0, performance.now() - t0];
    }, figure);
    times.push(redrawn);
    framed.push(painted);
  }
  const median = (list) => list.sort((a, b) => a - b)[2];
  return { redraw: median(times), toFrame: median(framed) };
}
const chartRedraw = await redrawAfterZoom('[data-testid="metric-chart"]');


// The same points drawn without decimation: one SVG path of 1 000 000 points.
const undecimated = await page.evaluate(async () => {
  const t0 = performance.now();
  const values = [];
  for (let step = 0; step < 1_000_000; step++) values.push(Math.sin(step / 5000));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '560');
  svg.setAttribute('height', '240');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  let d = '';
  for (let i = 0; i < values.length; i++) d += `${i ? 'L' : 'M'}${(56 + (i / 999_999) * 492).toFixed(1)},${(120 - values[i] * 100).toFixed(1)}`;
  path.setAttribute('d', d);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'black');
  svg.appendChild(path);
  const t1 = performance.now();
  document.body.appendChild(svg);
  path.getBBox();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const t2 = performance.now();
  svg.remove();
  return { build: t1 - t0, draw: t2 - t1 };
});

// 100 runs with a 2000-point history each on one chart, in the experiment's chart view.
const view = await page.evaluate(async () => {
  const rest = window.labbook.rest;
  const { experiment_id } = await rest('POST', '/api/2.0/mlflow/experiments/create', { name: 'bench-chart-view' });
  const ids = [];
  for (let r = 0; r < 100; r++) {
    const { run } = await rest('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: `r${r}`, start_time: 1700000000000 + r });
    ids.push(run.info.run_id);
    // log-batch takes at most 1000 metrics: loss in two batches, the 19 others in two more.
    const batches = [[], [], [], []];
    for (let step = 0; step < 2000; step++) {
      batches[step < 1000 ? 0 : 1].push({ key: 'loss', value: (1 + r / 100) / (1 + step / 50), timestamp: 1700000000000 + step, step });
    }
    for (let m = 1; m < 20; m++) {
      for (let step = 0; step < 100; step++) {
        batches[m <= 10 ? 2 : 3].push({ key: `m${String(m).padStart(2, '0')}`, value: Math.random(), timestamp: 1700000000000 + step, step });
      }
    }
    for (const metrics of batches) await rest('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
  }
  return { experiment_id, ids };
});
await page.goto('about:blank');
await page.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
});
await page.goto(`${base}#/experiments/${view.experiment_id}?sel=${view.ids.join(',')}&show=charts`);
await page.waitForFunction(() => {
  const card = document.querySelector('[data-testid="runs-charts"] [data-metric-key="loss"]');
  return card && card.querySelectorAll('[data-testid="chart-legend-item"]').length === 100
    && card.querySelector('[data-testid="chart-points"]').textContent.includes('of 200000 points');
}, null, { timeout: 120_000, polling: 'raf' });
const viewDrawn = await page.evaluate(() => performance.now());
// Let the other cards on screen finish loading their histories before timing the redraw.
await page.waitForTimeout(3000);
const viewRedraw = await redrawAfterZoom('[data-testid="runs-charts"] [data-metric-key="loss"]');
const viewLongTasks = await page.evaluate(() => window.__longTasks);

// Live logging: 10 points a second logged into one run for 30 s from the page, with the runs
// table of 2000 runs or the chart view of 100 runs open. The main thread's busy time per
// second (Chromium's TaskDuration) while logging, against the same page left idle as long,
// and the longest task (over 50 ms) meanwhile.
async function liveLogging(url, ready, runId, key) {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(ready, null, { timeout: 120_000, polling: 'raf' });
  await page.waitForTimeout(3000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics
    .find((m) => m.name === 'TaskDuration').value * 1000;
  const seconds = 30;
  const idleStart = [await busy(), Date.now()];
  await page.waitForTimeout(seconds * 1000);
  const idle = (await busy() - idleStart[0]) / ((Date.now() - idleStart[1]) / 1000);
  await page.evaluate(() => { window.__longTasks = []; });
  const logStart = [await busy(), Date.now()];
  await page.evaluate(async ([runId, key, seconds]) => {
    const start = performance.now();
    for (let i = 0; i < seconds * 10; i++) {
      const wait = start + i * 100 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await window.labbook.rest('POST', '/api/2.0/mlflow/runs/log-metric', {
        run_id: runId, key, value: Math.random(), timestamp: Date.now(), step: 100000 + i,
      });
    }
  }, [runId, key, seconds]);
  const logging = (await busy() - logStart[0]) / ((Date.now() - logStart[1]) / 1000);
  const tasks = await page.evaluate(() => window.__longTasks);
  await cdp.detach();
  return {
    idle_busy_ms_per_s: Math.round(idle * 10) / 10,
    logging_busy_ms_per_s: Math.round(logging * 10) / 10,
    above_idle_ms_per_s: Math.round((logging - idle) * 10) / 10,
    tasks_over_50ms: tasks.length,
    longest_task_ms: Math.round(Math.max(0, ...tasks)),
  };
}
const tableRun = await page.evaluate(async (id) => (await window.labbook.rest('POST', '/api/2.0/mlflow/runs/search',
  { experiment_ids: [id], max_results: 1 })).runs[0].info.run_id, listing.experiment_id);
const liveTable = await liveLogging(`${base}#/experiments/${listing.experiment_id}`,
  () => document.querySelector('[data-testid="runs-count"]')?.textContent === '2000 runs'
    && document.querySelector('[data-testid="run-row"]'),
  tableRun, 'loss');
const liveCharts = await liveLogging(`${base}#/experiments/${view.experiment_id}?sel=${view.ids.join(',')}&show=charts`,
  () => document.querySelector('[data-testid="runs-charts"] [data-metric-key="loss"] [data-testid="chart-points"]')
    ?.textContent.includes('of 200000 points'),
  view.ids[0], 'loss');

// 10 000 runs x 50 columns, imported as one bundle.
const T0 = 1700000000000;
const bigRuns = [];
for (let r = 0; r < 10_000; r++) {
  const id = (r + 1).toString(16).padStart(32, '0');
  const metrics = Array.from({ length: 25 }, (_, m) => ({ key: `metric_${m}`, value: ((r * 7919 + m * 104729) % 10007) / 10007, timestamp: T0 + r, step: 10 }));
  bigRuns.push({
    info: { run_id: id, run_uuid: id, experiment_id: '1', run_name: `run-${r}`, user_id: `user-${r % 5}`, status: r % 13 ? 'FINISHED' : 'FAILED',
      start_time: T0 + r * 1000, end_time: T0 + r * 1000 + 60_000, artifact_uri: `mlflow-artifacts:/1/${id}/artifacts`, lifecycle_stage: 'active' },
    data: {
      metrics,
      params: Array.from({ length: 20 }, (_, p) => ({ key: `param_${p}`, value: `v${(r + p) % 10}` })),
      tags: Array.from({ length: 5 }, (_, t) => ({ key: `tag_${t}`, value: `team-${(r + t) % 4}` })),
    },
    inputs: {},
    metric_history: metrics.map((m) => ({ key: m.key, steps: [m.step], timestamps: [m.timestamp], values: [m.value] })),
  });
}
const bigBundle = JSON.stringify({ format: 'labbook-bundle', format_version: 1,
  experiments: [{ experiment_id: '1', name: 'bench-10000-runs', lifecycle_stage: 'active', creation_time: T0, last_update_time: T0 }],
  runs: bigRuns });
const tablePage = await (await browser.newContext()).newPage();
await tablePage.goto(`${base}#/import`);
const bigFile = join(os.tmpdir(), 'labbook-bench-10000.json');
writeFileSync(bigFile, bigBundle);
await tablePage.getByTestId('import-input').setInputFiles(bigFile);
await tablePage.getByTestId('import-report').waitFor({ timeout: 300_000 });
const bigExperiment = (await tablePage.evaluate(async () =>
  window.labbook.rest('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=bench-10000-runs'))).experiment.experiment_id;
await tablePage.goto('about:blank');
await tablePage.goto(`${base}#/experiments/${bigExperiment}`);
await tablePage.waitForFunction(() => document.querySelector('[data-testid="runs-count"]')?.textContent === '10000 runs'
  && document.querySelector('[data-testid="run-row"]'), null, { timeout: 120_000, polling: 'raf' });
const bigFirstPaint = await tablePage.evaluate(() => performance.now());
const scrolling = await tablePage.evaluate(async () => {
  const scroller = document.querySelector('[data-testid="runs-scroll"]');
  const frames = [];
  let last = await new Promise((r) => requestAnimationFrame(r));
  for (let i = 0; i < 120; i++) {
    scroller.scrollTop += 150;
    const now = await new Promise((r) => requestAnimationFrame(r));
    frames.push(now - last);
    last = now;
  }
  frames.sort((a, b) => a - b);
  return { median: frames[60], p95: frames[113], max: frames[119], rows: document.querySelectorAll('[data-testid="run-row"]').length };
});
/** Runs `act` in the page and resolves when `done()` holds, with the milliseconds between. */
const timeUntil = (act, done, arg) => tablePage.evaluate(async ([act, done, arg]) => {
  const check = new Function('arg', `return (${done})(arg)`);
  const t0 = performance.now();
  new Function('arg', `(${act})(arg)`)(arg);
  while (!check(arg)) await new Promise((r) => setTimeout(r, 0));
  return performance.now() - t0;
}, [act.toString(), done.toString(), arg]);
const filterText = "metrics.metric_3 > 0.5 and params.param_2 = 'v4' and tags.tag_1 LIKE 'team-%'";
const filterMs = [];
for (let i = 0; i < 5; i++) {
  for (const text of ['', filterText]) {
    const ms = await timeUntil((text) => {
      const input = document.querySelector('[data-testid="search-input"]');
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, (text) => {
      const count = document.querySelector('[data-testid="runs-count"]').textContent;
      return text ? count.includes(' of ') : count === '10000 runs';
    }, text);
    if (text) filterMs.push(ms);
  }
}
filterMs.sort((a, b) => a - b);
const matching = await tablePage.evaluate(() => document.querySelector('[data-testid="runs-count"]').textContent);
const sortMs = [];
for (let i = 0; i < 5; i++) {
  const before = await tablePage.evaluate(() => document.querySelector('[data-testid="run-row"]').dataset.runId);
  sortMs.push(await timeUntil(() => {
    [...document.querySelectorAll('[data-testid="column-header"]')].find((h) => h.dataset.column === 'metrics.metric_7').click();
  }, (before) => document.querySelector('[data-testid="run-row"]')?.dataset.runId !== before, before));
}
sortMs.sort((a, b) => a - b);
await tablePage.context().close();

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

const wasm = readdirSync(dist).find((f) => f.startsWith('labbook') && f.endsWith('.wasm'));
const wasmBytes = readFileSync(join(dist, wasm));

console.log(JSON.stringify({
  machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model?.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  log_batch_points_per_s: Math.round(throughput.points / throughput.seconds),
  log_batch_points: throughput.points,
  list_2000_runs_ms: Math.round(listing.median_ms * 10) / 10,
  listed_runs: listing.count,
  runs_table_2000_first_paint_ms: Math.round(tableReady),
  table_10000_first_paint_ms: Math.round(bigFirstPaint),
  table_10000_filter_ms_median: Math.round(filterMs[2] * 10) / 10,
  table_10000_filter_matching: matching,
  table_10000_filter: filterText,
  table_10000_sort_by_header_ms_median: Math.round(sortMs[2] * 10) / 10,
  table_10000_scroll_frame_ms: { median: Math.round(scrolling.median * 10) / 10, p95: Math.round(scrolling.p95 * 10) / 10, max: Math.round(scrolling.max * 10) / 10 },
  table_10000_rows_in_page: scrolling.rows,
  chart_1m_first_draw_ms: Math.round(chartFirstDraw),
  chart_1m_redraw_ms_median: Math.round(chartRedraw.redraw * 10) / 10,
  chart_1m_redraw_to_frame_ms_median: Math.round(chartRedraw.toFrame * 10) / 10,
  chart_1m_undecimated_ms: Math.round(undecimated.draw),
  chart_1m_undecimated_path_build_ms: Math.round(undecimated.build),
  chart_view_100_runs_first_draw_ms: Math.round(viewDrawn),
  chart_view_100_runs_redraw_ms_median: Math.round(viewRedraw.redraw * 10) / 10,
  chart_view_100_runs_redraw_to_frame_ms_median: Math.round(viewRedraw.toFrame * 10) / 10,
  chart_view_100_runs_longest_task_ms: Math.round(Math.max(0, ...viewLongTasks)),
  chart_view_100_runs_tasks_over_100ms: viewLongTasks.filter((t) => t > 100).length,
  live_logging_table_2000_runs: liveTable,
  live_logging_chart_view_100_runs: liveCharts,
  import_2000_runs_ms: importMs,
  imported_runs: importedRuns,
  import_peak_js_heap_mb: Math.round(peakHeap / 2 ** 20),
  import_peak_wasm_memory_mb: Math.round(peakWasm / 2 ** 20),
  import_long_tasks_over_50ms: longTasks.length,
  import_longest_task_ms: Math.round(Math.max(0, ...longTasks)),
  wasm_bytes: wasmBytes.length,
  wasm_gzip_bytes: gzipSync(wasmBytes, { level: 9 }).length,
}, null, 2));
