/**
 * `npm run bench`: Wick against TensorFlow.js (WebGPU) and jax-js on the device Dawn finds (the
 * H100 through Vulkan on the GPU machine; SwiftShader elsewhere, where numbers only show the
 * benchmark runs), with PyTorch's numbers read from `--pytorch FILE` (pytorch_reference.py's
 * JSON). Writes RESULTS.md with the date, device and command, keeping its hand-written sections
 * (from `## The targets across runs` on: the analysis, and figures moved out of code comments).
 *
 *   --quick            small sizes (a smoke run)
 *   --out FILE         write the results elsewhere
 *   --pytorch FILE     PyTorch's times for the same cases
 *   --cases-json       print the case list (for pytorch_reference.py) and exit, no GPU needed
 *   WICK_BENCH_ONLY=wick,tfjs,jax,compile,profile,soak   run only those groups
 *   WICK_BENCH_CASES=psg-,mlp-step   run only the shared cases whose ids start so (and list only those in --cases-json)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { torch } from '../index';
import { webgpuAdapterInfo } from '../init';
import { nodeGpu } from '../testing/node-gpu';
import type { Row } from './harness';
import { cases, sizes, type SideResult } from './cases';
import { compiledVersusEager, soak, wickCases } from './wick-bench';
import { PROFILE_SHAPES, profilerOverhead } from './profile-bench';
import { exposeNavigator } from './peers/env';
import { checkRows, handWrittenPart, peerTable, renderDoc, type Side, type Sides } from './report';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const s = sizes(quick);
const list = cases(s);
if (args.includes('--cases-json')) {
  console.log(JSON.stringify({ sizes: s, cases: list }, null, 1));
  process.exit(0);
}

const gpu = await nodeGpu();
const device = gpu && (await torch.init({ backend: 'webgpu', gpu })) === 'webgpu' ? 'webgpu' : 'cpu';
const adapter = webgpuAdapterInfo() ?? 'CPU backend';
console.log(`bench on ${device} (${adapter})${quick ? ', quick sizes' : ''}`);
const only = process.env.WICK_BENCH_ONLY?.split(',');
const wanted = (group: string) => !only || only.includes(group);
const skipped = (name: string, why: string): Side => ({ name, info: '', result: null, missing: why });

const wickRows: Row[] = [];
const add = (rs: Row[]) => {
  for (const r of rs) console.log(`${r.group.padEnd(9)} ${r.name.padEnd(42)} ${r.value}  ${r.note ?? ''}`);
  wickRows.push(...rs);
};
const logSide = (name: string, r: SideResult) => {
  for (const c of list)
    if (r.ms[c.id] !== undefined || r.notes[c.id])
      console.log(`${name.padEnd(8)} ${c.id.padEnd(24)} ${r.ms[c.id]?.toFixed(4) ?? '—'} ms ${r.notes[c.id] ?? ''}`);
};

/** One peer, timed after Wick in this process; a peer that fails to start is reported, not fatal. */
async function peer(name: string, group: string, load: () => Promise<SideResult & { info: string }>): Promise<Side> {
  if (!wanted(group)) return skipped(name, 'not asked for');
  if (!gpu || device !== 'webgpu') return skipped(name, 'no WebGPU adapter');
  try {
    const started = performance.now();
    const r = await load();
    logSide(name, r);
    console.log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { name, info: r.info, result: r };
  } catch (e) {
    console.warn(`${name} failed:`, e);
    return skipped(
      name,
      `failed: ${String((e as Error)?.message ?? e)
        .split('\n')[0]
        .slice(0, 80)}`,
    );
  }
}

function pytorchSide(): Side {
  const file = flag('--pytorch');
  if (!file) return skipped('PyTorch', 'no --pytorch file');
  const j = JSON.parse(readFileSync(file, 'utf8')) as { device: string; torch: string; ms?: Record<string, number>; notes?: Record<string, string> };
  return {
    name: 'PyTorch',
    info: `PyTorch ${j.torch} on ${j.device}, same machine, own process`,
    result: { ms: j.ms ?? {}, notes: j.notes ?? {}, checks: {} },
  };
}

let wick: Side = skipped('Wick', 'not asked for');
if (wanted('wick')) {
  const started = performance.now();
  const r = await wickCases(device, s);
  logSide('Wick', r);
  if (r.rows) add(r.rows); // ---- per-sample gradients (#24): the kernel counts ----
  console.log(`Wick: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  wick = { name: 'Wick', info: `Wick (this repository) on ${device}`, result: r };
}
if (wanted('compile')) add(await compiledVersusEager(device, quick ? 64 : 4096));
if (wanted('profile')) add(await profilerOverhead(device, quick ? PROFILE_SHAPES.slice(0, 1) : PROFILE_SHAPES));
if (gpu) exposeNavigator(gpu);
const tfjs = await peer('TF.js', 'tfjs', async () => (await import('./peers/tfjs')).tfjsCases(s));
const jax = await peer('jax-js', 'jax', async () => (await import('./peers/jax')).jaxCases(s));
if (wanted('soak')) add(await soak(device, quick ? 300 : 10_000));
const sides: Sides = { wick, tfjs, jax, pytorch: pytorchSide() };

console.log(`\n${peerTable(list, sides)}\n`);
const checks = checkRows(sides);
console.log(`checksums: ${checks.ok ? 'all agree' : 'DISAGREE'}: ${checks.text}`);
const out = flag('--out') ?? fileURLToPath(new URL('./RESULTS.md', import.meta.url));
// The command as run (the bundle or tsx), file arguments by their names only.
const runner = process.env.WICK_BENCH_BUNDLE ? 'node --expose-gc bench.mjs' : 'npm run bench --';
const command = `${runner} ${args.map((a) => (a.includes('/') ? basename(a) : a)).join(' ')}`.trim();
const handWritten = existsSync(out) ? handWrittenPart(readFileSync(out, 'utf8')) : '';
writeFileSync(
  out,
  renderDoc({ date: new Date().toISOString(), device: `${device} (${adapter})`, command, quick, runsPerWait: s.runsPerWait, cases: list, sides, wickRows }) +
    handWritten,
);
console.log(`written ${out}`);
process.exit(checks.ok ? 0 : 1);
