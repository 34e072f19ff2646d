// Story: a user with MLflow data and no server imports it, finds it as MLflow showed it,
// exports it, and gets clear messages for files labbook cannot take.
import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Labbook } from './labbook';

const fixtures = path.resolve(__dirname, '../../../shared/fixtures');

async function importFiles(page: Page, files: Parameters<Page['setInputFiles']>[1]) {
  await page.goto('./#/import');
  await page.getByTestId('import-input').setInputFiles(files);
}

test('import an MLflow 3 file store and browse it', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await importFiles(page, path.join(fixtures, 'mlflow3-filestore/mlruns.zip'));
  await app.expectReported('runs', { added: 25, updated: 0, unchanged: 0 });
  await app.expectReported('model-versions', { added: 4 });
  const latest = await app.ok('POST', '/api/2.0/mlflow/registered-models/get-latest-versions', { name: 'nyc-taxi-regressor', stages: ['Production'] });
  expect(latest.model_versions.map((v: any) => [v.version, v.aliases])).toEqual([['3', ['champion']]]);

  await expect(app.experimentItem('nyc-taxi-experiment')).toBeVisible();
  await app.experimentItem('nyc-taxi-experiment').getByRole('link').click();
  await expect(page.getByTestId('runs-count')).toHaveText('19 runs');
  await expect(page.getByTestId('description')).toContainText('NYC');
  await page.getByTestId('run-row').filter({ hasText: 'linear-regression-baseline' }).getByRole('link').click();
  await expect(page.getByTestId('run-params')).toContainText('Ünïcödé ✓');
  await expect(page.getByTestId('run-metrics')).toContainText('rmse');
  await expect(page.getByTestId('artifact-tree')).toContainText('features.json');
  await expect(page.getByTestId('run-datasets')).toContainText('green_tripdata_2021-01');

  // The deleted run and experiment come along, deleted.
  await app.open('#/experiments/1?view=deleted');
  await expect(page.getByTestId('run-row')).toContainText('to-be-deleted');
  await page.getByTestId('show-deleted-experiments').check();
  await expect(app.experimentItem('deleted-experiment')).toHaveClass(/deleted/);

  // Importing again changes nothing, and everything survives a reload.
  await importFiles(page, path.join(fixtures, 'mlflow3-filestore/mlruns.zip'));
  await app.expectReported('runs', { added: 0, updated: 0, unchanged: 25 });
  await app.reload();
  const runs = await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1', '2', '3'], run_view_type: 'ALL' });
  expect(runs.runs.length).toBe(25);
});

test('files dropped anywhere on the page are imported', async ({ page }) => {
  const app = new Labbook(page);
  await app.open('#/experiments/0');
  const zip = fs.readFileSync(path.join(fixtures, 'mlflow2-filestore/mlruns.zip')).toString('base64');
  await page.evaluate((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'mlruns.zip', { type: 'application/zip' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, zip);
  await expect(page).toHaveURL(/#\/import$/);
  await app.expectReported('runs', { added: 23 });
});

test('an MLflow 2 file store imports through the folder picker too', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  // Unzip the fixture in memory into the files a folder picker hands over.
  const { execFileSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'mlruns-'));
  execFileSync('unzip', ['-q', path.join(fixtures, 'mlflow2-filestore/mlruns.zip'), '-d', dir]);
  await page.goto('./#/import');
  await page.getByTestId('import-folder').setInputFiles(path.join(dir, 'mlruns'));
  await app.expectReported('runs', { added: 23 });
  const history = await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1'], order_by: ['attributes.run_name ASC'] });
  const best = history.runs.find((r: any) => r.info.run_name === 'best-xgboost-final');
  const points = await app.ok('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${best.info.run_id}&metric_key=validation-rmse`);
  expect(points.metrics.length).toBe(50);
});

/** Every file below `dir`, as zip entries named from `base`. */
function filesBelow(dir: string, base: string): { name: string; data: Buffer }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    const name = `${base}/${entry.name}`;
    return entry.isDirectory() ? filesBelow(full, name) : [{ name, data: fs.readFileSync(full) }];
  });
}

