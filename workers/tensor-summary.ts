// What the page needs to show a tensor, computed where the tensor lives (the Worker): the header,
// PyTorch-style (elided) values, statistics, a histogram, and heatmaps downsampled so that even a
// large tensor sends well under 1 MB to the page.
import { formatTensor, type Tensor } from '../engine';
import type { Device } from './protocol';

export interface TensorStats {
  /** Elements counted (the finite ones). */
  count: number;
  /** NaN and ±Infinity elements, left out of the other numbers. */
  nonFinite: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (correction 0) over the finite elements. */
  std: number;
}

export interface Histogram {
  /** Edges of the first and last bin; the bins split [lo, hi] evenly. */
  lo: number;
  hi: number;
  counts: number[];
}

/** A 2-D grid of values; each cell is the mean of a `rowStep` × `colStep` block of the source. */
export interface Heatmap {
  rows: number;
  cols: number;
  rowStep: number;
  colStep: number;
  /** Row-major, `rows * cols` values; NaN where a block held no finite value. */
  values: Float32Array;
}

/** The 2-D slices (over the last two dims) of a tensor with more than two dims. */
export interface TensorSlices {
  /** The sizes of the leading dims, which pick a slice. */
  leading: number[];
  /** How many slices there are in all; `slices` may hold fewer, evenly spread. */
  total: number;
  slices: { index: number[]; heatmap: Heatmap }[];
}

export interface TensorSummary {
  shape: number[];
  dtype: string;
  device: Device;
  /** PyTorch's printing: every value for small tensors, the edges and `...` for large ones. */
  text: string;
  stats: TensorStats | null;
  histogram: Histogram | null;
  /** For 2-D tensors. */
  heatmap: Heatmap | null;
  /** For tensors of three or more dims. */
  slices: TensorSlices | null;
}

/** At most this many heatmap cells along each side. */
export const HEATMAP_SIDE = 256;
/** The heatmap cells shipped for all slices of an N-D tensor together. */
export const SLICES_BUDGET = HEATMAP_SIDE * HEATMAP_SIDE;
export const MAX_SLICES = 64;
export const HISTOGRAM_BINS = 32;

export async function summarizeTensor(t: Tensor): Promise<TensorSummary> {
  const shape = [...t.shape];
  const text = await formatTensor(t);
  const values = await t.data();
  const stats = statsOf(values);
  return {
    shape,
    dtype: t.dtype,
    device: t.device,
    text,
    stats,
    histogram: stats ? histogramOf(values, stats, t.dtype !== 'float32' && t.dtype !== 'float16') : null,
    heatmap: shape.length === 2 ? downsample(values, 0, shape[0], shape[1], HEATMAP_SIDE) : null,
    slices: shape.length > 2 ? slicesOf(values, shape) : null,
  };
}

export function statsOf(values: ArrayLike<number>): TensorStats | null {
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const nonFinite = values.length - count;
  if (count === 0) return values.length === 0 ? null : { count, nonFinite, min: NaN, max: NaN, mean: NaN, std: NaN };
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
  }
  return { count, nonFinite, min, max, mean, std: Math.sqrt(squares / count) };
}

/** Even bins over [min, max]; integer data with a small range gets one bin per integer. */
export function histogramOf(values: ArrayLike<number>, stats: TensorStats, integral: boolean): Histogram | null {
  if (stats.count === 0) return null;
  let { min: lo, max: hi } = stats;
  let bins = HISTOGRAM_BINS;
  if (integral && hi - lo < HISTOGRAM_BINS) {
    bins = hi - lo + 1;
    lo -= 0.5;
    hi += 0.5;
  } else if (hi === lo) {
    bins = 1;
    lo -= 0.5;
    hi += 0.5;
  }
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) * scale))]++;
  }
  return { lo, hi, counts };
}

/** Block means of the `rows` × `cols` matrix starting at `offset`, at most `side` cells a side. */
export function downsample(values: ArrayLike<number>, offset: number, rows: number, cols: number, side: number): Heatmap {
  const rowStep = Math.max(1, Math.ceil(rows / side));
  const colStep = Math.max(1, Math.ceil(cols / side));
  const outRows = Math.ceil(rows / rowStep);
  const outCols = Math.ceil(cols / colStep);
  const sums = new Float64Array(outRows * outCols);
  const counts = new Uint32Array(outRows * outCols);
  for (let r = 0; r < rows; r++) {
    const outRow = Math.floor(r / rowStep) * outCols;
    const base = offset + r * cols;
    for (let c = 0; c < cols; c++) {
      const v = values[base + c];
      if (!Number.isFinite(v)) continue;
      const cell = outRow + Math.floor(c / colStep);
      sums[cell] += v;
      counts[cell]++;
    }
  }
  const out = new Float32Array(outRows * outCols);
  for (let i = 0; i < out.length; i++) out[i] = counts[i] ? sums[i] / counts[i] : NaN;
  return { rows: outRows, cols: outCols, rowStep, colStep, values: out };
}

/** Up to MAX_SLICES slices over the last two dims, sharing SLICES_BUDGET heatmap cells. */
export function slicesOf(values: ArrayLike<number>, shape: number[]): TensorSlices {
  const leading = shape.slice(0, -2);
  const [rows, cols] = shape.slice(-2);
  const total = leading.reduce((a, b) => a * b, 1);
  const count = Math.min(total, MAX_SLICES);
  const side = Math.max(8, Math.floor(Math.sqrt(SLICES_BUDGET / Math.max(1, count))));
  const slices: TensorSlices['slices'] = [];
  for (let k = 0; k < count; k++) {
    const flat = count === total ? k : Math.round((k * (total - 1)) / Math.max(1, count - 1));
    slices.push({ index: unravel(flat, leading), heatmap: downsample(values, flat * rows * cols, rows, cols, side) });
  }
  return { leading, total, slices };
}

function unravel(flat: number, dims: number[]): number[] {
  const index = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    index[d] = flat % dims[d];
    flat = Math.floor(flat / dims[d]);
  }
  return index;
}
