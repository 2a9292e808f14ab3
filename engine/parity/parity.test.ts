/** The PyTorch parity cases on cpu and on webgpu (Dawn in Node), held to the recorded baseline. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { torch } from '../index';
import { hasWebgpu } from '../testing/gpu-requirements';
import { regressions, type Baseline } from './baseline';
import { loadGolden } from './load-golden';
import { runCases, summarize, type CaseResult } from './runner';

const baseline = JSON.parse(readFileSync(new URL('./baseline.json', import.meta.url), 'utf8')) as Baseline;
const golden = loadGolden();
const all: CaseResult[] = [];
// Opens the webgpu device (the default device from then on) where there is one.
const noWebgpu = !(await hasWebgpu());

afterAll(() => {
  console.log(summarize(all));
});

describe('PyTorch parity', () => {
  it('cpu keeps every baseline case passing', async () => {
    // Cases that make tensors without naming a device get the default device.
    expect(await torch.init({ backend: 'cpu' })).toBe('cpu');
    const results = await runCases(golden.cases, 'cpu');
    all.push(...results);
    expect(regressions(baseline, results)).toEqual([]);
  }, 120_000);

  it.skipIf(noWebgpu)(
    'webgpu keeps every baseline case passing',
    async () => {
      expect(await torch.init({ backend: 'webgpu' })).toBe('webgpu');
      const results = await runCases(golden.cases, 'webgpu');
      all.push(...results);
      expect(regressions(baseline, results)).toEqual([]);
    },
    300_000,
  );
});
