// End-to-end tests: the release build in dist/, served from a sub-folder (/labbook/) by a
// plain static server, driven in Debian's headless Chromium.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 8791);

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/labbook/`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `bash scripts/serve-dist-subfolder.sh ${port}`,
    url: `http://127.0.0.1:${port}/labbook/index.html`,
    reuseExistingServer: false,
    // The static server logs every request; failures show as a failed start or failed tests.
    stdout: 'ignore',
    stderr: 'ignore',
    timeout: 30_000,
  },
});
