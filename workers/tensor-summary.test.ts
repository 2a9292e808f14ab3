import { beforeAll, describe, expect, it } from 'vitest';
import { torch } from '../engine';
import { plotBundle, plotSeries } from './plot-bundle';
import { downsample, HEATMAP_SIDE, histogramOf, MAX_SLICES, slicesOf, statsOf, summarizeTensor, SLICES_BUDGET } from './tensor-summary';

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
});

/** The bytes a bundle costs to send: typed arrays as their buffers, the rest as JSON. */
function wireBytes(value: unknown): number {
  let typed = 0;
  const json = JSON.stringify(value, (_key, v) => {
    if (ArrayBuffer.isView(v)) {
      typed += v.byteLength;
      return null;
    }
    return v;
  });
  return json.length + typed;
}

describe('tensor summary', () => {
  it('gives the header, values, stats and histogram of a small tensor', async () => {
    const summary = await summarizeTensor(
      torch.tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(summary).toMatchObject({ shape: [2, 2], dtype: 'float32', device: 'cpu', text: 'tensor([[1., 2.],\n        [3., 4.]])' });
    expect(summary.stats).toEqual({ count: 4, nonFinite: 0, min: 1, max: 4, mean: 2.5, std: Math.sqrt(1.25) });
    expect(summary.histogram?.counts.reduce((a, b) => a + b)).toBe(4);
    expect(summary.heatmap).toMatchObject({ rows: 2, cols: 2, rowStep: 1, colStep: 1 });
    expect(Array.from(summary.heatmap!.values)).toEqual([1, 2, 3, 4]);
    expect(summary.slices).toBeNull();
  });

  it('keeps NaN and infinities out of the stats and counts them', () => {
    expect(statsOf([1, NaN, 3, Infinity])).toEqual({ count: 2, nonFinite: 2, min: 1, max: 3, mean: 2, std: 1 });
    expect(statsOf([])).toBeNull();
  });

  it('bins integers one per value when the range is small, and a constant in one bin', () => {
    const ints = [0, 1, 1, 2, 2, 2];
    expect(histogramOf(ints, statsOf(ints)!, true)).toEqual({ lo: -0.5, hi: 2.5, counts: [1, 2, 3] });
    expect(histogramOf([5, 5], statsOf([5, 5])!, false)).toEqual({ lo: 4.5, hi: 5.5, counts: [2] });
  });

  it('downsamples by block means', () => {
    const heatmap = downsample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 0, 4, 4, 2);
    expect(heatmap).toMatchObject({ rows: 2, cols: 2, rowStep: 2, colStep: 2 });
    expect(Array.from(heatmap.values)).toEqual([3.5, 5.5, 11.5, 13.5]);
  });

  it('gives N-D tensors one heatmap per slice of the last two dims, within the budget', () => {
    const values = Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    const slices = slicesOf(values, [2, 3, 4, 5]);
    expect(slices.leading).toEqual([2, 3]);
    expect(slices.total).toBe(6);
    expect(slices.slices.map((s) => s.index)).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    expect(slices.slices[4].heatmap.values[0]).toBe(4 * 20);

    const many = slicesOf(new Float32Array(1000 * 16 * 16), [1000, 16, 16]);
    expect(many.slices).toHaveLength(MAX_SLICES);
    expect(many.slices.at(-1)!.index).toEqual([999]);
    const cells = many.slices.reduce((n, s) => n + s.heatmap.values.length, 0);
    expect(cells).toBeLessThanOrEqual(SLICES_BUDGET);
  });

  it('summarizes a 1000x1000 tensor in well under 1 MB', async () => {
    const summary = await summarizeTensor(torch.randn([1000, 1000]));
    expect(summary.heatmap!.rows).toBeLessThanOrEqual(HEATMAP_SIDE);
    expect(summary.heatmap!.cols).toBeLessThanOrEqual(HEATMAP_SIDE);
    expect(summary.text).toContain('...');
    expect(Math.abs(summary.stats!.mean)).toBeLessThan(0.01);
    expect(Math.abs(summary.stats!.std - 1)).toBeLessThan(0.01);
    expect(wireBytes(summary)).toBeLessThan(1_000_000);
  });
});

describe('plot bundles', () => {
  it('plots arrays of numbers and objects of them, nothing else', () => {
    expect(plotSeries([1, 2, 3])).toEqual([{ name: 'value', values: [1, 2, 3] }]);
    expect(plotSeries({ train: [1, 2], val: [3] })).toEqual([
      { name: 'train', values: [1, 2] },
      { name: 'val', values: [3] },
    ]);
    expect(plotSeries([])).toBeNull();
    expect(plotSeries([1, 'a'])).toBeNull();
    expect(plotSeries({ a: [1], b: 2 })).toBeNull();
  });

  it('gives the same array the same display id each time, so the chart updates', () => {
    const losses = [1];
    const first = plotBundle(losses);
    losses.push(0.5);
    const second = plotBundle(losses);
    expect(second).toMatchObject({ type: 'plot', series: [{ values: [1, 0.5] }] });
    expect(first && second && 'displayId' in first && 'displayId' in second && first.displayId === second.displayId).toBe(true);
    expect(plotBundle([1])).not.toMatchObject({ displayId: (first as { displayId: string }).displayId });
  });
});
