/**
 * gather on every device against the CPU backend, on the scalar kernel and the vec4 one (the last
 * dim a multiple of 4, the index one value along it, the source contiguous there and aligned).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../core/dtype';
import { torch, type Tensor } from '../../index';
import { testDevices } from '../../testing/devices';
import { gatherVec4 } from './kernels/gather';
import type { View } from '../backend';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

const idx = (values: number[]) => torch.tensor(Int32Array.from(values), { dtype: 'int32' });

interface Case {
  name: string;
  run: (x: Tensor, i: Tensor) => Tensor;
  x: () => Tensor;
  index: number[];
}

const cases: Case[] = [
  // vec4: rows of an embedding table, and a convolution's channels-last patches
  { name: 'indexSelect rows of [7, 8] (vec4)', x: () => torch.randn([7, 8]), index: [3, 0, 6, -1, 3], run: (x, i) => x.indexSelect(0, i) },
  {
    name: 'gather along dim 1 of [2, 9, 12], index broadcast along the last dim (vec4)',
    x: () => torch.randn([2, 9, 12]),
    index: [8, 0, 4, 4, 2, -2],
    run: (x, i) => x.gather(1, i.reshape([1, 6, 1]).expand([2, 6, 12])),
  },
  { name: 'int32 rows (vec4)', x: () => torch.arange(0, 24).reshape([6, 4]).to('int32'), index: [5, 1, 1], run: (x, i) => x.indexSelect(0, i) },
  // scalar: last dim not a multiple of 4, an unaligned offset, a transposed source, along the last dim
  { name: 'rows of [5, 6] (scalar)', x: () => torch.randn([5, 6]), index: [4, 2], run: (x, i) => x.indexSelect(0, i) },
  {
    name: 'rows of a slice at offset 1 (scalar)',
    x: () => torch.randn([9, 8]),
    index: [0, 3],
    run: (x, i) => x.reshape([-1]).narrow(0, 1, 64).reshape([8, 8]).indexSelect(0, i),
  },
  { name: 'rows of a transposed [8, 4] (scalar)', x: () => torch.randn([8, 4]), index: [7, 0, 2], run: (x, i) => x.t().indexSelect(1, i) },
  { name: 'along the last dim (scalar)', x: () => torch.randn([3, 8]), index: [1, 7, 0, 0], run: (x, i) => x.indexSelect(1, i) },
];

describe('gather kernels', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const x = c.x();
      const want = Array.from((await c.run(x, idx(c.index)).data()) as ArrayLike<number>);
      for (const d of devices) {
        const got = Array.from((await c.run(x.to(d), idx(c.index).to(d)).to('cpu').data()) as ArrayLike<number>);
        expect(got, `${c.name} on ${d}`).toEqual(want);
      }
    });
  }

  it('takes vec4s only where the layout allows', () => {
    const view = (shape: number[], strides: number[], offset = 0): View => ({
      storage: { device: 'webgpu', length: 1 << 16, dtype: 'float32', bytes: 1 << 18 },
      shape,
      strides,
      offset,
      dtype: 'float32',
    });
    const out = view([5, 8], [8, 1]);
    const index = view([5, 8], [1, 0]);
    expect(gatherVec4(view([7, 8], [8, 1]), 0, index, out)).toBe(true);
    expect(gatherVec4(view([7, 8], [8, 1], 2), 0, index, out)).toBe(false);
    expect(gatherVec4(view([7, 8], [1, 7]), 0, index, out)).toBe(false);
    expect(gatherVec4(view([7, 8], [8, 1]), 0, view([5, 8], [8, 1]), out)).toBe(false);
    expect(gatherVec4(view([7, 8], [8, 1]), 1, index, out)).toBe(false);
    expect(gatherVec4(view([7, 6], [6, 1]), 0, view([5, 6], [1, 0]), view([5, 6], [6, 1]))).toBe(false);
  });
});
