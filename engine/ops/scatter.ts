/** scatter (assignment), the user-facing scatterAdd, and searchsorted (composite ops of API.md §5). */
import { getBackend } from '../core/runtime';
import { toTypedArray, type DType } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { normalizeDim } from '../core/shape';
import { record } from '../autograd/graph';
import type { View } from '../backends/backend';
import type { Tensor } from '../tensor';
import { cast, copy } from './elementwise';
import { firstOutOfRange, gather, scatterAdd as scatterAddKernel } from './indexing';
import { assertLive, commonDevice, emptyTensor, tensorFromData, viewOf } from './make';
import { reshape } from './views';

/** PyTorch's checks shared by scatter and scatterAdd: int32 index of the input's rank, fitting src and (off `dim`) the input. */
function checkScatter(op: string, x: Tensor, dim: number, index: Tensor, srcShape: readonly number[] | null): number {
  if (index.dtype !== 'int32') fail(op, `index must be an int32 tensor, got ${index.dtype}`);
  if (x.ndim === 0) fail(op, 'the input must have at least one dimension, got a 0-d tensor (reshape it to [1])');
  const d = normalizeDim(op, dim, x.ndim);
  if (index.ndim !== x.ndim) fail(op, `index ${fmtShape(index.shape)} and input ${fmtShape(x.shape)} must have the same number of dimensions`);
  if (srcShape && srcShape.length !== x.ndim) fail(op, `src ${fmtShape(srcShape)} and input ${fmtShape(x.shape)} must have the same number of dimensions`);
  index.shape.forEach((s, k) => {
    if (srcShape && s > srcShape[k]) fail(op, `index ${fmtShape(index.shape)} is larger than src ${fmtShape(srcShape)} at dimension ${k}`);
    if (k !== d && s > x.shape[k]) fail(op, `index ${fmtShape(index.shape)} is larger than input ${fmtShape(x.shape)} at dimension ${k} (dim is ${d})`);
  });
  const size = x.shape[d];
  const bad = firstOutOfRange(index, -size, size);
  if (bad !== null) fail(op, `index ${bad} is out of bounds for dimension ${d} of size ${size}`);
  return d;
}

/** A view of one value repeated over `shape` (stride 0), for a number `src`. */
function scalarView(x: Tensor, value: number | boolean, shape: readonly number[]): { view: View; keep: Tensor } {
  const one = tensorFromData(x.device, toTypedArray([Number(value)], x.dtype), [1], x.dtype);
  return { view: { ...viewOf(one), shape, strides: shape.map(() => 0) }, keep: one };
}

/** A copy of `x` with `src` (a tensor or a number) written at `index` along `dim` (PyTorch's scatter). */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean): Tensor {
  const isTensor = typeof src === 'object' && src !== null;
  if (!isTensor && typeof src !== 'number' && typeof src !== 'boolean')
    fail('scatter', `src must be a tensor or a number, got ${src === null ? 'null' : typeof src}`);
  assertLive('scatter', isTensor ? [x, index, src] : [x, index]);
  commonDevice('scatter', isTensor ? [x, index, src] : [x, index]);
  if (isTensor && src.dtype !== x.dtype) fail('scatter', `src (${src.dtype}) must have the input's dtype (${x.dtype})`);
  const d = checkScatter('scatter', x, dim, index, isTensor ? src.shape : null);
  const out = copy(x);
  const source = isTensor ? { view: viewOf(src), keep: src } : scalarView(x, src, index.shape);
  x.backend.scatter(source.view, d, viewOf(index), viewOf(out));
  return isTensor ? record(out, 'scatter', [x, src], { dim: d, index }) : record(out, 'scatter', [x], { dim: d, index, value: src as number | boolean });
}

/** Writes `src` (a tensor or a number) at `index` along `dim` into `x` itself, one kernel (scatter_ with nothing to record). */
export function scatterInto(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, op = 'scatter_'): void {
  const isTensor = typeof src === 'object' && src !== null;
  if (isTensor && src.dtype !== x.dtype) fail(op, `src (${src.dtype}) must have the input's dtype (${x.dtype})`);
  const d = checkScatter(op, x, dim, index, isTensor ? src.shape : null);
  const source = isTensor ? { view: viewOf(src), keep: src } : scalarView(x, src, index.shape);
  getBackend(x.device).scatter(source.view, d, viewOf(index), viewOf(x), { op, dim: d });
}

