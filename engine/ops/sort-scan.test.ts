/** sort, argsort, topk, unique, bincount, cumprod, cummax and cummin on every device, against plain-JS references. */
import { describe, expect, it, vi } from 'vitest';
import type { Device, DType } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { alongDim, cumExtremeLine, seeded, sortedPositions } from '../testing/sort-reference';

const devices = await testDevices();

const tensorOf = (d: Device, data: readonly number[], shape: readonly number[], dtype: DType = 'float32') =>
  torch.tensor([...data], { device: d, dtype }).reshape([...shape]);
const list = async (x: Tensor) => Array.from(await x.data(), Number);

interface SortCase {
  name: string;
  shape: number[];
  data: number[];
  dim?: number;
  descending?: boolean;
  dtype?: DType;
  /** A view of the input to sort (a transpose, a narrow): the reference sorts the same view's values. */
  view?: (x: Tensor) => Tensor;
}

const rows = (length: number, count: number, seed: number, ties = false): SortCase => ({
  name: `${count} rows of ${length}${ties ? ' with ties' : ''}`,
  shape: [count, length],
  data: seeded(count * length, seed, ties),
});

const NAN_ROW = [NaN, 1, -Infinity, 1, NaN, 0, Infinity, -2, 1, NaN, -0, 0];

const sortCases: SortCase[] = [
  rows(1, 3, 1),
  rows(7, 3, 2),
  rows(7, 5, 3, true),
  rows(64, 2, 4, true),
  rows(300, 3, 5),
  rows(300, 7, 6, true),
  rows(2100, 2, 7, true),
  { ...rows(2100, 3, 8), name: '3 rows of 2100, descending', descending: true },
  { ...rows(5000, 1, 9, true), name: 'a row of 5000 with ties, descending', descending: true },
  ...[0, 1, -1].flatMap((dim) =>
    [false, true].map((descending) => ({
      name: `3-D along dim ${dim}${descending ? ', descending' : ''}`,
      shape: [3, 4, 5],
      data: seeded(60, 10 + dim, true),
      dim,
      descending,
    })),
  ),
  { name: 'NaN sorts largest, ties keep their order', shape: [12], data: NAN_ROW },
  { name: 'NaN first when descending', shape: [12], data: NAN_ROW, descending: true },
  { name: 'int32 with ties', shape: [2, 9], data: seeded(18, 11, true), dtype: 'int32', descending: true },
  { name: 'bool', shape: [6], data: [1, 0, 1, 1, 0, 0], dtype: 'bool' },
  { name: 'a transposed view', shape: [5, 4], data: seeded(20, 12, true), view: (x) => x.T },
  { name: 'a narrowed view along dim 0', shape: [6, 3], data: seeded(18, 13), view: (x) => x.narrow(0, 1, 4), dim: 0 },
];

/** The values of `x`'s view, row-major, and its shape. */
async function viewed(c: SortCase, d: Device): Promise<{ x: Tensor; data: number[]; shape: number[] }> {
  const base = tensorOf(d, c.data, c.shape, c.dtype);
  const x = c.view ? c.view(base) : base;
  return { x, data: await list(x), shape: [...x.shape] };
}

