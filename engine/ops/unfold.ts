/** x.unfold(dim, size, step): every window of `size` elements along `dim`, `step` apart, as a view (overlapping strides, no copy). */
import { toTypedArray } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { normalizeDim } from '../core/shape';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { scatterAdd } from './indexing';
import { assertLive, emptyTensor, tensorFromData, viewTensor } from './make';
import { permute, reshape } from './views';

/** The windows of `x` along `dim` as a view: dim becomes the window count and a last dim of `size` walks each window. */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  const op = 'unfold';
  assertLive(op, [x]);
  if (!Number.isInteger(size) || size < 0) fail(op, `size must be a non-negative integer, got ${size}`);
  if (!Number.isInteger(step) || step <= 0) fail(op, `step must be a positive integer, got ${step}`);
  const d = normalizeDim(op, dim, Math.max(x.ndim, 1));
  const extent = x.ndim === 0 ? 1 : x.shape[d];
  if (size > extent) fail(op, `maximum size for tensor at dimension ${d} is ${extent} but size is ${size} (shape ${fmtShape(x.shape)})`);
  const count = Math.floor((extent - size) / step) + 1;
  const stride = x.ndim === 0 ? 1 : x.strides[d];
  const shape = x.ndim === 0 ? [size] : [...x.shape.map((s, k) => (k === d ? count : s)), size];
  const strides = x.ndim === 0 ? [1] : [...x.strides.map((s, k) => (k === d ? s * step : s)), stride];
  return record(viewTensor(x, shape, strides, x.offset), 'unfold', [x], { dim: d, size, step });
}

/** unfold's gradient: each window's gradient added back where the window sat (overlaps add), by one scatterAdd. */
export function unfoldGrad(g: Tensor, x: Tensor, dim: number, size: number, step: number): Tensor {
  if (x.ndim === 0) return reshape(g.sum(), []);
  const count = g.shape[dim];
  // [..., count, ..., size] -> [..., count, size, ...] -> [..., count * size, ...]
  const order = [...Array(g.ndim - 1).keys()];
  order.splice(dim + 1, 0, g.ndim - 1);
  const flatShape = x.shape.map((s, k) => (k === dim ? count * size : s));
  const src = reshape(permute(g, order), flatShape);
  const positions = Array.from({ length: count * size }, (_, i) => Math.floor(i / size) * step + (i % size));
  const index = tensorFromData(x.device, toTypedArray(positions, 'int32'), [count * size], 'int32');
  const expanded = reshape(
    index,
    flatShape.map((s, k) => (k === dim ? s : 1)),
  ).expand(flatShape);
  return scatterAdd(emptyTensor(x.device, x.shape, g.dtype, true), dim, expanded, src);
}