/** A copy of `x` with `src` (a tensor or a number) added at `index` along `dim` (PyTorch's scatter_add). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  if (typeof src === 'number') {
    const d = checkScatter('scatterAdd', x, dim, index, null);
    const full = tensorFromData(x.device, toTypedArray([src], x.dtype), [1], x.dtype);
    return scatterAddKernel(
      x,
      d,
      index,
      reshape(
        full,
        index.shape.map(() => 1),
      ).expand(index.shape),
    );
  }
  if (typeof src !== 'object' || src === null) fail('scatterAdd', `src must be a tensor or a number, got ${src === null ? 'null' : typeof src}`);
  checkScatter('scatterAdd', x, dim, index, src.shape);
  return scatterAddKernel(x, dim, index, src);
}

/** scatter's gradient (PyTorch's): the input's is g with the scattered positions zeroed, src's is g gathered at index. */
export function scatterGrad(g: Tensor, inputs: readonly Tensor[], dim: number, index: Tensor): (Tensor | null)[] {
  const self = inputs[0].requiresGrad ? scatter(g, dim, index, 0) : null;
  return inputs.length > 1 ? [self, inputs[1].requiresGrad ? gather(g, dim, index) : null] : [self];
}

/** Options of searchsorted: `right` (or `side: 'right'`) finds the first element greater than each value. */
export interface SearchSortedOptions {
  right?: boolean;
  side?: 'left' | 'right';
}

/**
 * For each of `values`, the index where it would be inserted into the ascending last dim of
 * `sorted` to keep it sorted (PyTorch's searchsorted): a 1-D `sorted` serves values of any shape,
 * an N-D one has the values' leading dims. Returns int32.
 */
export function searchsorted(sorted: Tensor, values: Tensor | number, opts: SearchSortedOptions = {}): Tensor {
  const op = 'searchsorted';
  if (typeof sorted !== 'object' || sorted === null) fail(op, 'sortedSequence must be a tensor');
  if (opts.side !== undefined && opts.side !== 'left' && opts.side !== 'right') fail(op, `side must be 'left' or 'right', got '${String(opts.side)}'`);
  if (opts.side !== undefined && opts.right !== undefined && opts.right !== (opts.side === 'right'))
    fail(op, `side '${opts.side}' contradicts right: ${opts.right}`);
  const right = opts.right ?? opts.side === 'right';
  if (sorted.ndim === 0) fail(op, 'sortedSequence must have at least one dimension, got a 0-d tensor');
  const vals = typeof values === 'number' ? tensorFromData(sorted.device, toTypedArray([values], sorted.dtype), [], sorted.dtype) : values;
  assertLive(op, [sorted, vals]);
  commonDevice(op, [sorted, vals]);
  if (sorted.dtype === 'bool' || vals.dtype === 'bool') fail(op, `expected numeric tensors, got ${sorted.dtype} and ${vals.dtype}`);
  const dtype: DType = sorted.dtype === vals.dtype ? sorted.dtype : 'float32';
  const seq = cast(sorted, dtype);
  let v = cast(vals, dtype);
  let rows: Tensor;
  let outShape: readonly number[];
  if (seq.ndim === 1) {
    outShape = v.shape;
    v = reshape(v, [1, v.numel()]);
    rows = reshape(seq, [1, seq.shape[0]]);
  } else {
    if (v.ndim !== seq.ndim || v.shape.slice(0, -1).some((s, k) => s !== seq.shape[k]))
      fail(
        op,
        `boundaries ${fmtShape(sorted.shape)} and values ${fmtShape(vals.shape)} must have the same leading dimensions (all but the last); a 1-D sortedSequence serves values of any shape`,
      );
    outShape = v.shape;
    rows = seq;
  }
  const out = emptyTensor(sorted.device, v.shape, 'int32');
  if (rows.shape[rows.ndim - 1] === 0) return reshape(out, outShape);
  sorted.backend.searchSorted(viewOf(rows), viewOf(v), viewOf(out), right);
  return reshape(out, outShape);
}
