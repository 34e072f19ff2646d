// Story: a tutorial's page tunes its own JavaScript objective with hyperopt's fmin
// (`labbook.hyperopt`), each trial tracked as a run nested under the search.
import { test, expect } from '@playwright/test';
import { Labbook } from './labbook';

const API = '/api/2.0/mlflow';

test('fmin tracks a JavaScript objective: nested trials, per-round metrics, the best on the parent', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const searched = await page.evaluate(async () => {
    const { mlflow, hyperopt } = (window as any).labbook;
    const { fmin, hp, scope, tpe } = hyperopt;
    const experiment = await mlflow.set_experiment('nyc-taxi-experiment');
    const space = {
      max_depth: scope.int(hp.quniform('max_depth', 4, 100, 1)),
      learning_rate: hp.loguniform('learning_rate', -3, 0),
      booster: hp.choice('booster', ['gbtree', 'dart']),
      objective: 'reg:squarederror',
      seed: 42,
    };
    // A made-up validation curve: its last round's rmse is the loss.
    const objective = async (params: any) => {
      if (params.max_depth > 90) throw new Error('too deep for this page');
      let rmse = 0;
      for (let round = 0; round < 5; round++) {
        rmse = 6 + Math.abs(Math.log(params.learning_rate) + 2) + params.max_depth / 100 + 1 / (round + 1);
        await mlflow.log_metric('validation-rmse', rmse, round);
      }
      return { loss: rmse, status: 'ok' };
    };
    const result = await fmin({ fn: objective, space, algo: tpe.suggest, max_evals: 25, seed: 7, run_name: 'xgboost-search' });
    // The same seed gives the same trials.
    await mlflow.set_experiment('again');
    const again = await fmin({ fn: objective, space, algo: tpe.suggest, max_evals: 25, seed: 7 });
    const refusals = [];
    for (const options of [
      { fn: objective, space, max_evals: 0 },
      { fn: objective, space: { x: hp.uniform('x', 3, 1) }, max_evals: 5 },
      { fn: objective, space: { x: hp.quniform('x', 0, 10, 0) }, max_evals: 5 },
      { space, max_evals: 5 },
    ]) {
      try {
        await fmin(options);
        refusals.push(null);
      } catch (error: any) {
        refusals.push(error.message);
      }
    }
    return { experiment_id: experiment.experiment_id, result, again, refusals,
      active: await mlflow.active_run() };
  });
  const { result, again } = searched;
  expect(searched.active).toBeNull();
  expect(searched.refusals).toEqual([
    'max_evals must be at least 1',
    "search space: hyperparameter 'x': low (3) must be below high (1)",
    "search space: hyperparameter 'x': q (0) must be above 0",
    'fmin needs fn, the objective: a function of the params',
  ]);
  expect(result.trials).toHaveLength(25);
  expect(again.trials.map((t: any) => t.vals)).toEqual(result.trials.map((t: any) => t.vals));
  const ok = result.trials.filter((t: any) => t.status === 'ok');
  const best = Math.min(...ok.map((t: any) => t.loss));
  expect(result.best_loss).toBe(best);
  expect(result.best_params.objective).toBe('reg:squarederror');
  expect(Number.isInteger(result.best_params.max_depth)).toBe(true);

  // Every trial is a run under the search, through the REST API.
  const { runs } = await app.ok('POST', `${API}/runs/search`, {
    experiment_ids: [searched.experiment_id],
    filter: `tags.mlflow.parentRunId = '${result.parent_run_id}'`,
    max_results: 100,
  });
  expect(runs).toHaveLength(25);
  for (const trial of result.trials) {
    const run = runs.find((r: any) => r.info.run_id === trial.run_id);
    expect(run.data.tags).toContainEqual({ key: 'hyperopt_trial', value: String(trial.tid) });
    const param = (key: string) => run.data.params.find((p: any) => p.key === key)?.value;
    expect(param('max_depth')).toBe(String(trial.params.max_depth));
    expect(param('booster')).toBe(trial.params.booster);
    expect(param('seed')).toBe('42');
    if (trial.status === 'ok') {
      expect(run.info.status).toBe('FINISHED');
      expect(run.data.metrics).toContainEqual(expect.objectContaining({ key: 'loss', value: trial.loss }));
    } else {
      expect(trial.status).toBe('fail');
      expect(trial.error).toBe('too deep for this page');
      expect(run.info.status).toBe('FAILED');
    }
  }
  const history = await app.ok('GET', `${API}/metrics/get-history?run_id=${result.best_run_id}&metric_key=validation-rmse`);
  expect(history.metrics.map((m: any) => m.step)).toEqual([0, 1, 2, 3, 4]);
  const { run: parent } = await app.ok('GET', `${API}/runs/get?run_id=${result.parent_run_id}`);
  expect(parent.info.run_name).toBe('xgboost-search');
  expect(parent.info.status).toBe('FINISHED');
  expect(parent.data.tags).toContainEqual({ key: 'best_run', value: result.best_run_id });
  expect(parent.data.params).toContainEqual({ key: 'max_depth', value: String(result.best_params.max_depth) });
  expect(parent.data.metrics).toContainEqual(expect.objectContaining({ key: 'loss', value: best }));

  // The runs table shows the search, its trials folded under it.
  await app.open(`#/experiments/${searched.experiment_id}`);
  await expect(page.getByTestId('runs-count')).toHaveText('26 runs');
  await expect(app.runRow(result.parent_run_id)).toContainText('xgboost-search');
});

test('a stopped search kills the running trial, keeps the finished ones, and a failing objective fails its trial only', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const searched = await page.evaluate(async () => {
    const { hyperopt } = (window as any).labbook;
    const stop = new AbortController();
    let calls = 0;
    const result = await hyperopt.fmin({
      space: { x: hyperopt.hp.uniform('x', -5, 5) },
      algo: hyperopt.rand.suggest,
      max_evals: 50,
      signal: stop.signal,
      fn: async ({ x }: any, { signal }: any) => {
        calls += 1;
        if (calls === 2) return NaN;
        if (calls === 3) throw new Error('the objective broke');
        if (calls === 5) stop.abort();
        return signal.aborted ? 0 : x * x;
      },
    });
    let all_failed = null;
    try {
      await hyperopt.fmin({ space: { x: hyperopt.hp.uniform('x', 0, 1) }, max_evals: 3, fn: () => { throw new Error('always'); } });
    } catch (error: any) {
      all_failed = error.message;
    }
    return { result, calls, all_failed };
  });
  const { result } = searched;
  expect(searched.calls).toBe(5);
  expect(result.cancelled).toBe(true);
  expect(result.trials.map((t: any) => t.status)).toEqual(['ok', 'fail', 'fail', 'ok', 'cancelled']);
  expect(result.trials[1].error).toBe('the loss is NaN');
  expect(searched.all_failed).toBe('all 3 trials failed; the first: always');
  const statuses = [];
  for (const trial of result.trials) {
    statuses.push((await app.ok('GET', `${API}/runs/get?run_id=${trial.run_id}`)).run.info.status);
  }
  expect(statuses).toEqual(['FINISHED', 'FAILED', 'FAILED', 'FINISHED', 'KILLED']);
  const { run: parent } = await app.ok('GET', `${API}/runs/get?run_id=${result.parent_run_id}`);
  expect(parent.info.status).toBe('KILLED');
  expect([result.trials[0].run_id, result.trials[3].run_id]).toContain(result.best_run_id);
});
