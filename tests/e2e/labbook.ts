// A page object for labbook: opening the app on a fresh database and calling labbook.rest.
import { expect, type Page } from '@playwright/test';

export class Labbook {
  constructor(readonly page: Page) {}

  /** Opens the app at `hash` (e.g. '#/experiments/1') and waits until it is mounted. */
  async open(hash = '') {
    await this.page.goto(`./${hash}`);
    await expect(this.page.getByTestId('experiment-list')).toBeVisible();
    await this.page.waitForFunction(() => typeof (window as any).labbook?.rest === 'function');
  }

  /** Reloads and waits for the app again. */
  async reload() {
    await this.page.reload();
    await expect(this.page.getByTestId('experiment-list')).toBeVisible();
  }

  /** Calls the in-page MLflow REST API; resolves with the answer or the error object. */
  rest(method: string, path: string, body?: unknown): Promise<any> {
    return this.page.evaluate(
      async ([m, p, b]) => {
        try {
          return { ok: await (window as any).labbook.rest(m, p, b) };
        } catch (error) {
          return { error };
        }
      },
      [method, path, body] as const,
    );
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.rest(method, path, body);
    expect(answer.error, `${method} ${path}`).toBeUndefined();
    return answer.ok;
  }

  /** Waits for the import report and checks, exactly, the counts given for one kind. */
  async expectReported(
    kind: 'experiments' | 'runs' | 'registered-models' | 'model-versions' | 'logged-models',
    counts: { added?: number; updated?: number; unchanged?: number },
  ) {
    const row = this.page.locator(`[data-testid="report-row"][data-kind="${kind}"]`);
    await expect(row).toBeVisible();
    for (const [name, n] of Object.entries(counts)) {
      await expect(row.getByTestId(`report-${name}`), `${kind} ${name}`).toHaveText(String(n));
    }
  }

  experimentItem(name: string) {
    return this.page.getByTestId('experiment-item').filter({ hasText: name });
  }

  runRow(runId: string) {
    return this.page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  }

  async createExperimentInUi(name: string) {
    await this.page.getByTestId('experiment-new').click();
    await this.page.getByTestId('experiment-name-input').first().fill(name);
    await this.page.getByTestId('experiment-create').first().click();
    await expect(this.page.getByTestId('experiment-name')).toHaveText(name);
  }
}
