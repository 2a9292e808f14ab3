/**
 * Sorting and what is built on it: sort, argsort, topk, unique and bincount. The backend sorts
 * rows (the last dim); another dim is moved last as a view and back. The sorted values' gradient
 * flows back through the indices, as a gather's does (they are recorded as one).
 */
import { isFloating } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { checkDataDependent } from '../func/tape';
import { normalizeDim } from '../core/shape';
import { record } from '../autograd/graph';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { GpuStorage } from '../backends/webgpu/gpu-storage';
import { viewOffsets } from '../backends/cpu/strided';
import type { Tensor } from '../tensor';
import { full } from './creation';
import { binary, cast } from './elementwise';
import { gather, scatterAdd } from './indexing';
import { assertLive, emptyTensor, hostValuesOf, viewOf } from './make';
import { cumsum } from './reduce';
import { cat, narrow, permute, reshape } from './views';
import { tapeRecord, tapesOpen } from '../func/tape';

export interface SortOptions {
  /** The dim to sort along (default -1, the last). */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /** Accepted for PyTorch's sake: the sort is always stable. */
  stable?: boolean;
}

export interface TopkOptions {
  /** The dim to pick along (default -1, the last). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Accepted for PyTorch's sake: the k values always come sorted. */
  sorted?: boolean;
}

export interface UniqueOptions {
  /** Accepted for PyTorch's sake: the values always come sorted. */
  sorted?: boolean;
  /** Also return, for each element of the input, the index of its value in the output. */
  returnInverse?: boolean;
  /** Also return how many times each value occurs. */
  returnCounts?: boolean;
}

export interface BincountOptions {
  /** A weight per element, summed per bin in place of counting 1. */
  weights?: Tensor;
  /** The least number of bins. */
  minlength?: number;
}

type Sorted = { values: Tensor; indices: Tensor };

/** Checks an options argument: an object (or nothing) with only the known keys. */
export function checkOptions<T extends object>(op: string, opts: unknown, keys: readonly (keyof T & string)[]): T {
  if (opts === undefined || opts === null) return {} as T;
  if (typeof opts !== 'object' || Array.isArray(opts)) fail(op, `expected an options object ({ ${keys.join(', ')} }), got ${JSON.stringify(opts)}`);
  for (const k of Object.keys(opts)) if (!keys.includes(k as keyof T & string)) fail(op, `unknown option '${k}' (options: ${keys.join(', ')})`);
  return opts as T;
}

/** A number is the dim (x.sort(0)), as PyTorch's positional argument. */
function dimOrOptions<T extends { dim?: number }>(op: string, arg: unknown, keys: readonly (keyof T & string)[]): T {
  return typeof arg === 'number' ? ({ dim: arg } as T) : checkOptions<T>(op, arg, keys);
}

/** The dims of `x` in the order that puts `d` last. */
function lastOrder(ndim: number, d: number): number[] {
  return [...[...Array(ndim).keys()].filter((i) => i !== d), d];
}

/** The inverse of moving dim `d` last. */
function backOrder(ndim: number, d: number): number[] {
  const order = lastOrder(ndim, d);
  const inverse = new Array<number>(ndim);
  order.forEach((src, i) => (inverse[src] = i));
  return inverse;
}

/** Sorted values and indices along dim `d` (normalized), recording nothing. */
function sortAlong(x: Tensor, d: number, descending: boolean): Sorted {
  if (x.ndim === 0) return { values: x.detach().clone(), indices: full([], 0, { dtype: 'int32', device: x.device }) };
  const source = permute(x, lastOrder(x.ndim, d));
  const values = emptyTensor(x.device, source.shape, x.dtype);
  const indices = emptyTensor(x.device, source.shape, 'int32');
  x.backend.sort(viewOf(source), viewOf(values), viewOf(indices), descending);
  const back = backOrder(x.ndim, d);
  const sortedIndices = permute(indices, back);
  if (tapesOpen()) tapeRecord('sortIndices', [x], { dim: d, descending }, sortedIndices);
  return { values: permute(values, back), indices: sortedIndices };
}

/** Values picked from `x` at `indices` along `d`, recorded as the gather they are (their gradient scatters back). */
function picked(x: Tensor, d: number, values: Tensor, indices: Tensor): Tensor {
  return x.ndim === 0 ? record(values, 'copy', [x], {}) : record(values, 'gather', [x], { dim: d, index: indices });
}

/** The values along `dim` sorted (ascending unless `descending`; stable, NaN largest), and where each came from. */
export function sort(x: Tensor, opts?: SortOptions | number): Sorted {
  assertLive('sort', [x]);
  const o = dimOrOptions<SortOptions>('sort', opts, ['dim', 'descending', 'stable']);
  const d = normalizeDim('sort', o.dim ?? -1, x.ndim);
  const r = sortAlong(x, d, !!o.descending);
  return { values: picked(x, d, r.values, r.indices), indices: r.indices };
}

/** The indices that sort `x` along `dim` (as sort's indices). */
export function argsort(x: Tensor, opts?: SortOptions | number): Tensor {
  assertLive('argsort', [x]);
  const o = dimOrOptions<SortOptions>('argsort', opts, ['dim', 'descending', 'stable']);
  return sortAlong(x, normalizeDim('argsort', o.dim ?? -1, x.ndim), !!o.descending).indices;
}