describe.each(devices)('sort and scan on %s', (device) => {
  it.each(sortCases)('sort: $name', async (c) => {
    const { x, data, shape } = await viewed(c, device);
    const dim = c.dim ?? -1;
    const { values, indices } = x.sort({ dim, descending: c.descending });
    const wantIndices = alongDim(data, shape, dim, (line) => sortedPositions(line, !!c.descending));
    const wantValues = alongDim(data, shape, dim, (line) => sortedPositions(line, !!c.descending).map((j) => line[j]));
    expect(values.shape).toEqual(shape);
    expect(values.dtype).toBe(x.dtype);
    expect(indices.dtype).toBe('int32');
    expect(await list(indices)).toEqual(wantIndices);
    expect(await list(values)).toEqual(wantValues);
    expect(await list(x.argsort({ dim, descending: c.descending }))).toEqual(wantIndices);
  });

  it.each([
    { k: 3, largest: true, dim: -1 },
    { k: 2, largest: false, dim: 0 },
    { k: 1, largest: true, dim: 1 },
    { k: 0, largest: true, dim: -1 },
    { k: 5, largest: false, dim: -1 },
  ])('topk $k along $dim (largest: $largest)', async ({ k, largest, dim }) => {
    const shape = [3, 4, 5];
    const data = seeded(60, 20 + k, true);
    const { values, indices } = tensorOf(device, data, shape).topk(k, { dim, largest });
    const pick = (line: number[]) => sortedPositions(line, largest).slice(0, k);
    expect(indices.shape).toEqual(shape.map((s, i) => (i === (dim + 3) % 3 ? k : s)));
    expect(await list(indices)).toEqual(alongDim(data, shape, dim, pick, k));
    expect(await list(values)).toEqual(alongDim(data, shape, dim, (line) => pick(line).map((j) => line[j]), k));
  });

  it('topk of a long row picks the largest, NaN first', async () => {
    const data = seeded(2100, 21);
    data[700] = NaN;
    const { values, indices } = torch.topk(tensorOf(device, data, [2100]), 3);
    const want = sortedPositions(data, true).slice(0, 3);
    expect(await list(indices)).toEqual(want);
    expect(await list(values)).toEqual(want.map((j) => data[j]));
  });

  it('unique of int32, with inverse and counts', async () => {
    const x = tensorOf(device, [2, 4, 2, 0, 2, 4, 0, 1, 3, 4, 2, 0], [2, 6], 'int32');
    expect(await list(x.unique())).toEqual([0, 1, 2, 3, 4]);
    const [values, inverse, counts] = torch.unique(x, { returnInverse: true, returnCounts: true });
    expect(values.dtype).toBe('int32');
    expect(await list(values)).toEqual([0, 1, 2, 3, 4]);
    expect(inverse.shape).toEqual([2, 6]);
    expect(await list(inverse)).toEqual([2, 4, 2, 0, 2, 4, 0, 1, 3, 4, 2, 0]);
    expect(await list(counts)).toEqual([3, 1, 4, 1, 3]);
    const [v2, c2] = x.unique({ returnCounts: true });
    expect(await list(v2)).toEqual([0, 1, 2, 3, 4]);
    expect(await list(c2)).toEqual([3, 1, 4, 1, 3]);
  });

  it('unique of float32: sorted, each NaN its own value, -0 equal to 0', async () => {
    const x = tensorOf(device, [0.5, -1.5, NaN, 0.5, 3, -0, 0, NaN], [8]);
    const [values, inverse, counts] = x.unique({ returnInverse: true, returnCounts: true });
    expect(await list(values)).toEqual([-1.5, -0, 0.5, 3, NaN, NaN]);
    expect(await list(inverse)).toEqual([2, 0, 4, 2, 3, 1, 1, 5]);
    expect(await list(counts)).toEqual([1, 2, 2, 1, 1, 1]);
  });

  it('unique of bool and of a transposed view', async () => {
    const b = tensorOf(device, [1, 0, 1], [3], 'bool').unique() as Tensor;
    expect(b.dtype).toBe('bool');
    expect(await list(b)).toEqual([0, 1]);
    const [values, inverse] = tensorOf(device, [5, 1, 5, 2, 1, 9], [2, 3], 'int32').T.unique({ returnInverse: true });
    expect(await list(values)).toEqual([1, 2, 5, 9]);
    expect(inverse.shape).toEqual([3, 2]);
    expect(await list(inverse)).toEqual([2, 1, 0, 0, 2, 3]);
  });

  it('unique of a long float row and of an empty tensor', async () => {
    const data = seeded(2100, 22, true);
    expect(await list(tensorOf(device, data, [2100]).unique())).toEqual([...new Set(data)].sort((a, b) => a - b));
    expect((tensorOf(device, [], [0]).unique() as Tensor).shape).toEqual([0]);
  });

  it('bincount counts, with weights and minlength', async () => {
    const x = tensorOf(device, [1, 0, 0, 3, 5, 0], [6], 'int32');
    const plain = x.bincount();
    expect(plain.dtype).toBe('int32');
    expect(await list(plain)).toEqual([3, 1, 0, 1, 0, 1]);
    const weighted = torch.bincount(x, { weights: tensorOf(device, [0.5, 1, 2, -1, 4, 0.25], [6]), minlength: 8 });
    expect(weighted.dtype).toBe('float32');
    expect(await list(weighted)).toEqual([3.25, 0.5, 0, -1, 0, 4, 0, 0]);
    expect(await list(tensorOf(device, [], [0], 'int32').bincount({ minlength: 3 }))).toEqual([0, 0, 0]);
  });

  it('cumprod with zeros, along either dim, and of int32', async () => {
    const x = tensorOf(device, [2, 0, 3, 0.5, 1, -2, 4, 0], [2, 4]);
    expect(await list(x.cumprod(1))).toEqual([2, 0, 0, 0, 1, -2, -8, -0]);
    expect(await list(torch.cumprod(x, 0))).toEqual([2, 0, 3, 0.5, 2, -0, 12, 0]);
    const ints = tensorOf(device, [3, -2, 5, 1], [4], 'int32').cumprod(0);
    expect(ints.dtype).toBe('int32');
    expect(await list(ints)).toEqual([3, -6, -30, -30]);
  });

  it('cumprod of a long row', async () => {
    const data = seeded(2100, 23).map((v) => Math.fround(1 + v / 2000));
    const got = await list(tensorOf(device, data, [1, 2100]).cumprod(-1));
    let acc = 1;
    data.forEach((v, j) => {
      acc *= v;
      expect(Math.abs(got[j] - acc), `element ${j}`).toBeLessThanOrEqual(1e-4 * Math.abs(acc));
    });
  });

  it.each([
    { name: '3 rows of 7 with ties', shape: [3, 7], dim: -1, data: seeded(21, 30, true) },
    { name: '2 rows of 300 with ties and NaN', shape: [2, 300], dim: 1, data: seeded(600, 31, true).map((v, i) => (i % 97 === 50 ? NaN : v)) },
    { name: 'a row of 2100 with ties', shape: [2100], dim: 0, data: seeded(2100, 32, true) },
    { name: '3-D along dim 0', shape: [4, 3, 2], dim: 0, data: seeded(24, 33, true) },
    { name: 'columns of 300 (a strided long row)', shape: [300, 2], dim: 0, data: seeded(600, 35, true) },
    { name: '3-D along dim 1', shape: [2, 5, 3], dim: 1, data: seeded(30, 34) },
    { name: 'a row of 1', shape: [1], dim: 0, data: [NaN] },
  ])('cummax and cummin: $name', async ({ shape, dim, data }) => {
    for (const op of ['max', 'min'] as const) {
      const x = tensorOf(device, data, shape);
      const r = op === 'max' ? x.cummax(dim) : torch.cummin(x, dim);
      expect(r.indices.dtype).toBe('int32');
      expect(await list(r.values), op).toEqual(alongDim(data, shape, dim, (line) => cumExtremeLine(line, op).values));
      expect(await list(r.indices), op).toEqual(alongDim(data, shape, dim, (line) => cumExtremeLine(line, op).indices));
    }
  });

  it('cummax of int32 and bool keeps the dtype', async () => {
    const ints = tensorOf(device, [1, 3, 3, 2, 5], [5], 'int32').cummax(0);
    expect(ints.values.dtype).toBe('int32');
    expect(await list(ints.values)).toEqual([1, 3, 3, 3, 5]);
    expect(await list(ints.indices)).toEqual([0, 1, 2, 2, 4]);
    const bools = tensorOf(device, [0, 1, 0], [3], 'bool').cummin(0);
    expect(bools.values.dtype).toBe('bool');
    expect(await list(bools.values)).toEqual([0, 0, 0]);
    expect(await list(bools.indices)).toEqual([0, 0, 2]);
  });
});

