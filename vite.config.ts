import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { apiReferenceFiles, reportLine } from './scripts/api-reference.js';

// Cross-origin isolation (SharedArrayBuffer, precise timers) for every way the app is served.
const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The app's Content Security Policy. Notebooks come from files and links, so the page must never
 * run script that did not ship with the build: scripts, workers, fetches and fonts from the app's
 * own origin only; no plugins, no <base>, no form posts. Each source beyond 'self' is needed:
 * - style-src 'unsafe-inline': Monaco injects <style> elements, KaTeX's HTML carries style="…".
 *   (Styles cannot run script; DOMPurify still strips <style> from markdown.)
 * - img-src data:, font-src data:: Monaco's and KaTeX's CSS inline small images and fonts.
 * - connect-src https:: `?open=<url>` fetches a notebook from the URL the user sees in the address;
 *   data: blob:: `torch.load` and the `files` readers in a cell take data: URLs and object URLs
 *   (fetches of bytes already in the browser: nothing leaves it).
 * The page itself evaluates nothing: no 'unsafe-eval' here. Cells run in the kernel Worker, which
 * evaluates them (workers/cell-runner.ts); a Worker's policy comes from its script's own response
 * headers, so the header form (CSP_HEADER) adds 'unsafe-eval' for the Workers, while the page also
 * carries the <meta> policy (CSP_META) without it: a page under both gets the stricter.
 */
const CSP_DIRECTIVES: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'connect-src': "'self' https: data: blob:",
  'worker-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
};

function policy(directives: Record<string, string>): string {
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** For index.html's <meta> (frame-ancestors is ignored there). */
const CSP_META = policy(CSP_DIRECTIVES);

/** As a response header, which also governs the Workers' scripts (cells are evaluated in the kernel Worker). */
const CSP_HEADER = policy({
  ...CSP_DIRECTIVES,
  'script-src': `${CSP_DIRECTIVES['script-src']} 'unsafe-eval'`,
  'frame-ancestors': "'none'",
});

/**
 * Writes the policy into the built index.html as a <meta>, so it holds on any host. Build only:
 * Vite's dev client needs inline scripts. Only the app page: parity.html evaluates its test cases.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'wick-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (!/(^|\/)index\.html$/.test(context.path)) return html;
        // Right after <meta charset>, before any script or stylesheet.
        const meta = `<meta http-equiv="Content-Security-Policy" content="${CSP_META}" />`;
        if (!/<meta charset[^>]*>/i.test(html)) throw new Error('index.html has no <meta charset> to put the policy after');
        return html.replace(/<meta charset[^>]*>/i, (charset) => `${charset}\n    ${meta}`);
      },
    },
  };
}

/** The build can't send headers itself: it writes a `_headers` file that static hosts such as Netlify and Cloudflare Pages serve with. */
function headersFile(): Plugin {
  const headers = { ...CROSS_ORIGIN_ISOLATION, 'Content-Security-Policy': CSP_HEADER };
  const lines = Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);
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
/** …and its Content Security Policy for the pages it serves. */
const SW_CSP_PLACEHOLDER = 'const CONTENT_SECURITY_POLICY = null;';
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
        for (const placeholder of [SW_BUILD_PLACEHOLDER, SW_CSP_PLACEHOLDER]) {
          if (!template.includes(placeholder)) this.error(`public/sw.js lost its placeholder: ${placeholder}`);
        }
        const build = { version: hash.digest('hex').slice(0, 16), files };
        const source = template
          .replace(SW_BUILD_PLACEHOLDER, () => `const BUILD = ${JSON.stringify(build, null, 2)};`)
          .replace(SW_CSP_PLACEHOLDER, () => `const CONTENT_SECURITY_POLICY = ${JSON.stringify(CSP_HEADER)};`);
        this.emitFile({ type: 'asset', fileName: 'sw.js', source });
      },
    },
  };
}

/** In dev, regenerates the engine's types for IntelliSense (scripts/engine-dts.mjs) when engine/ or the cell's built-ins change. */
function engineTypesOnChange(): Plugin {
  return {
    name: 'wick-engine-types',
    apply: 'serve',
    configureServer(server) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      server.watcher.on('change', (file) => {
        if (!/[\\/]engine[\\/]|[\\/]workers[\\/]cell-builtins\.ts$/.test(file) || file.endsWith('.test.ts')) return;
        clearTimeout(timer);
        timer = setTimeout(() => spawn(process.execPath, ['scripts/engine-dts.mjs'], { stdio: 'inherit' }), 500);
      });
    },
  };
}

/**
 * The API reference page (scripts/api-reference.ts), generated from the engine's types: the build
 * emits it as `api/index.html` and `api/search.js` (before the service worker's manifest is made,
 * so it is precached and works offline); the dev server generates it on request, again after
 * engine/ or the cell's built-ins change.
 */
function apiReference(): Plugin {
  let root = '';
  return {
    name: 'wick-api-reference',
    configResolved(config) {
      root = config.root;
    },
    generateBundle() {
      const result = apiReferenceFiles(root);
      this.info(reportLine(result, { names: false }));
      for (const [name, source] of Object.entries(result.files)) this.emitFile({ type: 'asset', fileName: `api/${name}`, source });
    },
    configureServer(server) {
      let files: Record<string, string> | null = null;
      server.watcher.on('change', (file) => {
        if (/[\\/]engine[\\/]|[\\/]workers[\\/]cell-builtins\.ts$/.test(file)) files = null;
      });
      const base = server.config.base;
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        const name = path === `${base}api/` ? 'index.html' : path.startsWith(`${base}api/`) ? path.slice(base.length + 4) : '';
        if (name !== 'index.html' && name !== 'search.js') return next();
        files ??= apiReferenceFiles(root).files;
        res.setHeader('Content-Type', name === 'search.js' ? 'text/javascript' : 'text/html; charset=utf-8');
        res.end(files[name]);
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicyMeta(), headersFile(), apiReference(), serviceWorkerManifest(), engineTypesOnChange()],
  server: { headers: CROSS_ORIGIN_ISOLATION },
  // The preview serves the build as a host with the `_headers` file would (the e2e tests use it).
  preview: { headers: { ...CROSS_ORIGIN_ISOLATION, 'Content-Security-Policy': CSP_HEADER } },
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
      // The parity page runs the engine in the page itself: keep class names there too (print(model)).
      output: { keepNames: true },
    },
  },
});