/** The k largest (or smallest) values along `dim`, sorted, with their indices. */
export function topk(x: Tensor, k: number, opts?: TopkOptions | number): Sorted {
  assertLive('topk', [x]);
  const o = dimOrOptions<TopkOptions>('topk', opts, ['dim', 'largest', 'sorted']);
  const d = normalizeDim('topk', o.dim ?? -1, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size)
    fail('topk', `k must be an integer from 0 to ${size} (the size of dim ${d} of shape ${fmtShape(x.shape)}), got ${k}`);
  const r = sortAlong(x, d, o.largest ?? true);
  if (x.ndim === 0) return { values: picked(x, d, r.values, r.indices), indices: r.indices };
  const indices = narrow(r.indices, d, 0, k);
  return { values: picked(x, d, narrow(r.values, d, 0, k), indices), indices };
}

/**
 * The elements of `x` in row-major order, read on the host: `x` is on the CPU, or was made from
 * JS data; otherwise an error telling how to read its values first (`op`'s result size depends on them).
 */
function hostElements(op: string, x: Tensor): Float64Array {
  checkDataDependent(op, [x]); // ---- torch.func (#24) ----
  const storage = x.storageRef.storage;
  const data = storage instanceof CpuStorage ? (storage.pending ? null : storage.data) : hostValuesOf(x.storageRef);
  if (!data) {
    const what = `the size of its result depends on the values of a tensor of shape ${fmtShape(x.shape)}`;
    if (!(storage instanceof CpuStorage) && !(storage instanceof GpuStorage))
      fail(op, `${what} traced by torch.compile, which are unknown while tracing: call ${op} outside the compiled function`);
    const where = storage instanceof CpuStorage ? 'still arriving from the GPU' : 'computed on the GPU';
    fail(
      op,
      `${what} ${where}, which cannot be read without waiting: read them first, e.g. \`const h = x.cpu(); await h.data();\` ` +
        `then call ${op} on h, or make a tensor from \`await x.data()\``,
    );
  }
  const offsets = viewOffsets(x);
  const out = new Float64Array(offsets.length);
  offsets.forEach((o, i) => (out[i] = data[o]));
  return out;
}

/** Float scatter-adds count exactly up to 2^24. */
const EXACT_COUNT = 1 << 24;

/**
 * The sorted distinct values of `x` (flattened); with returnInverse/returnCounts, an array
 * [values, inverse?, counts?] as PyTorch's tuple. Each NaN is its own value, as in PyTorch.
 */
export function unique(x: Tensor, opts?: UniqueOptions): Tensor | Tensor[] {
  assertLive('unique', [x]);
  const o = checkOptions<UniqueOptions>('unique', opts, ['sorted', 'returnInverse', 'returnCounts']);
  const host = hostElements('unique', x);
  const n = host.length;
  if (n >= EXACT_COUNT) fail('unique', `at most ${EXACT_COUNT - 1} elements are supported, got ${n}`);
  // The result's size: 1 + the number of adjacent sorted values that differ (NaN differs from NaN).
  const sortedHost = Float64Array.from(host).sort();
  let distinct = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (!(sortedHost[i] === sortedHost[i - 1])) distinct++;
  const device = x.device;
  const flat = reshape(x.detach(), [-1]);
  const { values: sorted, indices: order } = sortAlong(flat, 0, false);
  // group[i]: which distinct value sorted[i] is (a running count of where the values change).
  const changes = n > 1 ? binary('ne', narrow(sorted, 0, 1, n - 1), narrow(sorted, 0, 0, n - 1)) : null;
  const starts = changes ? cat([full([1], true, { dtype: 'bool', device }), changes]) : full([n], true, { dtype: 'bool', device });
  const group = binary('sub', cumsum(cast(starts, 'int32'), 0), 1);
  const countsFloat = scatterAdd(full([distinct], 0, { device }), 0, group, full([n], 1, { device }));
  const counts = cast(countsFloat, 'int32');
  const firsts = binary('sub', cumsum(counts, 0), counts);
  const values = gather(sorted, 0, firsts);
  if (!o.returnInverse && !o.returnCounts) return values;
  const out = [values];
  // inverse[order[i]] = group[i]: gather group through the inverse permutation (the argsort of order).
  if (o.returnInverse) out.push(reshape(gather(group, 0, sortAlong(order, 0, false).indices), x.shape));
  if (o.returnCounts) out.push(counts);
  return out;
}

/** How many times each value 0..max occurs in a 1-D int32 tensor (or the sum of their weights). */
export function bincount(x: Tensor, opts?: BincountOptions): Tensor {
  assertLive('bincount', [x]);
  const o = checkOptions<BincountOptions>('bincount', opts, ['weights', 'minlength']);
  if (x.ndim !== 1 || x.dtype !== 'int32') fail('bincount', `expected a 1-D int32 tensor, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  const minlength = o.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) fail('bincount', `minlength must be a non-negative integer, got ${minlength}`);
  const w = o.weights;
  if (w !== undefined && (w.ndim !== 1 || w.shape[0] !== x.shape[0]))
    fail('bincount', `weights must be 1-D with one weight per element: input ${fmtShape(x.shape)}, weights ${fmtShape(w.shape)}`);
  if (w && w.device !== x.device) fail('bincount', `expected input and weights on the same device, got '${x.device}' and '${w.device}'`);
  const host = hostElements('bincount', x);
  let max = -1;
  for (const v of host) {
    if (v < 0) fail('bincount', `the input must be non-negative, got ${v}`);
    max = Math.max(max, v);
  }
  if (w === undefined && host.length >= EXACT_COUNT) fail('bincount', `at most ${EXACT_COUNT - 1} elements are supported, got ${host.length}`);
  const bins = Math.max(max + 1, minlength);
  const src = w === undefined ? full([x.shape[0]], 1, { device: x.device }) : isFloating(w.dtype) ? w : cast(w, 'float32');
  const sums = scatterAdd(full([bins], 0, { dtype: src.dtype, device: x.device }), 0, x, src);
  return w === undefined ? cast(sums, 'int32') : sums;
}
