/**
 * `npm run parity`: every golden case of both sets on cpu and (where Dawn finds an adapter) webgpu,
 * with the pass counts per set and device. `--verbose` lists the failures by set; `--update-baseline`
 * records what passes now, in both sets, as what must keep passing. `--only PREFIX` runs the cases
 * whose id starts with PREFIX (e.g. `--only func/`), listing each one.
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
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : null;
const golden = loadGolden();
if (only) golden.cases = golden.cases.filter((c) => c.id.startsWith(only));
const results: CaseResult[] = [...(await runCases(golden.cases, 'cpu'))];
const gpu = await nodeGpu();
if (gpu && (await torch.init({ backend: 'webgpu', gpu })) === 'webgpu') {
  results.push(...(await runCases(golden.cases, 'webgpu')));
} else {
  console.log('parity webgpu: no adapter found, skipped');
}
if (process.argv.includes('--verbose')) console.log(failures(results));
if (only) for (const r of results) console.log(`${r.forward && r.grads !== false ? 'pass' : 'FAIL'} ${r.device} ${r.id}${r.error ? `: ${r.error}` : ''}`);
console.log(summarize(results));
if (process.argv.includes('--update-baseline') && !only) {
  writeFileSync(baselineFile, JSON.stringify(baselineFrom(results), null, 1) + '\n');
  console.log(`baseline written to engine/parity/baseline.json`);
} else if (!only) {
  const lost = regressions(readBaseline(JSON.parse(readFileSync(baselineFile, 'utf8'))), results);
  for (const l of lost) console.log(`  REGRESSION ${l}`);
}
process.exit(0);
