// Story: labbook open in several tabs on the same data. Writes from every tab at once each
// happen whole and once: every success is there afterwards and unique, every refusal is
// MLflow's; each tab shows what the others wrote; a tab left on an older database version
// steps aside for the upgrade.
import { test, expect, type BrowserContext } from '@playwright/test';
import * as path from 'node:path';
import { Labbook } from './labbook';

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');
const API = '/api/2.0/mlflow';

async function openTabs(context: BrowserContext, count: number): Promise<Labbook[]> {
  const tabs: Labbook[] = [];
  for (let i = 0; i < count; i++) {
    const app = new Labbook(await context.newPage());
    await app.open();
    tabs.push(app);
  }
  return tabs;
}

/** Every answer of `calls`, run in all tabs at the same moment. */
function atOnce<T>(tabs: Labbook[], call: (app: Labbook, tab: number) => Promise<T>): Promise<T[]> {
  return Promise.all(tabs.map((app, tab) => call(app, tab)));
}

function codes(answers: any[]): string[] {
  return answers.filter((a) => a.error).map((a) => a.error.error_code);
}

/** Calls `call` for 0..n, one after the other, in one tab (as a script there would). */
async function inTurn<T>(n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  for (let i = 0; i < n; i++) answers.push(await call(i));
  return answers;
}

const ROUNDS = 20;

for (const count of [2, 4]) {
  test(`${count} tabs writing at once: every success durable and unique, every refusal MLflow's`, async ({
    context,
  }) => {
    const tabs = await openTabs(context, count);
    const [first] = tabs;

    // The same names from every tab: each name created once, the other tabs refused.
    const same = await atOnce(tabs, (app) =>
      inTurn(ROUNDS, (i) => app.rest('POST', `${API}/experiments/create`, { name: `shared-${i}` })),
    );
    for (let i = 0; i < ROUNDS; i++) {
      const answers = same.map((tab) => tab[i]);
      expect(answers.filter((a) => a.ok), `shared-${i}`).toHaveLength(1);
      expect(codes(answers)).toEqual(Array(count - 1).fill('RESOURCE_ALREADY_EXISTS'));
    }
    const experimentId = same.flat().find((a) => a.ok).ok.experiment_id;

    // Different names from every tab: every one created, each with its own id.
    const made = await atOnce(tabs, (app, tab) =>
      inTurn(ROUNDS, (i) => app.ok('POST', `${API}/experiments/create`, { name: `tab${tab}-${i}` })),
    );
    const ids = [...same.flat().filter((a) => a.ok).map((a) => a.ok.experiment_id), ...made.flat().map((a) => a.experiment_id)];
    expect(new Set(ids).size).toBe(ROUNDS * (count + 1));
    const listed = await first.ok('POST', `${API}/experiments/search`, { max_results: 1000 });
    const byName = new Map(listed.experiments.map((e: any) => [e.name, e.experiment_id]));
    made.forEach((answers, tab) =>
      answers.forEach((a, i) => expect(byName.get(`tab${tab}-${i}`), `tab${tab}-${i}`).toBe(a.experiment_id)),
    );

    // The same param keys with each tab's own value: the first written stays, the rest are
    // refused, and the run holds exactly the values that were accepted.
    const { run } = await first.ok('POST', `${API}/runs/create`, { experiment_id: experimentId });
    const runId = run.info.run_id;
    const params = await atOnce(tabs, (app, tab) =>
      inTurn(ROUNDS, (i) =>
        app.rest('POST', `${API}/runs/log-parameter`, { run_id: runId, key: `p${i}`, value: `tab${tab}` }),
      ),
    );
    const accepted = new Map<string, string>();
    for (let i = 0; i < ROUNDS; i++) {
      const answers = params.map((tab) => tab[i]);
      expect(answers.filter((a) => a.ok), `p${i}`).toHaveLength(1);
      expect(codes(answers)).toEqual(Array(count - 1).fill('INVALID_PARAMETER_VALUE'));
      accepted.set(`p${i}`, `tab${answers.findIndex((a) => a.ok)}`);
    }
    const stored = await first.ok('GET', `${API}/runs/get?run_id=${runId}`);
    expect(new Map(stored.run.data.params.map((p: any) => [p.key, p.value]))).toEqual(accepted);

    // Versions of one model from every tab: numbered 1 to rounds × tabs, none twice.
    await first.ok('POST', `${API}/registered-models/create`, { name: 'shared-model' });
    const versions = await atOnce(tabs, (app) =>
      inTurn(ROUNDS, () =>
        app.ok('POST', `${API}/model-versions/create`, {
          name: 'shared-model',
          source: `runs:/${runId}/model`,
          run_id: runId,
        }),
      ),
    );
    const numbers = versions.flat().map((a) => Number(a.model_version.version)).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: ROUNDS * count }, (_, i) => i + 1));

    // Batches of ten points into one run from every tab: every point kept, once.
    await atOnce(tabs, (app, tab) =>
      inTurn(ROUNDS, (batch) =>
        app.ok('POST', `${API}/runs/log-batch`, {
          run_id: runId,
          metrics: Array.from({ length: 10 }, (_, i) => ({
            key: 'loss',
            value: tab + batch / ROUNDS + i / 100,
            timestamp: 1_000 + batch,
            step: tab * 10 * ROUNDS + batch * 10 + i,
          })),
        }),
      ),
    );
    const history = await tabs[count - 1].ok('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=loss`);
    const steps = history.metrics.map((m: any) => Number(m.step)).sort((a: number, b: number) => a - b);
    expect(steps).toEqual(Array.from({ length: 10 * ROUNDS * count }, (_, i) => i));
  });
}

