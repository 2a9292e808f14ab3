/**
 * Softmax and log-softmax as ops of their own: forward in two kernels (the row max, then one
 * reduction that sums exp(x - max) and, in the same kernel, writes every element of the result
 * from the row's sum: the backend's post-reduction step, as torch.compile's row fusion uses), and
 * their gradients in one (the row sum of g or g * y, then each element). The composites
 * (composite.ts) run five kernels forward and more backward; they still run while a function is
 * traced for torch.compile, which fuses them itself.
 *
 * As in PyTorch's kernels, a row whose max is infinite (all -inf, or holding +inf) comes out NaN.
 */
import { isFloating, type DType } from '../core/dtype';
import { isTracing } from '../core/runtime';
import { contiguousStrides } from '../core/shape';
import { plainSource, type View } from '../backends/backend';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { assertLive, emptyTensor, viewOf, viewTensor } from './make';
import type { Expr } from './op-types';

/** Whether softmax of `x` may take the fused path. */
export function rowSoftmaxApplies(x: Tensor): boolean {
  return !isTracing() && isFloating(x.dtype) && x.ndim > 0 && x.numel() > 0;
}

const input = (index: number, dtype: DType): Expr => ({ kind: 'input', index, dtype });
const unary = (op: 'exp' | 'log', x: Expr): Expr => ({ kind: 'unary', op, x, dtype: x.dtype });
const binary = (op: 'add' | 'sub' | 'mul' | 'div', a: Expr, b: Expr): Expr => ({ kind: 'binary', op, a, b, dtype: a.dtype });

/** Dim `d` of tensors shaped like `shape` moved last: the order of dims, and the rows' shape. */
function rowsLayout(shape: readonly number[], d: number) {
  const order = [...shape.keys()].filter((i) => i !== d).concat(d);
  return { order, shape: order.map((i) => shape[i]), rows: order.filter((i) => i !== d).map((i) => shape[i]) };
}

/** `t` as a view with dim `d` last. */
function rowsView(t: Tensor, order: readonly number[]): View {
  return { ...viewOf(t), shape: order.map((i) => t.shape[i]), strides: order.map((i) => t.strides[i]) };
}

/**
 * One reduction kernel over rows along dim `d`: sums `source` over `leaves` per row, then writes
 * `post` (leaf 0: the row's sum, then the leaves) at every element. Returns the result in the
 * leaves' dim order.
 */
function sumThenEach(
  leaves: readonly View[],
  like: Tensor,
  order: readonly number[],
  shape: readonly number[],
  rows: readonly number[],
  source: Expr,
  post: Expr,
): Tensor {
  const t = like.dtype;
  const sums = emptyTensor(like.device, rows, t);
  const out = emptyTensor(like.device, shape, t);
  like.backend.reduce('sum', { expr: source, leaves, scalars: [] }, rows.length, viewOf(sums), undefined, {
    expr: post,
    leaves,
    scalars: [],
    out: viewOf(out),
  });
  const back = new Array<number>(order.length);
  order.forEach((src, i) => (back[src] = i));
  return viewTensor(
    out,
    back.map((i) => out.shape[i]),
    back.map((i) => out.strides[i]),
    0,
  );
}

/** softmax (log = false) or log-softmax of `x` along dim `d` (normalized). */
export function rowSoftmax(x: Tensor, d: number, log: boolean): Tensor {
  assertLive(log ? 'logSoftmax' : 'softmax', [x]);
  const t = x.dtype;
  const { order, shape, rows } = rowsLayout(x.shape, d);
  const xs = rowsView(x, order);
  const max = emptyTensor(x.device, rows, t);
  max.backend.reduce('max', plainSource(xs), rows.length, viewOf(max));
  const maxAlongRow: View = { ...viewOf(max), shape, strides: [...contiguousStrides(rows), 0] };
  const shifted = binary('sub', input(1, t), input(2, t));
  const post = log ? binary('sub', shifted, unary('log', input(0, t))) : binary('div', unary('exp', shifted), input(0, t));
  const source = unary('exp', binary('sub', input(0, t), input(1, t)));
  const out = sumThenEach([xs, maxAlongRow], x, order, shape, rows, source, post);
  return record(out, log ? 'logSoftmax' : 'softmax', [x], { dim: d });
}

/**
 * The gradient of softmax (y * (g - sum(g * y))) or log-softmax (g - exp(y) * sum(g)) along dim
 * `d`, given the output `y` and its gradient `g`: one kernel.
 */
export function rowSoftmaxGrad(g: Tensor, y: Tensor, d: number, log: boolean): Tensor {
  const t = y.dtype;
  const grad = g.dtype === t ? g : g.to(t);
  const { order, shape, rows } = rowsLayout(y.shape, d);
  const [gv, yv] = [input(1, t), input(2, t)];
  const source = log ? input(0, t) : binary('mul', input(0, t), input(1, t));
  const post = log ? binary('sub', gv, binary('mul', unary('exp', yv), input(0, t))) : binary('mul', yv, binary('sub', gv, input(0, t)));
  return sumThenEach([rowsView(grad, order), rowsView(y, order)], y, order, shape, rows, source, post);
}
