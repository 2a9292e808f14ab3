/**
 * `npm run parity`: every golden case on cpu and (where Dawn finds an adapter) webgpu, with the
 * pass count per device. `--update-baseline` records what passes now as what must keep passing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { torch } from '../index';
import { nodeGpu } from '../testing/node-gpu';
import { baselineFrom, regressions, type Baseline } from './baseline';
import { loadGolden } from './load-golden';
import { runCases, summarize, type CaseResult } from './runner';

const baselineFile = fileURLToPath(new URL('./baseline.json', import.meta.url));
const golden = loadGolden();
const results: CaseResult[] = [...(await runCases(golden.cases, 'cpu'))];
const gpu = await nodeGpu();
if (gpu && (await torch.init({ backend: 'webgpu', gpu })) === 'webgpu') {
  results.push(...(await runCases(golden.cases, 'webgpu')));
} else {
  console.log('parity webgpu: no adapter found, skipped');
}
for (const r of results) if (r.error && process.argv.includes('--verbose')) console.log(`  FAIL ${r.device} ${r.id}: ${r.error}`);
console.log(summarize(results));
if (process.argv.includes('--update-baseline')) {
  writeFileSync(baselineFile, JSON.stringify(baselineFrom(results), null, 1) + '\n');
  console.log(`baseline written to engine/parity/baseline.json`);
} else {
  const lost = regressions(JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline, results);
  for (const l of lost) console.log(`  REGRESSION ${l}`);
}
process.exit(0);