test('import mlflow.db with its mlruns zip: REST answers as mlflow server recorded them', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const sqlite = path.join(fixtures, 'mlflow2-sqlite');
  await importFiles(page, [
    { name: 'mlflow.db', mimeType: 'application/vnd.sqlite3', buffer: fs.readFileSync(path.join(sqlite, 'mlflow.db')) },
    { name: 'mlruns.zip', mimeType: 'application/zip', buffer: storedZip(filesBelow(path.join(sqlite, 'mlruns'), 'mlruns')) },
  ]);
  await app.expectReported('runs', { added: 23 });
  await app.expectReported('model-versions', { added: 4 });
  const rest = path.join(fixtures, 'mlflow2-rest');
  const recorded = (file: string) => JSON.parse(fs.readFileSync(path.join(rest, file), 'utf8'));
  expect(await app.ok('GET', '/api/2.0/mlflow/runs/get?run_id=2f6212f7a0d74d458b29d090e0a40b7b'))
    .toEqual(recorded('run_get_linear-regression-baseline.json'));
  expect(await app.ok('GET', '/api/2.0/mlflow/artifacts/list?run_id=2f6212f7a0d74d458b29d090e0a40b7b&path=images'))
    .toEqual(recorded('artifacts_list_linear-regression-baseline_images.json'));
  expect(await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['2', '1', '0'], max_results: 1000 }))
    .toEqual(recorded('runs_search_all_experiments.json'));
  expect(await app.ok('GET', '/api/2.0/mlflow/metrics/get-history?run_id=ab0f5bf6a54946a3ba2c94f085c211f9&metric_key=nan_metric'))
    .toEqual(recorded('metrics_get_history_nan_metric.json'));
  expect(await app.ok('GET', '/api/2.0/mlflow/registered-models/get?name=nyc-taxi-regressor'))
    .toEqual(recorded('registered_model_get_nyc-taxi-regressor.json'));
  expect(await app.ok('GET', '/api/2.0/mlflow/registered-models/alias?name=nyc-taxi-regressor&alias=champion'))
    .toEqual(recorded('registered_model_alias_champion.json'));
  expect(await app.ok('GET', '/api/2.0/mlflow/model-versions/search?max_results=1000'))
    .toEqual(recorded('model_versions_search.json'));
});

test('import an mlflow-export-import export and saved REST responses', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await importFiles(page, path.join(fixtures, 'export-import/export-all.zip'));
  await app.expectReported('runs', { added: 30 });
  await app.expectReported('registered-models', { added: 2 });
  await expect(app.experimentItem('nyc-taxi-experiment')).toBeVisible();

  const fresh = new Labbook(await page.context().browser()!.newPage());
  await fresh.open();
  const rest = path.join(fixtures, 'mlflow2-rest');
  await fresh.page.goto('./#/import');
  await fresh.page.getByTestId('import-input').setInputFiles([
    path.join(rest, 'experiments_search_all_incl_deleted.json'),
    path.join(rest, 'runs_search_all_experiments_incl_deleted.json'),
    path.join(rest, 'registered_models_search.json'),
  ]);
  await fresh.expectReported('runs', { added: 22 });
  const recorded = JSON.parse(fs.readFileSync(path.join(rest, 'run_get_linear-regression-baseline.json'), 'utf8'));
  expect(await fresh.ok('GET', '/api/2.0/mlflow/runs/get?run_id=2f6212f7a0d74d458b29d090e0a40b7b')).toEqual(recorded);
});

test('export an experiment as a zip and import it into an empty browser', async ({ page, browser }) => {
  const app = new Labbook(page);
  await app.open();
  await importFiles(page, path.join(fixtures, 'mlflow3-filestore/mlruns.zip'));
  await expect(page.getByTestId('import-report')).toBeVisible();
  await app.open('#/experiments/1');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('experiment-export-zip').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('experiment-nyc-taxi-experiment.zip');
  const bundle = await download.path();
  const before = await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1'], run_view_type: 'ALL' });

  const fresh = await browser.newPage();
  const other = new Labbook(fresh);
  await other.open();
  await fresh.goto('./#/import');
  await fresh.getByTestId('import-input').setInputFiles({ name: 'bundle.zip', mimeType: 'application/zip', buffer: fs.readFileSync(bundle) });
  await new Labbook(fresh).expectReported('runs', { added: 20 });
  const after = await other.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1'], run_view_type: 'ALL' });
  expect(after).toEqual(before);
  const linear = after.runs.find((r: any) => r.info.run_name === 'linear-regression-baseline');
  const listing = await other.ok('GET', `/api/2.0/mlflow/artifacts/list?run_id=${linear.info.run_id}&path=config`);
  expect(listing.files.map((f: any) => f.path)).toEqual(['config/features.json', 'config/run_config.yaml']);
});

test('export everything as an MLflow file store and as mlflow-export-import, and read both back', async ({ page, browser }) => {
  const app = new Labbook(page);
  await app.open();
  await importFiles(page, path.join(fixtures, 'mlflow3-filestore/mlruns.zip'));
  await expect(page.getByTestId('import-report')).toBeVisible();
  const before = await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0', '1', '2', '3'], run_view_type: 'ALL' });
  for (const [button, name, runs] of [['export-mlflow', 'labbook-export-mlruns.zip', 25], ['export-export-import', 'labbook-export-export-all.zip', 25]] as const) {
    const downloading = page.waitForEvent('download');
    await page.getByTestId(button).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(name);
    const fresh = new Labbook(await browser.newPage());
    await fresh.open();
    await fresh.page.goto('./#/import');
    await fresh.page.getByTestId('import-input').setInputFiles({ name, mimeType: 'application/zip', buffer: fs.readFileSync(await download.path()) });
    await fresh.expectReported('runs', { added: runs });
    const after = await fresh.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0', '1', '2', '3'], run_view_type: 'ALL' });
    expect(after.runs.map((r: any) => [r.info.run_id, r.data.params, r.data.metrics]))
      .toEqual(before.runs.map((r: any) => [r.info.run_id, r.data.params, r.data.metrics]));
    await fresh.page.close();
  }
});

