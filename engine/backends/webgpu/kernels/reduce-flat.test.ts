/** Which reductions read their rows without index arithmetic (markFlatRows, rowStep). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../../core/dtype';
import { torch } from '../../../index';
import { testDevices } from '../../../testing/devices';
import { reduce } from '../../../ops/reduce';
import { reduceSource } from './reduce';
import { markFlatRows, rowStep, rowSteps, rowStepsNeeded, type ReducePlan } from './reduce-plan';

describe('flat rows', () => {
  const steps: [string, number[], number[], number, 0 | 1 | null][] = [
    ['contiguous rows', [4, 5], [5, 1], 1, 1],
    ['a row value broadcast along the row', [4, 5], [1, 0], 1, 0],
    ['a transposed view', [4, 5], [1, 4], 1, null],
    ['two contiguous inner dims', [2, 3, 4], [12, 4, 1], 1, 1],
    ['inner dims of size 1 do not count', [3, 5, 1], [5, 1, 9], 1, 1],
    ['every inner dim of size 1: both', [3, 1], [1, 7], 1, 1],
    ['a stepped slice', [4, 5], [10, 2], 1, null],
  ];
  for (const [name, shape, strides, kept, want] of steps) {
    it(`rowStep: ${name}`, () => expect(rowStep({ strides }, shape, kept)).toBe(want));
  }

  it('marks word 2 and sets a size-1 last dim stride to the step; leaves the metadata alone where a leaf is strided', () => {
    const shape = [3, 5, 1];
    // [outputs, inner, outOffset, shape[3], leaf 0: offset, strides[3], leaf 1: offset, strides[3]]
    const meta = [3, 5, 0, ...shape, 0, 5, 1, 9, 0, 1, 0, 4];
    const at = (k: number) => 6 + 4 * k;
    markFlatRows(meta, rowSteps([{ strides: [5, 1, 9] }, { strides: [1, 0, 4] }], shape, 1), shape, 1, at);
    expect(meta[2]).toBe(2 ** 31);
    expect([meta[at(0) + 3], meta[at(1) + 3]]).toEqual([1, 0]);
    const strided = [3, 5, 0, ...shape, 0, 1, 3, 9];
    markFlatRows(strided, rowSteps([{ strides: [1, 3, 9] }], shape, 1), shape, 1, at);
    expect(strided).toEqual([3, 5, 0, ...shape, 0, 1, 3, 9]);
  });

  it('per-leaf steps only where some leaf is one value along the row: other kernels keep plain loads', () => {
    const shape = [4, 5];
    expect(rowStepsNeeded(rowSteps([{ strides: [5, 1] }, { strides: [1, 0] }], shape, 1), shape, 1)).toBe(true);
    expect(rowStepsNeeded(rowSteps([{ strides: [5, 1] }], shape, 1), shape, 1)).toBe(false);
    expect(rowStepsNeeded(rowSteps([{ strides: [1, 4] }, { strides: [1, 0] }], shape, 1), shape, 1)).toBe(false);
    const input = (index: number) => ({ kind: 'input' as const, index, dtype: 'float32' as const });
    const plan = (rowSteps: boolean): ReducePlan => ({
      op: 'sum',
      rank: 2,
      kept: 1,
      outDtype: 'float32',
      longRows: true,
      rowSteps,
      epilogue: null,
      post: null,
      source: { expr: { kind: 'binary', op: 'sub', a: input(0), b: input(1), dtype: 'float32' }, dtypes: ['float32', 'float32'], scalars: 0 },
    });
    expect(reduceSource(plan(false))).toContain('src1[b1 + j]');
    expect(reduceSource(plan(true))).toContain('src1[b1 + j * s1]');
  });
});

describe('flat rows, values in flight per invocation (REDUCE_TUNING.unroll)', () => {
  let devices: Device[] = ['cpu'];
  beforeAll(async () => {
    devices = await testDevices();
  }, 60_000);
  // Lengths around the unrolled steps (8 values, then 4) in short rows (one invocation, step 1) and
  // long rows (a workgroup, step 256), the tail one by one; a NaN must still win max and min.
  const lengths = [1, 3, 4, 5, 8, 12, 63, 65, 1023, 1024, 1025, 2048, 3071, 3073];
  for (const n of lengths) {
    it(`sum, prod, max, min and softmax over rows of ${n}`, async () => {
      const data = Float32Array.from({ length: 3 * n }, (_, i) => 1 + 0.001 * Math.sin(i));
      if (n > 5) data[n + n - 2] = NaN;
      const x = torch.tensor(data).reshape([3, n]);
      for (const d of devices) {
        const xd = x.to(d);
        for (const op of ['sum', 'prod', 'max', 'min'] as const) {
          const g = Array.from((await reduce(op, xd, 1).to('cpu').data()) as Float32Array);
          const w = Array.from((await reduce(op, x, 1).data()) as Float32Array);
          g.forEach((v, i) => (Number.isNaN(w[i]) ? expect(v, `${op} row ${i} on ${d}`).toBeNaN() : expect(v, `${op} row ${i} on ${d}`).toBeCloseTo(w[i], 2)));
        }
        // softmax: a row's value (its sum) and then every element written in the same kernel.
        const y = torch.randn([3, n]);
        const g = (await y.to(d).softmax(1).to('cpu').data()) as Float32Array;
        const w = (await y.softmax(1).data()) as Float32Array;
        g.forEach((v, i) => expect(v, `softmax element ${i} on ${d}`).toBeCloseTo(w[i], 6));
      }
    });
  }
});
