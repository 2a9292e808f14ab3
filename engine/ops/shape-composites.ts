/** rot90, meshgrid and repeatInterleave: composite ops of API.md §5 built from views, flips and indexSelect. */
import { toTypedArray } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { checkDataDependent } from '../func/tape';
import { normalizeDim } from '../core/shape';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { viewOffsets } from '../backends/cpu/strided';
import type { Tensor } from '../tensor';
import { indexSelect } from './indexing';
import { assertLive, commonDevice, hostValuesOf, tensorFromData } from './make';
import { expand, flip, reshape, transpose } from './views';
import { arange } from './creation';
import { searchsorted } from './scatter';

/** `x` rotated by 90° `k` times in the plane of `dims`, from the first dim towards the second (PyTorch's rot90). */
export function rot90(x: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  const op = 'rot90';
  assertLive(op, [x]);
  if (!Number.isInteger(k)) fail(op, `k must be an integer, got ${k}`);
  if (!Array.isArray(dims) || dims.length !== 2)
    fail(op, `expected total rotation dims == 2, but got dims = ${Array.isArray(dims) ? dims.length : String(dims)}`);
  if (x.ndim < 2) fail(op, `expected total dims >= 2, but got total dims = ${x.ndim} (shape ${fmtShape(x.shape)})`);
  const d0 = normalizeDim(op, dims[0], x.ndim);
  const d1 = normalizeDim(op, dims[1], x.ndim);
  if (d0 === d1) fail(op, `expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`);
  switch (((k % 4) + 4) % 4) {
    case 1:
      return transpose(flip(x, [d1]), d0, d1);
    case 2:
      return flip(x, [d0, d1]);
    case 3:
      return transpose(flip(x, [d0]), d0, d1);
    default:
      return x.clone();
  }
}

/** Options of meshgrid: 'ij' (matrix, the default) or 'xy' (Cartesian: the first two output dims swapped). */
export interface MeshgridOptions {
  indexing?: 'ij' | 'xy';
}

/** Coordinate grids from 0-D or 1-D tensors: the i-th output holds xs[i] along its dim, expanded (views, as PyTorch's). */
export function meshgrid(xs: readonly Tensor[] | Tensor, ...rest: (Tensor | MeshgridOptions)[]): Tensor[] {
  const op = 'meshgrid';
  const isOpts = (v: unknown): v is MeshgridOptions => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Tensor).shape !== 'object';
  const last = rest[rest.length - 1];
  const opts: MeshgridOptions = isOpts(last) ? last : {};
  // torch.meshgrid([x, y], opts) or, as PyTorch also allows, torch.meshgrid(x, y, opts).
  if (!Array.isArray(xs)) xs = [xs as Tensor, ...(rest.filter((v) => !isOpts(v)) as Tensor[])];
  if (xs.some((x) => typeof x !== 'object' || x === null || typeof x.shape !== 'object'))
    fail(op, 'expected tensors, e.g. torch.meshgrid([x, y], { indexing: "ij" })');
  if (xs.length === 0) fail(op, 'expects a non-empty list of tensors');
  const indexing = opts.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') fail(op, `indexing must be 'ij' or 'xy', got '${String(indexing)}'`);
  assertLive(op, xs);
  commonDevice(op, xs);
  xs.forEach((x, i) => {
    if (x.ndim > 1) fail(op, `expected 0D or 1D tensors, but tensor ${i} has shape ${fmtShape(x.shape)}`);
    if (x.dtype !== xs[0].dtype) fail(op, `expected all tensors to have the same dtype, got ${xs[0].dtype} and ${x.dtype}`);
  });
  const swap = indexing === 'xy' && xs.length >= 2;
  const position = (i: number) => (swap && i < 2 ? 1 - i : i);
  const shape = new Array<number>(xs.length);
  xs.forEach((x, i) => (shape[position(i)] = x.numel()));
  return xs.map((x, i) =>
    expand(
      reshape(
        x,
        shape.map((s, k) => (k === position(i) ? s : 1)),
      ),
      shape,
    ),
  );
}

