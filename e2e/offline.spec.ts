// The build from a host that sends no COOP/COEP headers (scripts/static-server.mjs serving dist/,
// which the config's webServer builds): the service worker makes the page cross-origin isolated,
// and after that first visit the app loads, starts its kernel and runs a cell with no network.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

// The config blocks service workers for every other test; this one is about the service worker.
test.use({ serviceWorkers: 'allow' });

const PORT = Number(process.env.WICK_E2E_PORT ?? 5174) + 6;
const ORIGIN = `http://127.0.0.1:${PORT}`;

/** Starts the header-less static server on dist/ and resolves once it listens. */
async function startStaticServer(): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('../scripts/static-server.mjs', import.meta.url));
  const dist = fileURLToPath(new URL(`../${process.env.WICK_E2E_DIST ?? 'dist'}`, import.meta.url));
  const server = spawn(process.execPath, [script, dist, String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('exit', (code) => reject(new Error(`static server exited with ${code}`)));
    server.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Serving')) resolve();
    });
  });
  return server;
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill();
  await exited;
}

async function isolated(page: Page): Promise<boolean> {
  return page.evaluate(() => globalThis.crossOriginIsolated);
}

test('from a host without COOP/COEP the service worker isolates the page, and the app then works offline', async ({ page, context }) => {
  // Three page loads, each starting the kernel on WebGPU (SwiftShader without a GPU: slow).
  test.setTimeout(240_000);
  const server = await startStaticServer();
  try {
    const notebook = new NotebookPage(page);
    const first = await page.goto(`${ORIGIN}/?new`);
    expect(first?.headers()['cross-origin-embedder-policy']).toBeUndefined();
    expect(first?.headers()['cross-origin-opener-policy']).toBeUndefined();

    // The service worker installs (precaching the build), takes control, and the page reloads once.
    await expect(async () => expect(await isolated(page)).toBe(true)).toPass({ timeout: 60_000 });
    await expect(notebook.kernelStatus).toContainText('idle');
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');

    // No network at all: the browser is offline and the server is gone.
    await context.setOffline(true);
    await stop(server);
    await page.reload();

    await expect(notebook.kernelStatus).toContainText('idle');
    expect(await isolated(page)).toBe(true);
    const cell = await notebook.addCodeCellAtEnd();
    await cell.setSource('torch.tensor([1.5, 2, 3]).mul(2)');
    await cell.runWithKeyboard();
    await cell.expectStatus('done');
    expect(await cell.tensorValues()).toEqual([3, 4, 6]);
  } finally {
    await context.setOffline(false);
    await stop(server);
  }
});
