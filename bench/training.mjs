// labbook's training benchmark, printed as JSON; run it with `scripts/bench training`.
//
//   fit_ms                   one fit of each estimator with its defaults (the boosted trees:
//                            XGBoost's defaults with 100 rounds) on the synthetic taxi months,
//                            20 000 rows each (January trains, February validates), in the
//                            trainer worker, from the call to the answer, data made included;
//                            with each fit's validation RMSE
//   search_*                 a 50-trial TPE search (seed 1) of the boosted trees on the same
//                            data, autologged, over the course's space (max_depth 4–100,
//                            learning_rate, reg_alpha, reg_lambda, min_child_weight on log
//                            scales) with 100 rounds and early stopping after 10: the whole
//                            search, the best validation RMSE, and the page's main-thread
//                            long tasks (over 50 ms) meanwhile
//   trainer_wasm_gzip_bytes  the trainer worker's .wasm, gzipped at level 9 (app_*: the app's)
import { launchChromium } from './browser.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import os from 'node:os';

const base = process.argv[2] ?? 'http://127.0.0.1:8792/labbook/';
const dist = process.argv[3] ?? 'dist';

const browser = await launchChromium();
const page = await browser.newPage();
await page.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
});
await page.goto(base);
await page.waitForFunction(() => typeof window.labbook?.ml?.fit === 'function');

const fits = await page.evaluate(async () => {
  const { ml } = window.labbook;
  // The worker's first load, apart from the figures.
  await ml.fit({ estimator: 'linear_regression', data: { kind: 'synthetic-taxi', rows: 10 } });
  const figures = {};
  for (const { name } of ml.estimators()) {
    const params = name === 'gradient_boosting' ? { num_boost_round: 100 } : {};
    const start = performance.now();
    const model = await ml.fit({ estimator: name, params, data: 'synthetic-taxi' });
    figures[name] = { ms: Math.round(performance.now() - start), validation_rmse: Math.round(model.validation.rmse * 1000) / 1000 };
  }
  return figures;
});

const search = await page.evaluate(async () => {
  const { mlflow, ml, hyperopt } = window.labbook;
  const { fmin, hp, scope, tpe } = hyperopt;
  await mlflow.set_experiment('bench-search');
  await mlflow.autolog();
  window.__longTasks = [];
  const start = performance.now();
  const result = await fmin({
    fn: async (params) => (await ml.fit({ estimator: 'gradient_boosting', params, data: 'synthetic-taxi' })).validation.rmse,
    space: {
      max_depth: scope.int(hp.quniform('max_depth', 4, 100, 1)),
      learning_rate: hp.loguniform('learning_rate', -3, 0),
      reg_alpha: hp.loguniform('reg_alpha', -5, -1),
      reg_lambda: hp.loguniform('reg_lambda', -6, -1),
      min_child_weight: hp.loguniform('min_child_weight', -1, 3),
      num_boost_round: 100,
      early_stopping_rounds: 10,
    },
    algo: tpe.suggest, max_evals: 50, seed: 1,
  });
  return { ms: performance.now() - start, best: result.best_loss, best_params: result.best_params,
    trials: result.trials.length, long_tasks: window.__longTasks };
});
await browser.close();

const gzipped = (prefix) => {
  const file = readdirSync(dist).find((f) => f.startsWith(prefix) && f.endsWith('.wasm'));
  return gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
};
console.log(JSON.stringify({
  machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model?.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  fit_ms: fits,
  search_50_trials_ms: Math.round(search.ms),
  search_trials: search.trials,
  search_best_validation_rmse: Math.round(search.best * 1000) / 1000,
  search_best_params: search.best_params,
  search_long_tasks_over_50ms: search.long_tasks.length,
  search_longest_task_ms: Math.round(Math.max(0, ...search.long_tasks)),
  trainer_wasm_gzip_bytes: gzipped('trainer'),
  app_wasm_gzip_bytes: gzipped('labbook'),
}, null, 2));