test('an import in one tab while another logs keeps both whole', async ({ context }) => {
  const [importing, logging] = await openTabs(context, 2);
  const { run } = await logging.ok('POST', `${API}/runs/create`, { experiment_id: '0' });
  await importing.page.goto('./#/import');
  const imported = importing.page
    .getByTestId('import-input')
    .setInputFiles(path.join(fixtures, 'mlflow3-filestore/mlruns.zip'));
  for (let step = 0; step < 40; step++) {
    await logging.ok('POST', `${API}/runs/log-metric`, {
      run_id: run.info.run_id,
      key: 'loss',
      value: step / 40,
      timestamp: 1_000 + step,
      step,
    });
  }
  await imported;
  await importing.expectReported('runs', { added: 25, updated: 0, unchanged: 0 });
  const history = await importing.ok('GET', `${API}/metrics/get-history?run_id=${run.info.run_id}&metric_key=loss`);
  expect(history.metrics.map((m: any) => Number(m.step))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  const found = await logging.ok('POST', `${API}/runs/search`, { experiment_ids: ['0'], max_results: 1000 });
  expect(found.runs.map((r: any) => r.info.run_id)).toContain(run.info.run_id);
});

test('a run logged in one tab appears in the other tab\'s open table and chart', async ({ context }) => {
  const [watching, writing] = await openTabs(context, 2);
  const { experiment_id } = await writing.ok('POST', `${API}/experiments/create`, { name: 'watched' });
  await expect(watching.experimentItem('watched')).toBeVisible();
  await watching.experimentItem('watched').getByRole('link').click();
  await expect(watching.page.getByTestId('runs-count')).toHaveText('0 runs');

  const { run } = await writing.ok('POST', `${API}/runs/create`, { experiment_id, run_name: 'from-the-other-tab' });
  const runId = run.info.run_id;
  await expect(watching.runRow(runId)).toContainText('from-the-other-tab');
  await expect(watching.page.getByTestId('runs-count')).toHaveText('1 run');
  await writing.ok('POST', `${API}/runs/log-metric`, { run_id: runId, key: 'loss', value: 0.25, timestamp: 1, step: 0 });
  await expect(watching.runRow(runId)).toContainText('0.25');

  await watching.runRow(runId).getByRole('link').first().click();
  await expect(watching.page.getByTestId('metric-chart')).toContainText('of 1 points drawn');
  await writing.ok('POST', `${API}/runs/log-metric`, { run_id: runId, key: 'loss', value: 0.2, timestamp: 2, step: 1 });
  await expect(watching.page.getByTestId('metric-chart')).toContainText('of 2 points drawn');
});

test('a tab on an older database version steps aside for the upgrade and says so', async ({ context }) => {
  const [old] = await openTabs(context, 1);
  await old.ok('POST', `${API}/experiments/create`, { name: 'kept' });
  const newer = await context.newPage();
  await newer.goto('./');
  // What a newer labbook does when it opens the database: ask for the next version.
  const upgraded = await newer.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.open('labbook', 1000);
        request.onblocked = () => resolve('blocked');
        request.onsuccess = () => {
          request.result.close();
          resolve(`opened at ${request.result.version}`);
        };
        request.onerror = () => resolve(`failed: ${request.error}`);
      }),
  );
  expect(upgraded).toBe('opened at 1000');
  await expect(old.page.getByTestId('reload-banner')).toContainText('opened in another tab at a newer version');
  const refused = await old.rest('POST', `${API}/experiments/create`, { name: 'not-written' });
  expect(refused.error.message).toContain('Reload this tab');

  // This version, opened on a database a newer one wrote, says so and changes nothing.
  await old.page.reload();
  await expect(old.page.getByTestId('storage-banner')).toContainText('newer version of labbook');
  const version = await newer.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const request = indexedDB.open('labbook');
        request.onsuccess = () => {
          const db = request.result;
          const names = Array.from(db.objectStoreNames);
          db.close();
          resolve(names.includes('experiments') ? db.version : -1);
        };
      }),
  );
  expect(version).toBe(1000);
});
