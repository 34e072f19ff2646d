// Story: a reader trains the course's models in the page with labbook.ml (in the trainer
// worker), with autologging on, and tunes the boosted trees with labbook.hyperopt.
import { test, expect } from '@playwright/test';
import { Labbook } from './labbook';

const API = '/api/2.0/mlflow';

test('a fit in the trainer worker is autologged as MLflow logs it, and the model predicts', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const trained = await page.evaluate(async () => {
    const { mlflow, ml } = (window as any).labbook;
    const estimators = ml.estimators();
    const experiment = await mlflow.set_experiment('nyc-taxi-experiment');
    await mlflow.autolog();
    const rounds: number[] = [];
    const model = await ml.fit({
      estimator: 'gradient_boosting',
      params: { max_depth: 4, num_boost_round: 30, early_stopping_rounds: 5 },
      data: { kind: 'synthetic-taxi', rows: 2000, seed: 1 },
      on_round: (round: number) => rounds.push(round),
    });
    const predictions = await model.predict([
      { PULocationID: 43, DOLocationID: 151, trip_distance: 1.8 },
      { PULocationID: 43, DOLocationID: 151, trip_distance: 9.5 },
    ]);
    await model.drop();
    const gone = await model.predict([{ PULocationID: 43, DOLocationID: 151, trip_distance: 1.8 }]).catch((e: any) => e.message);
    const refusals = [];
    for (const options of [
      { estimator: 'svm', data: 'synthetic-taxi' },
      { data: { rows: [{ x: 1, y: 'slow' }], target: 'y', numerical: ['x'] } },
      { estimator: 'ridge', params: { alpha: -1 } },
    ]) {
      try {
        await ml.fit(options);
        refusals.push(null);
      } catch (error: any) {
        refusals.push(error.message);
      }
    }
    await mlflow.autolog({ disable: true });
    // The same jobs natively (tests/training.rs) give exactly these figures.
    const same = [];
    for (const [estimator, params] of [
      ['gradient_boosting', { max_depth: 3, num_boost_round: 15 }],
      ['random_forest', { n_estimators: 5, random_state: 4 }],
    ]) {
      const fitted = await ml.fit({ estimator, params, data: { kind: 'synthetic-taxi', rows: 500, seed: 7 } });
      same.push([fitted.validation.rmse, fitted.training.r2]);
    }
    const quiet = await ml.fit({ estimator: 'ridge', data: { rows: [{ x: 1, y: 2 }, { x: 2, y: 4.5 }, { x: 3, y: 5.5 }], target: 'y', numerical: ['x'] } });
    return { estimators, experiment_id: experiment.experiment_id, model, rounds, predictions, gone, refusals, quiet, same };
  });
  expect(trained.estimators.map((e: any) => e.name)).toEqual([
    'linear_regression', 'ridge', 'lasso', 'elastic_net', 'decision_tree', 'random_forest', 'gradient_boosting',
  ]);
  const boosting = trained.estimators.find((e: any) => e.name === 'gradient_boosting');
  expect(boosting.params.find((p: any) => p.name === 'learning_rate').default).toBe(0.3);
  const { model } = trained;
  expect(model.class_name).toBe('XGBRegressor');
  expect(model.rounds.validation_rmse).toHaveLength(trained.rounds.length);
  expect(trained.rounds).toEqual([...trained.rounds.keys()]);
  expect(model.validation.rmse).toBeLessThan(15);
  expect(trained.predictions[1]).toBeGreaterThan(trained.predictions[0]);
  expect(trained.gone).toBe('the model is gone: it was dropped, or 16 later fits took its place');
  expect(trained.refusals).toEqual([
    "unknown estimator 'svm' (one of linear_regression, ridge, lasso, elastic_net, decision_tree, random_forest, gradient_boosting)",
    "the target 'y' must be numbers; row 1 has 'slow'",
    'ridge: alpha must be at least 0',
  ]);
  expect(trained.same).toEqual([[5.545355028135633, 0.9121699264655254], [6.32452557494714, 0.9698152324244651]]);
  expect(trained.quiet.run_id).toBeNull();
  expect(trained.quiet.params).toEqual({ alpha: 1.0 });

  // The autologged run, through the REST API.
  const { runs } = await app.ok('POST', `${API}/runs/search`, { experiment_ids: [trained.experiment_id] });
  expect(runs.map((r: any) => r.info.run_id)).toEqual([model.run_id]);
  const run = runs[0];
  expect(run.info.status).toBe('FINISHED');
  expect(run.data.tags).toEqual(expect.arrayContaining([
    { key: 'estimator_name', value: 'XGBRegressor' },
    { key: 'estimator_class', value: 'xgboost.sklearn.XGBRegressor' },
    { key: 'mlflow.autologging', value: 'xgboost' },
  ]));
  expect(run.data.params).toEqual(expect.arrayContaining([
    { key: 'max_depth', value: '4' }, { key: 'learning_rate', value: '0.3' }, { key: 'early_stopping_rounds', value: '5' },
  ]));
  const metric = (key: string) => run.data.metrics.find((m: any) => m.key === key)?.value;
  expect(metric('best_iteration')).toBe(model.rounds.best_iteration);
  expect(metric('stopped_iteration')).toBe(model.rounds.stopped_iteration);
  expect(metric('training_root_mean_squared_error')).toBeCloseTo(model.training.rmse, 9);
  expect(metric('training_score')).toBeCloseTo(model.training.r2, 9);
  const history = await app.ok('GET', `${API}/metrics/get-history?run_id=${model.run_id}&metric_key=validation-rmse`);
  expect(history.metrics.map((m: any) => m.step)).toEqual([...model.rounds.validation_rmse.keys()]);
  expect(run.inputs.dataset_inputs.map((i: any) => [i.dataset.name, i.tags[0].value])).toEqual([
    ['green_tripdata_2021-01', 'training'], ['green_tripdata_2021-02', 'validation'],
  ]);
  const file = await app.ok('GET', `/api/2.0/labbook/artifacts/download?run_id=${model.run_id}&path=feature_importance_weight.json`);
  expect(Object.keys(JSON.parse(atob(file.content_base64)))).toContain('trip_distance');
});

