/** Reductions over dims, arg-reductions, and cumulative sums. */
import { fail, fmtShape } from '../core/errors';
import { isFloating, type DType } from '../core/dtype';
import { contiguousStrides, normalizeDim, normalizeDims, numel } from '../core/shape';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { assertLive, emptyTensor, viewOf, viewTensor } from './make';
import { plainSource } from '../backends/backend';
import type { ArgReduceOp, ReduceOp } from './op-types';
import { permute, reshape, unsqueeze } from './views';

export type Dims = number | readonly number[] | undefined;

/** The shape a keepdim reduction gives: reduced dims become 1. */
function keepdimShape(x: Tensor, dims: readonly number[]): number[] {
  return x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

export function reduce(op: ReduceOp, x: Tensor, dim: Dims, keepdim = false): Tensor {
  assertLive(op, [x]);
  const dims = normalizeDims(op, dim, x.ndim);
  const reducedCount = numel(dims.map((d) => x.shape[d]));
  if (reducedCount === 0 && (op === 'max' || op === 'min'))
    fail(op, `cannot reduce over an empty dimension of shape ${fmtShape(x.shape)} (the identity is undefined)`);
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const dtype: DType = (op === 'sum' || op === 'prod') && !isFloating(x.dtype) ? 'int32' : x.dtype;
  const out = emptyTensor(
    x.device,
    kept.map((i) => x.shape[i]),
    dtype,
  );
  const order = [...kept, ...dims];
  const input = { ...viewOf(x), shape: order.map((i) => x.shape[i]), strides: order.map((i) => x.strides[i]) };
  out.backend.reduce(op, plainSource(input), kept.length, viewOf(out));
  const shape = keepdimShape(x, dims);
  const result = keepdim ? viewTensor(out, shape, contiguousStrides(shape), 0) : out;
  return record(result, op, [x], { dims, keepdim });
}

/** Moves `dim` to the end (a view) so kernels can walk it as the innermost axis. */
function dimLast(x: Tensor, d: number): Tensor {
  const order = [...Array(x.ndim).keys()].filter((i) => i !== d);
  return permute(x, [...order, d]);
}

export function argReduce(op: ArgReduceOp, x: Tensor, dim: number | undefined, keepdim = false): { values: Tensor; indices: Tensor } {
  assertLive(op, [x]);
  if (x.numel() === 0) fail(op, `cannot reduce an empty tensor of shape ${fmtShape(x.shape)}`);
  if (dim === undefined) {
    const flat = reshape(x, [-1]);
    const r = argReduce(op, flat, 0, false);
    return keepdim
      ? {
          values: reshape(
            r.values,
            x.shape.map(() => 1),
          ),
          indices: reshape(
            r.indices,
            x.shape.map(() => 1),
          ),
        }
      : r;
  }
  const d = normalizeDim(op, dim, x.ndim);
  const source = x.ndim === 0 ? reshape(x, [1]) : dimLast(x, d);
  const outShape = source.shape.slice(0, -1);
  const values = emptyTensor(x.device, outShape, x.dtype);
  const indices = emptyTensor(x.device, outShape, 'int32');
  values.backend.argReduce(op, viewOf(source), viewOf(values), viewOf(indices));
  const fix = (t: Tensor) => (keepdim && x.ndim > 0 ? unsqueeze(t, d) : t);
  const v = record(values, 'argReduceValues', [x], { op, dim: d, indices });
  return { values: fix(v), indices: fix(indices) };
}

export function cumsum(x: Tensor, dim: number): Tensor {
  assertLive('cumsum', [x]);
  const d = normalizeDim('cumsum', dim, x.ndim);
  if (x.ndim === 0) return x.clone();
  const source = dimLast(x, d);
  const dtype: DType = isFloating(x.dtype) ? x.dtype : 'int32';
  const out = emptyTensor(x.device, source.shape, dtype);
  out.backend.cumsum(viewOf(source), viewOf(out));
  const order = [...Array(x.ndim).keys()].filter((i) => i !== d);
  const inverse = new Array<number>(x.ndim);
  [...order, d].forEach((src, i) => (inverse[src] = i));
  const back = viewTensor(
    out,
    inverse.map((i) => out.shape[i]),
    inverse.map((i) => out.strides[i]),
    0,
  );
  return record(back, 'cumsum', [x], { dim: d });
}
