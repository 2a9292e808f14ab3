import { spawn } from 'node:child_process';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// Cross-origin isolation (SharedArrayBuffer, precise timers) for every way the app is served.
const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The build can't send headers itself: it writes a `_headers` file that static hosts such as Netlify and Cloudflare Pages serve with. */
function headersFile(): Plugin {
  const lines = Object.entries(CROSS_ORIGIN_ISOLATION).map(([name, value]) => `  ${name}: ${value}`);
  return {
    name: 'wick-headers-file',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: `/*\n${lines.join('\n')}\n` });
    },
  };
}

/** In dev, regenerates the engine's types for IntelliSense (scripts/engine-dts.mjs) when engine/ changes. */
function engineTypesOnChange(): Plugin {
  return {
    name: 'wick-engine-types',
    apply: 'serve',
    configureServer(server) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      server.watcher.on('change', (file) => {
        if (!/[\\/]engine[\\/]/.test(file) || file.endsWith('.test.ts')) return;
        clearTimeout(timer);
        timer = setTimeout(() => spawn(process.execPath, ['scripts/engine-dts.mjs'], { stdio: 'inherit' }), 500);
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), headersFile(), engineTypesOnChange()],
  server: { headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
  // The engine names modules by their class (PyTorch's print(model), module trees): keep class
  // names through minification in the Worker, where the engine runs.
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  // Scan the kernel Worker too, so the dev server pre-bundles its dependencies before the first
  // page load instead of re-bundling (and reloading the page) when the Worker starts.
  optimizeDeps: { entries: ['index.html', 'workers/kernel.worker.ts'] },
  build: {
    target: 'es2022',
    // Monaco and its TypeScript worker are large by nature; they load lazily.
    chunkSizeWarningLimit: 8000,
    rolldownOptions: {
      // The notebook, and the engine's PyTorch parity cases run in the visitor's browser
      // (a diagnostic page, and what e2e/parity.spec.ts drives).
      input: { app: 'index.html', parity: 'parity.html' },
      // Monaco's many modules make plugin time dominate every build; the report says nothing new.
      checks: { bundlerTimings: false },
    },
  },
});
