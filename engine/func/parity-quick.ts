import { loadGolden } from '../parity/load-golden';
import { runCases } from '../parity/runner';
import { torch } from '../index';
import { nodeGpu } from '../testing/node-gpu';
const filter = process.argv[2] ?? 'func/';
const device = (process.argv[3] ?? 'cpu') as 'cpu' | 'webgpu';
if (device === 'webgpu') {
  const gpu = await nodeGpu();
  await torch.init({ backend: 'webgpu', gpu: gpu ?? undefined });
}
const { cases } = loadGolden();
const sel = cases.filter((c) => c.id.startsWith(filter));
const res = await runCases(sel, device);
for (const r of res) console.log(r.forward ? 'ok  ' : 'FAIL', r.grads === null ? '   ' : r.grads ? 'g+ ' : 'g- ', r.id, r.error ?? '');
