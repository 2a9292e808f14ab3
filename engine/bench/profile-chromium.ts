/**
 * `npm run bench:chromium`: the profiler's overhead (profile-bench.ts) measured in Chromium, the
 * WebGPU the notebook runs on, where timestamps can be written inside shared passes
 * (chromium-experimental-timestamp-query-inside-passes) instead of a pass per kernel as Dawn in
 * Node must. Bundles profile-page.ts, serves it from 127.0.0.1 (WebGPU needs a secure context;
 * cross-origin isolated for fine timers), runs it in headless Chromium and writes
 * RESULTS-chromium.md. The browser: $CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own.
 *
 *   --shapes 16x16,64x64     the loop's tensor shapes (default 16x16, 64x64 and 256x256: the smaller,
 *                            the less a software adapter's own work dilutes the overhead)
 *   --out FILE               write the results elsewhere
 *   --build DIR              only write the page (index.html, bench.js) to DIR, for a machine
 *                            without Node: profile_chromium_host.py serves and runs it there
 *   --from FILE              write the results from what that host saved (its result.json)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { markdownTable, parseShapes } from './harness';
import type { PageResult, PostedResult } from './profile-page';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = flag('--out') ?? fileURLToPath(new URL('./RESULTS-chromium.md', import.meta.url));
const page = '<!doctype html><meta charset="utf-8"><title>Wick profiler benchmark</title><script type="module" src="/bench.js"></script>';

async function pageScript(): Promise<string> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./profile-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return bundle.outputFiles[0].text;
}

/** Runs the page in headless Chromium here, through Playwright. */
async function runHere(shapes: number[][]): Promise<{ browser: string; result: PageResult }> {
  const script = await pageScript();
  const server = createServer((req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    const js = req.url === '/bench.js';
    res.setHeader('Content-Type', js ? 'text/javascript' : 'text/html');
    res.end(js ? script : page);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({ executablePath, args: ['--enable-unsafe-webgpu'] });
  try {
    const tab = await browser.newPage();
    tab.on('console', (m) => console.log(`page: ${m.text()}`));
    await tab.goto(url);
    await tab.waitForFunction(() => 'runProfilerBench' in globalThis);
    const result = await tab.evaluate((s) => (globalThis as unknown as { runProfilerBench(s: number[][]): Promise<PageResult> }).runProfilerBench(s), shapes);
    return { browser: `Chromium ${browser.version()}, headless, \`--enable-unsafe-webgpu\``, result };
  } finally {
    await browser.close();
    server.close();
  }
}

/** What profile_chromium_host.py saved: the page's post, the flags it ran Chromium with, the machine. */
function fromHost(file: string): { browser: string; result: PageResult; machine: string } {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { posted: PostedResult; flags: string[]; browser: string; machine: string };
  if (!saved.posted.ok) throw new Error(`the page failed on that machine: ${saved.posted.error}`);
  return { browser: `${saved.browser}, headless, \`${saved.flags.join(' ')}\``, result: saved.posted.result, machine: saved.machine };
}

function writeResults(run: { browser: string; result: PageResult; machine?: string }, command: string): void {
  const { result } = run;
  for (const r of result.rows) console.log(`${r.name}: ${r.value}  ${r.note ?? ''}`);
  const software = /swiftshader|llvmpipe|lavapipe/i.test(result.adapter);
  writeFileSync(
    out,
    `# Profiler overhead in Chromium

- date: ${new Date().toISOString()}
- browser: ${run.browser}
- adapter: ${result.adapter}; timestamps: ${result.placements}${run.machine ? `\n- machine: ${run.machine}` : ''}
- command: ${command}

${markdownTable(result.rows)}

The same 200-op loop as RESULTS.md's profile rows (\`engine/bench/profile-bench.ts\`), run in a page
of the browser the notebook runs in, plain and under \`torch.profile\` in alternating pairs. With
timestamps inside passes, profiled kernels share passes as plain ones do and each adds one
timestamp write; at pass boundaries each profiled kernel gets a pass of its own (what Dawn in Node,
and so RESULTS.md's H100 rows, must do). "CPU per op" is the time to record the loop's ops (the
median of the pairs' recording times).${
      software
        ? ` On a software adapter (SwiftShader, where no GPU is) the
kernels run on the same CPU cores as the page, so the loop's wall time is mostly theirs and its
overhead percentages carry their noise; the recording time per op is the profiler's own cost.`
        : ''
    }
`,
  );
  console.log(`written ${out}`);
}

const buildDir = flag('--build');
const savedFile = flag('--from');
if (buildDir) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, 'bench.js'), await pageScript());
  writeFileSync(join(buildDir, 'index.html'), page);
  console.log(`page written to ${buildDir}: serve and run it with engine/bench/profile_chromium_host.py`);
} else if (savedFile) {
  writeResults(fromHost(savedFile), '`python3 engine/bench/profile_chromium_host.py` on that machine, then `npm run bench:chromium -- --from result.json`');
} else {
  const shapes = parseShapes(flag('--shapes') ?? '16x16,64x64,256x256');
  writeResults(await runHere(shapes), `\`npm run bench:chromium${args.length ? ` -- ${args.join(' ')}` : ''}\``);
}
