/**
 * The PyTorch parity cases of both golden sets on cpu and on webgpu (Dawn in Node), held to the
 * recorded baseline: a baseline case that stops passing fails; set 2's unlisted cases may fail.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { torch } from '../index';
import { hasWebgpu } from '../testing/gpu-requirements';
import { readBaseline, regressions } from './baseline';
import { loadGolden } from './load-golden';
import { runCases, type CaseResult } from './runner';
import { summarize } from './summary';

const baseline = readBaseline(JSON.parse(readFileSync(new URL('./baseline.json', import.meta.url), 'utf8')));
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