/** A zip with the given entry names and no compression. */
function storedZip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

test('bad files get a message naming the file and place, and change nothing', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  const fixture = fs.readFileSync(path.join(fixtures, 'mlflow2-filestore/mlruns.zip'));
  const cases: { name: string; buffer: Buffer; message: RegExp }[] = [
    { name: 'empty.zip', buffer: Buffer.alloc(0), message: /empty\.zip is empty/ },
    { name: 'notes.zip', buffer: Buffer.from('not a zip at all'), message: /notes\.zip is not a zip archive/ },
    { name: 'cut.zip', buffer: fixture.subarray(0, fixture.length / 2), message: /cut\.zip is a damaged or truncated zip/ },
    { name: 'slip.zip', buffer: storedZip([{ name: '../../evil.txt', data: Buffer.from('x') }]), message: /slip\.zip: entry '\.\.\/\.\.\/evil\.txt' points outside the archive/ },
    { name: 'abs.zip', buffer: storedZip([{ name: '/etc/passwd', data: Buffer.from('x') }]), message: /abs\.zip: entry '\/etc\/passwd' has an absolute path/ },
    { name: 'photos.zip', buffer: storedZip([{ name: 'a.jpg', data: Buffer.from('x') }]), message: /photos\.zip holds no MLflow data/ },
    { name: 'broken.json', buffer: Buffer.from('{"format": "labbook-bundle", "format_version": 1, "runs": [}'), message: /broken\.json: not valid JSON at line 1, column/ },
    { name: 'mlflow.db', buffer: Buffer.from('SQLite format 3\0'), message: /mlflow\.db could not be read as an SQLite database/ },
    { name: 'notes.db', buffer: Buffer.from('hello'), message: /notes\.db is not an SQLite database/ },
    { name: 'notes.json', buffer: Buffer.from('{"hello": 1}'), message: /notes\.json is neither a labbook bundle nor a response saved from MLflow's REST API/ },
    {
      name: 'garbled.zip',
      buffer: storedZip([
        { name: 'mlruns/1/meta.yaml', data: Buffer.from("artifact_location: file:///x\nexperiment_id: '1'\nlifecycle_stage: active\nname: e\n") },
        { name: 'mlruns/1/abc/meta.yaml', data: Buffer.from("experiment_id: '1'\nrun_id: abc\nstatus: 3\n") },
        { name: 'mlruns/1/abc/metrics/loss', data: Buffer.from('1 0.5 0\n2 oops 1\n') },
      ]),
      message: /mlruns\/1\/abc\/metrics\/loss, line 2: expected '<timestamp> <value> \[<step>\]', found '2 oops 1'/,
    },
  ];
  for (const { name, buffer, message } of cases) {
    await importFiles(page, { name, mimeType: 'application/octet-stream', buffer });
    await expect(page.getByTestId('import-error')).toHaveText(message);
  }
  await expect(page.getByTestId('experiment-item')).toHaveText(['Default']);
  const runs = await app.ok('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0', '1'] });
  expect(runs).toEqual({});
});

test('a file too big for the browser is refused before it is read', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await page.goto('./#/import');
  // Make every file claim 3 GiB, and count reads of file contents.
  await page.evaluate(() => {
    Object.defineProperty(Blob.prototype, 'size', { get: () => 3 * 2 ** 30 });
    const read = Blob.prototype.arrayBuffer;
    (window as any).reads = 0;
    Blob.prototype.arrayBuffer = function () {
      (window as any).reads += 1;
      return read.call(this);
    };
  });
  await page.getByTestId('import-input').setInputFiles({ name: 'huge.zip', mimeType: 'application/zip', buffer: Buffer.from('PK') });
  await expect(page.getByTestId('import-error')).toHaveText(/huge\.zip is 3\.0 GB; the browser cannot read a file over 2\.0 GB at once/);
  expect(await page.evaluate(() => (window as any).reads)).toBe(0);
});

test('a cancelled import leaves the database as it was', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await importFiles(page, path.join(fixtures, 'large-2000-runs/mlruns.zip'));
  await expect(page.getByTestId('import-progress')).toBeVisible();
  await page.getByTestId('import-cancel').click();
  await expect(page.getByTestId('import-cancelled')).toHaveText('Import cancelled; nothing was written.');
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await app.reload();
  await expect(page.getByTestId('experiment-item')).toHaveText(['Default']);
});
