import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/** WICK_E2E_PORT and WICK_E2E_DIST let two runs on one machine keep apart (each its own server and build). */
const PORT = Number(process.env.WICK_E2E_PORT ?? 5174);
const DIST = process.env.WICK_E2E_DIST ?? 'dist';
const BASE_URL = `http://127.0.0.1:${PORT}`;

/** $CHROMIUM_PATH, else the system Chromium, else Playwright's own download. */
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/**
 * WebGPU in headless Chromium (checked with Chromium 156 on Linux without a GPU):
 * - `--enable-unsafe-webgpu` is the one flag needed: without it `requestAdapter()` resolves to
 *   null on Linux. With no GPU, Chromium then picks its bundled SwiftShader (Vulkan on the CPU)
 *   and gives an adapter in the page and in Workers; `--use-webgpu-adapter=swiftshader`,
 *   `--enable-features=Vulkan` and `--use-angle=swiftshader` changed nothing there.
 * - The page must be a secure context, so it is served from 127.0.0.1 (a `data:` URL gets none).
 */
const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // On CI one retry, so a test that fails once on a loaded machine and then passes is reported as
  // flaky (in the list output) rather than failing the run; a real failure fails both times.
  retries: process.env.CI ? 1 : 0,
  // SwiftShader runs WebGPU on the CPU: slow, so the limits are generous.
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    // The built app registers a service worker (offline use, COOP/COEP on header-less hosts).
    // Requests it serves bypass page.route, so tests that fake responses block it;
    // e2e/offline.spec.ts allows it.
    serviceWorkers: 'block',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions: { executablePath, args: WEBGPU_ARGS } },
    },
  ],
  // A fresh production build, served with the same cross-origin isolation headers as the dev
  // server: what users get, and faster and steadier under test than the dev server.
  webServer: {
    command: `node scripts/engine-dts.mjs && npx vite build --logLevel warn --outDir ${DIST} && npx vite preview --outDir ${DIST} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
