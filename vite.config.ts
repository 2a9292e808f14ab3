import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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

/** The service worker's placeholder that the build replaces (public/sw.js). */
const SW_BUILD_PLACEHOLDER = "const BUILD = { version: 'dev', files: [] };";
/** Emitted files the service worker doesn't precache: host config, itself, source maps, and data it caches on use. */
const NOT_PRECACHED = /^(_headers|sw\.js|.*\.map|data\/.*|examples\/.*)$/;

/** Every file under `dir`, as `/`-separated paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/**
 * Writes the build's file list and a version into the service worker (public/sw.js), which
 * precaches them: the app works offline after the first visit, and on hosts that can't send the
 * COOP/COEP headers (the worker adds them). The version hashes every file, so a new build gets a new cache.
 */
function serviceWorkerManifest(): Plugin {
  let publicDir = '';
  return {
    name: 'wick-service-worker-manifest',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    // After the other plugins' generateBundle, which emit the Workers and the HTML pages.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const contents = new Map<string, string | Uint8Array>();
        for (const [fileName, output] of Object.entries(bundle)) {
          contents.set(fileName, output.type === 'chunk' ? output.code : output.source);
        }
        const publicFiles = publicDir ? filesUnder(publicDir) : [];
        for (const file of publicFiles) if (!contents.has(file)) contents.set(file, readFileSync(join(publicDir, file)));
        const files = [...contents.keys()].filter((file) => !NOT_PRECACHED.test(file)).sort();
        const hash = createHash('sha256');
        for (const file of files) hash.update(file).update('\0').update(contents.get(file)!).update('\0');
        const template = readFileSync(join(publicDir, 'sw.js'), 'utf8');
        if (!template.includes(SW_BUILD_PLACEHOLDER)) this.error(`public/sw.js lost its placeholder: ${SW_BUILD_PLACEHOLDER}`);
        const build = { version: hash.digest('hex').slice(0, 16), files };
        const source = template.replace(SW_BUILD_PLACEHOLDER, () => `const BUILD = ${JSON.stringify(build, null, 2)};`);
        this.emitFile({ type: 'asset', fileName: 'sw.js', source });
      },
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
  plugins: [react(), headersFile(), serviceWorkerManifest(), engineTypesOnChange()],
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
