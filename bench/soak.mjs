// labbook's soak benchmark: hours of use, compressed. The runs table open in one tab and a
// run's charts in another while the first logs 10 points a second to 5 runs, for
// SOAK_MINUTES minutes (10 unless told). Prints JSON: each tab's JS heap (after a garbage
// collection) and wasm memory at the start and the end, the points logged, the longest main-
// thread task of each tab, and any error a page raised; and the bytes the app holds
// (labbook.heapBytes(): what a leak grows, while the wasm memory only ever grows to its
// high-water mark). Run it with `scripts/bench soak`.
import { launchChromium } from './browser.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8792/labbook/';
const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const RUNS = 5;
const PER_SECOND = 10;

const browser = await launchChromium();
const context = await browser.newContext();
const errors = [];

async function open(hash) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${base}${hash}`);
  await page.waitForFunction(() => typeof window.labbook?.rest === 'function');
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('Performance.enable');
  return { page, cdp };
}

/** JS heap after a collection, wasm memory and the app's live heap, in MB. */
async function memory({ page, cdp }) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const [wasm, live] = await page.evaluate(() => [window.labbook.memoryBytes(), window.labbook.heapBytes()]);
  const mb = (bytes, digits = 1) => Math.round((bytes / 2 ** 20) * 10 ** digits) / 10 ** digits;
  return { js_heap_mb: mb(heap), wasm_memory_mb: mb(wasm), app_heap_mb: mb(live, 3) };
}

const table = await open('');
const setup = await table.page.evaluate(async (runs) => {
  const rest = window.labbook.rest;
  const { experiment_id } = await rest('POST', '/api/2.0/mlflow/experiments/create', { name: 'soak' });
  const ids = [];
  for (let r = 0; r < runs; r++) {
    const { run } = await rest('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: `soak-${r}` });
    ids.push(run.info.run_id);
  }
  return { experiment_id, ids };
}, RUNS);
await table.page.goto(`${base}#/experiments/${setup.experiment_id}`);
await table.page.getByTestId('run-row').first().waitFor();
const charts = await open(`#/experiments/${setup.experiment_id}/runs/${setup.ids[0]}`);
// Let the first points exist so the run page draws its chart from the start.
await table.page.evaluate(async (ids) => {
  for (const run_id of ids) {
    await window.labbook.rest('POST', '/api/2.0/mlflow/runs/log-metric', { run_id, key: 'loss', value: 1, timestamp: Date.now(), step: 0 });
  }
}, setup.ids);
await charts.page.getByTestId('metric-chart').first().waitFor();

const start = { table: await memory(table), charts: await memory(charts) };
// A minute of logging at a time, with both tabs' memory after each: growth that goes on
// minute after minute is a leak, growth that levels off is the allocator's high-water mark.
const logMinute = (minute, seconds) => table.page.evaluate(async ([ids, minute, seconds, perSecond]) => {
  const begin = performance.now();
  let points = 0;
  for (let i = 0; i < seconds * perSecond; i++) {
    const wait = begin + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const n = minute * 60 * perSecond + i;
    await window.labbook.rest('POST', '/api/2.0/mlflow/runs/log-metric', {
      run_id: ids[n % ids.length], key: 'loss', value: Math.random(), timestamp: Date.now(), step: 1 + Math.floor(n / ids.length),
    });
    points += 1;
  }
  return points;
}, [setup.ids, minute, seconds, PER_SECOND]);
let logged = 0;
const byMinute = [];
for (let minute = 0; minute < minutes; minute++) {
  logged += await logMinute(minute, Math.min(60, (minutes - minute) * 60));
  const [t, c] = [await memory(table), await memory(charts)];
  byMinute.push({ wasm_memory_mb: [t.wasm_memory_mb, c.wasm_memory_mb], app_heap_mb: [t.app_heap_mb, c.app_heap_mb] });
}
const shown = await charts.page.getByTestId('chart-points').first().textContent();
const end = { table: await memory(table), charts: await memory(charts) };
const longest = async ({ page }) => Math.round(await page.evaluate(() => window.__longest));

console.log(JSON.stringify({
  minutes,
  points_logged: logged,
  runs: RUNS,
  run_chart_shows: shown.trim(),
  start,
  end,
  by_minute_table_charts: byMinute,
  longest_task_ms: { table: await longest(table), charts: await longest(charts) },
  errors,
}, null, 2));
await browser.close();