/** Options of repeatInterleave: the dim (none: the flattened input) and the output's length where the repeats are on a GPU. */
export interface RepeatInterleaveOptions {
  dim?: number;
  outputSize?: number;
}

/** The int32 values of `t` in row-major order where the host has them (a CPU tensor, or one made from JS data), else null. */
function hostInts(t: Tensor): number[] | null {
  const storage = t.storageRef.storage;
  const data = storage instanceof CpuStorage ? (storage.pending ? null : storage.data) : hostValuesOf(t.storageRef);
  if (!data) return null;
  return Array.from(viewOffsets({ shape: t.shape, strides: t.strides, offset: t.offset }), (o) => data[o]);
}

/** Each slice of `x` along `dim` repeated `repeats` times in place (PyTorch's repeat_interleave); repeats a number or an int32 tensor. */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, opts: RepeatInterleaveOptions = {}): Tensor {
  const op = 'repeatInterleave';
  assertLive(op, [x]);
  const source = opts.dim === undefined ? reshape(x, [x.numel()]) : x;
  const d = normalizeDim(op, opts.dim ?? 0, Math.max(source.ndim, 1));
  const n = source.ndim === 0 ? 1 : source.shape[d];
  const { outputSize } = opts;
  if (outputSize !== undefined && (!Number.isInteger(outputSize) || outputSize < 0)) fail(op, `outputSize must be a non-negative integer, got ${outputSize}`);
  let counts: number[] | null;
  let repeatTensor: Tensor | null = null;
  if (typeof repeats === 'number') {
    if (!Number.isInteger(repeats) || repeats < 0) fail(op, `repeats must be a non-negative integer, got ${repeats}`);
    counts = new Array<number>(n).fill(repeats);
  } else {
    if (typeof repeats !== 'object' || repeats === null)
      fail(op, `repeats must be a number or an int32 tensor, got ${repeats === null ? 'null' : typeof repeats}`);
    assertLive(op, [repeats]);
    commonDevice(op, [x, repeats]);
    if (repeats.dtype !== 'int32') fail(op, `repeats must be an int32 tensor, got ${repeats.dtype}`);
    if (repeats.ndim > 1) fail(op, `repeats must be 0-D or 1-D, got shape ${fmtShape(repeats.shape)}`);
    if (repeats.numel() !== 1 && repeats.numel() !== n)
      fail(op, `repeats must have the same size as input along dim ${d}, but got repeats.size(0) = ${repeats.numel()} and input.size(${d}) = ${n}`);
    checkDataDependent(op, [repeats]); // ---- torch.func (#24) ----
    repeatTensor = repeats.numel() === 1 ? expand(reshape(repeats, [1]), [n]) : reshape(repeats, [n]);
    const host = hostInts(repeats);
    counts = host && (host.length === n ? host : new Array<number>(n).fill(host[0]));
  }
  let index: Tensor;
  if (counts) {
    const bad = counts.find((c) => c < 0);
    if (bad !== undefined) fail(op, `repeats can not be negative (got ${bad})`);
    const total = counts.reduce((a, b) => a + b, 0);
    if (outputSize !== undefined && outputSize !== total) fail(op, `outputSize ${outputSize} does not match the sum of the repeats, ${total}`);
    const positions = counts.flatMap((c, i) => new Array<number>(c).fill(i));
    index = tensorFromData(x.device, toTypedArray(positions, 'int32'), [total], 'int32');
  } else {
    if (outputSize === undefined)
      fail(
        op,
        `the output length depends on the values of repeats, which are on the GPU: pass { outputSize } (the sum of the repeats), or repeats made from JS data or on the CPU`,
      );
    // Output element j comes from the first slice whose cumulative repeat count exceeds j.
    const ends = repeatTensor!.cumsum(0);
    index = searchsorted(ends, arange(0, outputSize, 1, { device: x.device, dtype: 'int32' }), { right: true });
  }
  return indexSelect(source.ndim === 0 ? reshape(source, [1]) : source, d, index, op);
}
