/** The PyTorch parity cases on cpu and on webgpu (Dawn in Node), held to the recorded baseline. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { torch } from '../index';
import { nodeGpu } from '../testing/node-gpu';
import { regressions, type Baseline } from './baseline';
import { loadGolden } from './load-golden';
import { runCases, summarize, type CaseResult } from './runner';

const baseline = JSON.parse(readFileSync(new URL('./baseline.json', import.meta.url), 'utf8')) as Baseline;
const golden = loadGolden();
const all: CaseResult[] = [];

afterAll(() => {
  console.log(summarize(all));
});

describe('PyTorch parity', () => {
  it('cpu keeps every baseline case passing', async () => {
    const results = await runCases(golden.cases, 'cpu');
    all.push(...results);
    expect(regressions(baseline, results)).toEqual([]);
  }, 120_000);

  it('webgpu keeps every baseline case passing', async () => {
    const gpu = await nodeGpu();
    if (process.env.CI && !gpu) throw new Error('CI must run the webgpu parity cases, but Dawn found no adapter');
    if (!gpu) return console.log('parity webgpu: no adapter found, skipped');
    expect(await torch.init({ backend: 'webgpu', gpu })).toBe('webgpu');
    const results = await runCases(golden.cases, 'webgpu');
    all.push(...results);
    expect(regressions(baseline, results)).toEqual([]);
  }, 300_000);
});
