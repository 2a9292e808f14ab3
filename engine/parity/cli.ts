/** `npm run parity`: every golden case on cpu and (where Dawn finds an adapter) webgpu. */
import { torch } from '../index';
import { nodeGpu } from '../testing/node-gpu';
import { loadGolden } from './load-golden';
import { runCases, summarize, type CaseResult } from './runner';

const golden = loadGolden();
const results: CaseResult[] = [];
results.push(...(await runCases(golden.cases, 'cpu')));
const gpu = await nodeGpu();
if (gpu && (await torch.init({ backend: 'webgpu', gpu })) === 'webgpu') {
  results.push(...(await runCases(golden.cases, 'webgpu')));
} else {
  console.log('parity webgpu: no adapter found, skipped');
}
const verbose = process.argv.includes('--verbose');
for (const r of results) if (verbose && r.error) console.log(`  FAIL ${r.device} ${r.id}: ${r.error}`);
console.log(summarize(results));
process.exit(0);