describe.runIf(devices.includes('webgpu'))('sort and scan run on the GPU', () => {
  it('a sort of rows of 2100 computed on the GPU: kernels only, no read and no CPU work', async () => {
    const x = torch.randn([3, 2100], { device: 'webgpu' }).mul(2);
    const gpu = x.backend;
    const cpu = torch.tensor([0], { device: 'cpu' }).backend;
    const read = vi.spyOn(gpu, 'read');
    const [gpuBefore, cpuBefore] = [gpu.kernelCount, cpu.kernelCount];
    const { values, indices } = x.sort({ descending: true });
    const cm = x.cummax(1);
    // P = 4096: a block pass, then stages 2048 (1 global + 1 block pass) and 4096 (2 + 1); one scan.
    expect(gpu.kernelCount - gpuBefore).toBe(7);
    expect(cpu.kernelCount).toBe(cpuBefore);
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    const [raw, v, i] = [await list(x), await list(values), await list(indices)];
    for (let r = 0; r < 3; r++) {
      const line = raw.slice(r * 2100, (r + 1) * 2100);
      expect(i.slice(r * 2100, (r + 1) * 2100)).toEqual(sortedPositions(line, true));
      expect(v.slice(r * 2100, (r + 1) * 2100)).toEqual(sortedPositions(line, true).map((j) => line[j]));
    }
    expect(await list(cm.indices)).toEqual(alongDim(raw, [3, 2100], 1, (line) => cumExtremeLine(line, 'max').indices));
  });

  it('unique and bincount of tensors made from JS data size their result on the host and compute on the GPU', async () => {
    const x = torch.tensor([3, 1, 3, 0], { device: 'webgpu', dtype: 'int32' });
    const cpu = torch.tensor([0], { device: 'cpu' }).backend;
    const read = vi.spyOn(x.backend, 'read');
    const cpuBefore = cpu.kernelCount;
    const u = x.unique();
    const b = x.bincount();
    expect(cpu.kernelCount).toBe(cpuBefore);
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    expect(await list(u)).toEqual([0, 1, 3]);
    expect(await list(b)).toEqual([1, 1, 0, 2]);
  });
});

describe.each(devices)('cumsum on %s', (device) => {
  it('of long rows (the workgroup scan on webgpu) matches a running sum', async () => {
    const data = seeded(2 * 2100, 60);
    const got = await list(tensorOf(device, data, [2, 2100]).cumsum(1));
    const want = alongDim(data, [2, 2100], 1, (line) => {
      let acc = 0;
      return line.map((v) => (acc += v));
    });
    want.forEach((w, i) => expect(Math.abs(got[i] - w), `element ${i}`).toBeLessThanOrEqual(1e-3 + 1e-5 * Math.abs(w)));
    expect(await list(tensorOf(device, [1, 2, 3, 4], [4], 'int32').expand([2, 4]).cumsum(1))).toEqual([1, 3, 6, 10, 1, 3, 6, 10]);
    expect(await list(tensorOf(device, Array(100).fill(1), [100], 'int32').cumsum(0))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
