/**
 * Softmax and log-softmax in two kernels where no gradient is recorded: the row max, then one
 * reduction that sums exp(x - max) and, in the same kernel, writes every element of the result
 * from the row's sum (the backend's post-reduction step, as torch.compile's row fusion uses).
 * The composite versions (composite.ts) run five kernels; with a gradient to record, or while a
 * function is being traced for torch.compile (which fuses the composite itself), they run instead,
 * so autograd and the compiler see the primitives.
 *
 * As in PyTorch's kernels, a row whose max is infinite (all -inf, or holding +inf) comes out NaN.
 */
import { isFloating, type DType } from '../core/dtype';
import { isGradEnabled, isTracing } from '../core/runtime';
import { contiguousStrides } from '../core/shape';
import type { View } from '../backends/backend';
import { plainSource } from '../backends/backend';
import type { Tensor } from '../tensor';
import { assertLive, emptyTensor, viewOf, viewTensor } from './make';
import type { Expr } from './op-types';

/** Whether softmax of `x` may take the two-kernel path. */
export function rowSoftmaxApplies(x: Tensor): boolean {
  return !isTracing() && !(isGradEnabled() && x.requiresGrad) && isFloating(x.dtype) && x.ndim > 0 && x.numel() > 0;
}

const input = (index: number, dtype: DType): Expr => ({ kind: 'input', index, dtype });

/** softmax (log = false) or log-softmax of `x` along dim `d` (normalized), in two kernels. */
export function rowSoftmax(x: Tensor, d: number, log: boolean): Tensor {
  assertLive(log ? 'logSoftmax' : 'softmax', [x]);
  const t = x.dtype;
  const backend = x.backend;
  // The softmax dim last: a view of x, and the shape the results are computed in.
  const order = [...Array(x.ndim).keys()].filter((i) => i !== d).concat(d);
  const shape = order.map((i) => x.shape[i]);
  const rows = shape.slice(0, -1);
  const kept = rows.length;
  const xs: View = { ...viewOf(x), shape, strides: order.map((i) => x.strides[i]) };

  // Kernel 1: each row's max.
  const max = emptyTensor(x.device, rows, t);
  backend.reduce('max', plainSource(xs), kept, viewOf(max));

  // Kernel 2: the sum of exp(x - max) per row, then every element from it.
  const maxAlongRow: View = { ...viewOf(max), shape, strides: [...contiguousStrides(rows), 0] };
  const shifted: Expr = { kind: 'binary', op: 'sub', a: input(1, t), b: input(2, t), dtype: t };
  const source: Expr = { kind: 'unary', op: 'exp', x: { kind: 'binary', op: 'sub', a: input(0, t), b: input(1, t), dtype: t }, dtype: t };
  const post: Expr = log
    ? { kind: 'binary', op: 'sub', a: shifted, b: { kind: 'unary', op: 'log', x: input(0, t), dtype: t }, dtype: t }
    : { kind: 'binary', op: 'div', a: { kind: 'unary', op: 'exp', x: shifted, dtype: t }, b: input(0, t), dtype: t };
  const sums = emptyTensor(x.device, rows, t);
  const out = emptyTensor(x.device, shape, t);
  backend.reduce('sum', { expr: source, leaves: [xs, maxAlongRow], scalars: [] }, kept, viewOf(sums), undefined, {
    expr: post, leaves: [xs, maxAlongRow], scalars: [], out: viewOf(out),
  });

  // Back to x's dim order (a view).
  const back = new Array<number>(x.ndim);
  order.forEach((src, i) => (back[src] = i));
  return viewTensor(out, back.map((i) => out.shape[i]), back.map((i) => out.strides[i]), 0);
}
