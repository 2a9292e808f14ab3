/**
 * `npm run bench`: Wick's benchmarks on the device Dawn finds (the H100 through Vulkan on the GPU
 * machine; SwiftShader elsewhere, where numbers only show the benchmark runs). Writes RESULTS.md
 * with the date, device and command. `--quick` uses small sizes; `--out FILE` writes elsewhere.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { torch } from '../index';
import { webgpuAdapterInfo } from '../init';
import { nodeGpu } from '../testing/node-gpu';
import { markdownTable, type Row } from './harness';
import { compiledVersusEager, dispatchCost, matmulRates, mlpStep, soak } from './wick-bench';
import { profilerOverhead } from './profile-bench';

const quick = process.argv.includes('--quick');
const gpu = await nodeGpu();
const device = gpu && (await torch.init({ backend: 'webgpu', gpu })) === 'webgpu' ? 'webgpu' : 'cpu';
const adapter = webgpuAdapterInfo() ?? 'CPU backend';
console.log(`bench on ${device} (${adapter})${quick ? ', quick sizes' : ''}`);
const rows: Row[] = [];
const add = (rs: Row[]) => {
  for (const r of rs) console.log(`${r.group.padEnd(9)} ${r.name.padEnd(42)} ${r.value}  ${r.note ?? ''}`);
  rows.push(...rs);
};
// WICK_BENCH_ONLY=profile,dispatch runs only those groups (for experiments on the GPU machine).
const only = process.env.WICK_BENCH_ONLY?.split(',');
const wanted = (group: string) => !only || only.includes(group);
if (wanted('dispatch')) add(await dispatchCost(device));
if (wanted('profile')) add(await profilerOverhead(device));
if (wanted('compile')) add(await compiledVersusEager(device, quick ? 64 : 4096));
if (wanted('matmul')) add(await matmulRates(device, quick ? [128, 256] : [256, 1024, 2048, 4096]));
if (wanted('train')) add(await mlpStep(device, quick ? 32 : 512));
if (wanted('soak')) add(await soak(device, quick ? 300 : 10_000));
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? process.argv[outFlag + 1] : fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const doc = `# Benchmark results

- date: ${new Date().toISOString()}
- device: ${device} (${adapter})
- command: \`npm run bench${quick ? ' -- --quick' : ''}\`

${markdownTable(rows)}

Peers (TensorFlow.js WebGPU, jax-js) and PyTorch references are not measured yet; see the
performance issue. Numbers from a software adapter (SwiftShader) say nothing about speed.
`;
writeFileSync(out, doc);
console.log(`written ${out}`);
process.exit(0);