test('a hyperopt search of the boosted trees autologs each trial under the search, and stop ends a fit', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const searched = await page.evaluate(async () => {
    const { mlflow, ml, hyperopt } = (window as any).labbook;
    const { fmin, hp, scope, tpe } = hyperopt;
    await mlflow.set_experiment('xgboost-search');
    await mlflow.autolog();
    const result = await fmin({
      fn: async (params: any) => (await ml.fit({
        estimator: 'gradient_boosting', params, data: { kind: 'synthetic-taxi', rows: 1000, seed: 2 },
      })).validation.rmse,
      space: {
        max_depth: scope.int(hp.quniform('max_depth', 2, 8, 1)),
        learning_rate: hp.loguniform('learning_rate', -3, 0),
        num_boost_round: 20,
      },
      algo: tpe.suggest, max_evals: 6, seed: 3, run_name: 'search',
    });
    // A long fit, stopped: it rejects with an AbortError, and the trainer starts afresh.
    const long = ml.fit({ estimator: 'random_forest', params: { n_estimators: 500 }, data: { kind: 'synthetic-taxi', rows: 20000 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    ml.stop();
    let stopped = null;
    try {
      await long;
    } catch (error: any) {
      stopped = error.name;
    }
    await mlflow.autolog({ disable: true });
    const after = await ml.fit({ estimator: 'linear_regression', data: { kind: 'synthetic-taxi', rows: 500 } });
    return { result, stopped, after: after.training.rmse };
  });
  const { result } = searched;
  expect(searched.stopped).toBe('AbortError');
  expect(searched.after).toBeGreaterThan(0);
  expect(result.trials.map((t: any) => t.status)).toEqual(Array(6).fill('ok'));
  for (const trial of result.trials) {
    const { run } = await app.ok('GET', `${API}/runs/get?run_id=${trial.run_id}`);
    expect(run.data.tags).toContainEqual({ key: 'mlflow.parentRunId', value: result.parent_run_id });
    expect(run.data.tags).toContainEqual({ key: 'estimator_name', value: 'XGBRegressor' });
    expect(run.data.params).toContainEqual({ key: 'max_depth', value: String(trial.params.max_depth) });
    const loss = run.data.metrics.find((m: any) => m.key === 'loss').value;
    expect(loss).toBe(trial.loss);
    const history = await app.ok('GET', `${API}/metrics/get-history?run_id=${trial.run_id}&metric_key=validation-rmse`);
    expect(history.metrics).toHaveLength(20);
    expect(history.metrics[19].value).toBe(trial.loss);
  }
});

test('a CSV file of the reader\'s own trains in the worker, and a broken one is refused naming the file and line', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const trained = await page.evaluate(async () => {
    const { ml } = (window as any).labbook;
    // Minutes are 2 + 3 per mile, plus 4 from zone B.
    const lines = ['zone,distance,minutes'];
    for (let i = 0; i < 40; i++) lines.push(`${i % 2 ? 'B' : 'A'},${i / 4},${2 + (3 * i) / 4 + (i % 2 ? 4 : 0)}`);
    const file = new File([lines.join('\n') + '\n'], 'trips.csv', { type: 'text/csv' });
    const model = await ml.fit({
      estimator: 'linear_regression',
      data: { csv: file, target: 'minutes', categorical: ['zone'], numerical: ['distance'] },
    });
    const predicted = await model.predict([{ zone: 'B', distance: 2 }, { zone: 'A', distance: 2 }]);
    const refusals = [];
    for (const [text, target] of [
      ['', 'minutes'],
      ['zone,distance,minutes\nA,1,5\nB,2\n', 'minutes'],
      ['zone,distance,minutes\nA,1,slow\n', 'minutes'],
      ['zone,distance,minutes\nA,1,5\n', 'duration'],
    ]) {
      try {
        await ml.fit({ data: { csv: new File([text], 'trips.csv'), target, categorical: ['zone'], numerical: ['distance'] } });
        refusals.push(null);
      } catch (error: any) {
        refusals.push(error.message);
      }
    }
    return { rmse: model.training.rmse, datasets: model.datasets, predicted, refusals };
  });
  expect(trained.rmse).toBeLessThan(1e-6);
  expect(trained.predicted[0]).toBeCloseTo(12, 6);
  expect(trained.predicted[1]).toBeCloseTo(8, 6);
  expect(trained.datasets[0].profile).toEqual({ num_rows: 40, num_elements: 120 });
  expect(trained.refusals).toEqual([
    'trips.csv is empty: it needs a header line naming the columns',
    'trips.csv, line 3: 2 fields, but the header names 3 columns',
    "the target 'minutes' must be numbers; row 1 has 'slow'",
    "the training rows have no column 'duration'",
  ]);
});
