/** The parity machinery itself: how set 2's cases fail, the baseline's formats, the summary lines. */
import { describe, expect, it } from 'vitest';
import { testDevices } from '../testing/devices';
import { baselineFrom, readBaseline, regressions } from './baseline';
import type { GoldenCase, GoldenTensor } from './golden';
import { runCase, type CaseResult } from './runner';
import { summarize } from './summary';

const devices = await testDevices();
const x: GoldenTensor = { shape: [2], dtype: 'float32', data: [1, 'NaN'], requiresGrad: true };
const golden = (id: string, code: string, expect: GoldenCase['expect']): GoldenCase => ({ id, code, inputs: { x }, expect, set: 'parity-2' });

describe.each(devices)('parity runner on %s', (device) => {
  it('reads non-finite inputs and checks values and gradients', async () => {
    const c = { ...golden('ops/mul', 'return x.mul(2);', { shape: [2], dtype: 'float32', data: [2, 'NaN'] } as GoldenTensor) };
    c.gradOut = { shape: [2], dtype: 'float32', data: [1, 3] };
    c.grads = { x: { shape: [2], dtype: 'float32', data: [2, 6] } };
    expect(await runCase(c, device)).toEqual({ id: 'ops/mul', set: 'parity-2', device, forward: true, grads: true });
  });

  it('fails a case that uses a missing API with its error, without throwing', async () => {
    const r = await runCase(golden('autograd/missing', 'return (torch as any).notAnApi.grad(x);', { value: 1 }), device);
    expect(r).toMatchObject({ forward: false, grads: null });
    expect(r.error).toMatch(/reading 'grad'/);
  });

  it("passes an expected 'error' only when the engine threw its own error", async () => {
    const tryIt = (call: string) => `try {\n  ${call};\n  return 'no error';\n} catch (e) {\n  return 'error';\n}`;
    const engineError = await runCase(golden('ops/err', tryIt('x.reshape([3])'), { value: 'error' }), device);
    expect(engineError).toMatchObject({ forward: true });
    const missingApi = await runCase(golden('inplace/err', tryIt('(x as any).notAnOp_(1)'), { value: 'error' }), device);
    expect(missingApi.forward).toBe(false);
    expect(missingApi.error).toMatch(/caught TypeError: .*notAnOp_ is not a function, not an engine error/);
  });
});

describe('parity baseline and summary', () => {
  const result = (id: string, set: CaseResult['set'], forward: boolean, grads: boolean | null): CaseResult => ({ id, set, device: 'cpu', forward, grads });

  it("reads the first format (set 1's devices at the top) as set 1", () => {
    const old = { cpu: { forward: ['unary/neg'], grads: [] } };
    expect(readBaseline(old)).toEqual({ parity: old });
    expect(regressions(readBaseline(old), [result('unary/neg', 'parity', false, null)])).toEqual(['cpu forward unary/neg: missing']);
  });

  it('fails only on baseline cases that stop passing, in either set', () => {
    const baseline = baselineFrom([result('unary/neg', 'parity', true, true), result('ops/a', 'parity-2', true, false)]);
    expect(baseline).toEqual({ parity: { cpu: { forward: ['unary/neg'], grads: ['unary/neg'] } }, 'parity-2': { cpu: { forward: ['ops/a'], grads: [] } } });
    const now = [result('unary/neg', 'parity', true, true), result('ops/a', 'parity-2', false, false), result('ops/b', 'parity-2', false, null)];
    expect(regressions(baseline, now)).toEqual(['parity-2 cpu forward ops/a: missing']);
  });

  it('prints set 1 as before and set 2 with gradients per group', () => {
    const rs = [
      result('unary/neg', 'parity', true, true),
      result('ops/a', 'parity-2', true, false),
      result('ops/b', 'parity-2', false, null),
      result('nn/c', 'parity-2', true, true),
    ];
    expect(summarize(rs).split('\n')).toEqual([
      'parity cpu: forward 1/1 passed, gradients 1/1 passed',
      '  unary 1/1',
      'parity-2 cpu: forward 2/3 passed, gradients 1/2 passed',
      '  ops 1/2 (grads 0/1), nn 1/1 (grads 1/1)',
    ]);
  });
});
