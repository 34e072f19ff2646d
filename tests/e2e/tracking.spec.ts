// Story: a tutorial's script tracks its work with MLflow's fluent API in the page
// (`labbook.mlflow`), and what it logged is there through the REST API and on the pages.
import { test, expect } from '@playwright/test';
import { Labbook } from './labbook';

const API = '/api/2.0/mlflow';

test('a script logs a baseline, a nested search and its files with labbook.mlflow', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const logged = await page.evaluate(async () => {
    const mlflow = (window as any).labbook.mlflow;
    const experiment = await mlflow.set_experiment('nyc-taxi-experiment');
    const baseline = await mlflow.start_run({ run_name: 'linear-regression-baseline', tags: { developer: 'cristian' } }, async (run: any) => {
      await mlflow.log_param('fit_intercept', true);
      await mlflow.log_params({ 'train-data-path': './data/green_tripdata_2021-01.parquet', alpha: 0.01 });
      await mlflow.log_metric('rmse', 9.5);
      for (let step = 0; step < 3; step++) await mlflow.log_metric('validation-rmse', 7 - step, step);
      await mlflow.log_metrics({ mae: 5.25, r2: 0.5 });
      await mlflow.set_tag('model', 'linear-regression');
      await mlflow.log_dict({ split: { train: 1600, val: 400 }, model: 'LinearRegression' }, 'config/run_config.yaml');
      await mlflow.log_dict({ categorical: ['PU_DO'], numerical: ['trip_distance'] }, 'config/features.json');
      await mlflow.log_text('Baseline linear regression.\n', 'notes/README.txt');
      await mlflow.log_artifact(new Uint8Array([1, 2, 3]), 'preprocessor/preprocessor.b');
      await mlflow.log_input({
        name: 'green_tripdata_2021-01', digest: '6aee5255', source_type: 'local',
        source: { uri: './data/green_tripdata_2021-01.parquet' },
        profile: { num_rows: 1600, num_elements: 8000 },
      }, 'training');
      return run.info.run_id;
    });
    // A search: a parent run and its trials, one of which fails and one is stopped.
    const parent = await mlflow.start_run({ run_name: 'search' });
    const trials = [];
    for (const depth of [4, 6, 8]) {
      try {
        await mlflow.start_run({ run_name: `trial-${depth}`, nested: true }, async (run: any) => {
          trials.push(run.info.run_id);
          await mlflow.log_params({ max_depth: depth });
          if (depth === 6) throw new Error('the loss was NaN');
          if (depth === 8) throw new DOMException('stopped', 'AbortError');
          await mlflow.log_metric('rmse', 6.5);
        });
      } catch (error) {
        // The failed and the stopped trials throw on; the search goes on.
      }
    }
    await mlflow.end_run();
    const active = await mlflow.active_run();
    let refused = null;
    await mlflow.start_run({ run_name: 'outer' });
    try {
      await mlflow.start_run({ run_name: 'not-nested' });
    } catch (error: any) {
      refused = { message: error.message, code: error.error_code };
    }
    await mlflow.end_run('KILLED');
    const found = await mlflow.search_runs({ filter_string: 'metrics.rmse < 9', order_by: ['metrics.rmse ASC'] });
    return { experiment_id: experiment.experiment_id, baseline, parent: parent.info.run_id, trials, active, refused, found: found.map((r: any) => r.info.run_name) };
  });
  expect(logged.active).toBeNull();
  expect(logged.refused.code).toBe('INVALID_PARAMETER_VALUE');
  expect(logged.refused.message).toContain('is already active. To start a new run, first end the current run');
  expect(logged.found).toEqual(['trial-4']);

  const { run } = await app.ok('GET', `${API}/runs/get?run_id=${logged.baseline}`);
  expect(run.info.status).toBe('FINISHED');
  expect(run.info.experiment_id).toBe(logged.experiment_id);
  expect(run.data.params).toEqual(expect.arrayContaining([
    { key: 'fit_intercept', value: 'True' },
    { key: 'alpha', value: '0.01' },
  ]));
  expect(run.data.tags).toEqual(expect.arrayContaining([
    { key: 'developer', value: 'cristian' },
    { key: 'model', value: 'linear-regression' },
  ]));
  const history = await app.ok('GET', `${API}/metrics/get-history?run_id=${logged.baseline}&metric_key=validation-rmse`);
  expect(history.metrics.map((m: any) => [m.step, m.value])).toEqual([[0, 7], [1, 6], [2, 5]]);
  expect(run.inputs.dataset_inputs).toEqual([{
    tags: [{ key: 'mlflow.data.context', value: 'training' }],
    dataset: {
      name: 'green_tripdata_2021-01', digest: '6aee5255', source_type: 'local',
      source: '{"uri": "./data/green_tripdata_2021-01.parquet"}',
      profile: '{"num_rows": 1600, "num_elements": 8000}',
    },
  }]);
  const file = async (path: string) =>
    (await app.ok('GET', `/api/2.0/labbook/artifacts/download?run_id=${logged.baseline}&path=${path}`)).content_base64;
  expect(atob(await file('config/run_config.yaml'))).toBe('model: LinearRegression\nsplit:\n  train: 1600\n  val: 400\n');
  expect(atob(await file('config/features.json'))).toBe('{\n  "categorical": [\n    "PU_DO"\n  ],\n  "numerical": [\n    "trip_distance"\n  ]\n}');
  expect(atob(await file('preprocessor/preprocessor.b'))).toBe('\x01\x02\x03');

  const statuses = [];
  for (const id of logged.trials) {
    const trial = (await app.ok('GET', `${API}/runs/get?run_id=${id}`)).run;
    expect(trial.data.tags).toContainEqual({ key: 'mlflow.parentRunId', value: logged.parent });
    statuses.push(trial.info.status);
  }
  expect(statuses).toEqual(['FINISHED', 'FAILED', 'KILLED']);

  // The runs are on the experiment's page, the trials folded under their search.
  await app.open(`#/experiments/${logged.experiment_id}`);
  await expect(page.getByTestId('runs-count')).toHaveText('6 runs');
  await expect(app.runRow(logged.baseline)).toContainText('linear-regression-baseline');
  await expect(app.runRow(logged.trials[0])).toHaveCount(0);
});
