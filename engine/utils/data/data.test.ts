/** torch.utils.data on every device: batches and their order, shuffles, splits, collation, and the errors. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../../core/dtype';
import { torch, type Tensor } from '../../index';
import { testDevices } from '../../testing/devices';

const devices = await testDevices();
const { Dataset, TensorDataset, Subset, randomSplit, DataLoader } = torch.utils.data;

const rows = (d: Device, n: number) => torch.arange(n * 2, { device: d, dtype: 'float32' }).reshape([n, 2]);
const labels = (d: Device, n: number) => torch.arange(n, { device: d, dtype: 'int32' });
const firstColumn = async (batches: Tensor[][]) => (await Promise.all(batches.map((b) => b[0].select(1, 0).tolist()))) as number[][];

class Squares extends Dataset<{ x: number; y: number[] }> {
  override len() {
    return 5;
  }
  override getItem(i: number) {
    return { x: i, y: [i * i, -i] };
  }
}

describe.each(devices)('torch.utils.data on %s', (d) => {
  it('a DataLoader over a TensorDataset yields [x, y] batches in order, the last one short unless dropLast', async () => {
    const ds = new TensorDataset(rows(d, 10), labels(d, 10));
    expect(ds.len()).toBe(10);
    const batches = [...new DataLoader(ds, { batchSize: 4 })] as Tensor[][];
    expect(batches.map((b) => b[0].shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(await firstColumn(batches)).toEqual([
      [0, 2, 4, 6],
      [8, 10, 12, 14],
      [16, 18],
    ]);
    expect(await batches[2][1].tolist()).toEqual([8, 9]);
    expect([...new DataLoader(ds, { batchSize: 4, dropLast: true })].length).toBe(2);
    expect(new DataLoader(ds, { batchSize: 4 }).len()).toBe(3);
    expect(new DataLoader(ds, { batchSize: 4, dropLast: true }).len()).toBe(2);
  });

  it('batches of consecutive rows are views (no kernel); shuffled batches are one gather per tensor', () => {
    const ds = new TensorDataset(rows(d, 8), labels(d, 8));
    const before = torch.stats().kernels;
    const [x] = [...new DataLoader(ds, { batchSize: 4 })][0] as Tensor[];
    expect(torch.stats().kernels - before).toBe(0);
    expect(x.storageRef).toBe(ds.tensors[0].storageRef);
    const k0 = torch.stats().kernels;
    const all = [...new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new torch.Generator().manualSeed(1) })];
    expect(all.length).toBe(1);
    expect(torch.stats().kernels - k0).toBe(2);
  });

  it('shuffle visits every item once per pass, the same order for the same seed, a new order each pass', async () => {
    const ds = new TensorDataset(labels(d, 12));
    const pass = async (dl: Iterable<Tensor[]>) => ((await Promise.all([...dl].map((b) => b[0].tolist()))) as number[][]).flat();
    const a = new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new torch.Generator().manualSeed(7) });
    const b = new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new torch.Generator().manualSeed(7) });
    const first = await pass(a);
    expect([...first].sort((p, q) => p - q)).toEqual([...Array(12).keys()]);
    expect(await pass(b)).toEqual(first);
    expect(await pass(a)).not.toEqual(first);
  });

  it('for await...of yields the same batches', async () => {
    const ds = new TensorDataset(rows(d, 5));
    const got: number[][] = [];
    for await (const [x] of new DataLoader(ds, { batchSize: 2 }) as AsyncIterable<Tensor[]>) got.push((await x.select(1, 0).tolist()) as number[]);
    expect(got).toEqual([[0, 2], [4, 6], [8]]);
  });

  it('a Dataset subclass is collated by the default collate (numbers to tensors, per key and position); batchSize null yields items', async () => {
    // The batch's type follows the dataset's items ({ x: number; y: number[] } → { x: Tensor; y: Tensor[] }): no cast.
    const [batch] = [...new DataLoader(new Squares(), { batchSize: 5 })];
    expect(await batch.x.tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(batch.x.dtype).toBe('int32');
    expect(await batch.y[0].tolist()).toEqual([0, 1, 4, 9, 16]);
    expect([...new DataLoader(new Squares(), { batchSize: null })][3]).toEqual({ x: 3, y: [9, -3] });
  });

  it('Subset and randomSplit: disjoint subsets covering the dataset, counts or fractions; collateFn gets the items', async () => {
    const ds = new TensorDataset(labels(d, 10));
    const sub = new Subset(ds, [4, 0, 3]);
    expect(sub.len()).toBe(3);
    expect(await (sub.getItem(0) as Tensor[])[0].item()).toBe(4);
    const parts = randomSplit(ds, [7, 3], { generator: new torch.Generator().manualSeed(0) });
    expect(parts.map((p) => p.len())).toEqual([7, 3]);
    expect([...parts[0].indices, ...parts[1].indices].sort((p, q) => p - q)).toEqual([...Array(10).keys()]);
    expect(randomSplit(ds, [0.5, 0.3, 0.2]).map((p) => p.len())).toEqual([5, 3, 2]);
    const sums: number[] = [...new DataLoader(sub, { batchSize: 2, collateFn: (items) => items.length })];
    expect(sums).toEqual([2, 1]);
    const [[x]] = [...new DataLoader(sub, { batchSize: 3 })];
    expect(await x.tolist()).toEqual([4, 0, 3]);
  });

  it('bad inputs say what is wrong', () => {
    expect(() => new TensorDataset(rows(d, 3), labels(d, 4))).toThrow(/size mismatch between tensors: tensor 0 has 3 items .* tensor 1 has 4/);
    expect(() => new DataLoader(new TensorDataset(rows(d, 3)), { batchSize: 0 })).toThrow(/batchSize must be a positive integer or null, got 0/);
    expect(() => new DataLoader({} as never)).toThrow(/expected a dataset/);
    expect(() => new (class extends Dataset {})().len()).toThrow(/len\(\) is not implemented/);
    expect(() => randomSplit(new TensorDataset(rows(d, 3)), [2, 2])).toThrow(/must be counts summing to the dataset's 3 items, or fractions summing to 1/);
    expect(() => new Subset(new TensorDataset(rows(d, 3)), [5])).toThrow(/index 5 is out of range for a dataset of 3 items/);
  });
});
