/**
 * `npm run parity`: every golden case of both sets on cpu and (where Dawn finds an adapter) webgpu,
 * with the pass counts per set and device. `--verbose` lists the failures by set; `--update-baseline`
 * records what passes now, in both sets, as what must keep passing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { torch } from '../index';
import { nodeGpu } from '../testing/node-gpu';
import { baselineFrom, readBaseline, regressions } from './baseline';
import { loadGolden } from './load-golden';
import { runCases, type CaseResult } from './runner';
import { failures, summarize } from './summary';

const baselineFile = fileURLToPath(new URL('./baseline.json', import.meta.url));
const golden = loadGolden();
const results: CaseResult[] = [...(await runCases(golden.cases, 'cpu'))];
const gpu = await nodeGpu();
if (gpu && (await torch.init({ backend: 'webgpu', gpu })) === 'webgpu') {
  results.push(...(await runCases(golden.cases, 'webgpu')));
} else {
  console.log('parity webgpu: no adapter found, skipped');
}
if (process.argv.includes('--verbose')) console.log(failures(results));
console.log(summarize(results));
if (process.argv.includes('--update-baseline')) {
  writeFileSync(baselineFile, JSON.stringify(baselineFrom(results), null, 1) + '\n');
  console.log(`baseline written to engine/parity/baseline.json`);
} else {
  const lost = regressions(readBaseline(JSON.parse(readFileSync(baselineFile, 'utf8'))), results);
  for (const l of lost) console.log(`  REGRESSION ${l}`);
}
process.exit(0);
