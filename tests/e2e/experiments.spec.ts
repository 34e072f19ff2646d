// Story: a new user creates, describes, renames, deletes and restores experiments in the
// page, and finds everything again after a reload.
import { test, expect } from '@playwright/test';
import { Labbook } from './labbook';

test('an empty database greets the user with what to do next', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByTestId('welcome')).toContainText('labbook.rest');
  await expect(page.getByTestId('experiment-item')).toHaveText(['Default']);
});

test('create, describe, rename, delete and restore an experiment; all survives a reload', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await app.createExperimentInUi('churn-model');
  await expect(page).toHaveURL(/#\/experiments\/1$/);
  await expect(app.experimentItem('churn-model')).toHaveClass(/selected/);

  await page.getByTestId('description-edit').click();
  await page.getByTestId('description-input').fill('# Goals\n**Beat** the baseline <script>window.pwned = 1</script>');
  await page.getByTestId('description-save').click();
  const description = page.getByTestId('description');
  await expect(description.locator('h1')).toHaveText('Goals');
  await expect(description.locator('strong')).toHaveText('Beat');
  await expect(description).toContainText('<script>window.pwned = 1</script>');
  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();

  await page.getByTestId('experiment-rename').click();
  await page.getByTestId('experiment-rename-input').fill('churn-model-v2');
  await page.getByTestId('experiment-rename-save').click();
  await expect(page.getByTestId('experiment-name')).toHaveText('churn-model-v2');
  await expect(app.experimentItem('churn-model-v2')).toBeVisible();

  await app.reload();
  await expect(page.getByTestId('experiment-name')).toHaveText('churn-model-v2');
  await expect(page.getByTestId('description').locator('h1')).toHaveText('Goals');

  await page.getByTestId('experiment-delete').click();
  await expect(app.experimentItem('churn-model-v2')).toHaveCount(0);
  await page.getByTestId('show-deleted-experiments').check();
  await expect(page).toHaveURL(/experiments=all/);
  await expect(app.experimentItem('churn-model-v2')).toHaveClass(/deleted/);
  await page.getByTestId('experiment-restore').click();
  await expect(page.getByTestId('experiment-delete')).toBeVisible();

  await app.reload();
  await expect(page.getByTestId('show-deleted-experiments')).toBeChecked();
  await expect(app.experimentItem('churn-model-v2')).not.toHaveClass(/deleted/);
});

test('a duplicate experiment name is refused with a message', async ({ page }) => {
  const app = new Labbook(page);
  await app.open();
  await app.createExperimentInUi('dup');
  await page.getByTestId('experiment-new').click();
  await page.getByTestId('experiment-name-input').first().fill('dup');
  await page.getByTestId('experiment-create').first().click();
  await expect(page.getByRole('alert')).toContainText('Experiment(name=dup) already exists.');
  await expect(app.experimentItem('dup')).toHaveCount(1);
});
