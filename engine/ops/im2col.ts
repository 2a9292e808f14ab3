/**
 * A convolution's patch gather (im2col) as an op of its own, so its gradient is col2im
 * (Backend.col2im): each padded input position sums the patch entries that read it, in one
 * kernel without atomics (a gather's generic gradient is a scatter-add with atomic adds). While
 * a function is traced for torch.compile, or for a dtype other than float32, the patches are a
 * plain gather with its scatter-add gradient.
 */
import { isTracing, withGradMode } from '../core/runtime';
import type { Col2imWindow } from '../backends/backend';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { gather, scatterAdd } from './indexing';
import { emptyTensor, viewOf } from './make';

/** Patches of `planes` [B, L, C] at the 1-d window index `idx` (plane positions, in `window`'s order): [B, idx.length, C]. */
export function im2col(planes: Tensor, idx: Tensor, window: Col2imWindow): Tensor {
  const [b, , c] = planes.shape;
  const index = idx.reshape([1, -1, 1]).expand([b, idx.shape[0], c]);
  if (isTracing() || planes.dtype !== 'float32') return gather(planes, 1, index);
  const cols = withGradMode(false, () => gather(planes, 1, index));
  return record(cols, 'im2col', [planes], { window, index, planeShape: planes.shape });
}

/** im2col's gradient: `g` [B, J, C] summed back onto the planes [B, L, C] by one col2im kernel (a scatter-add when traced or not float32). */
export function col2im(g: Tensor, window: Col2imWindow, index: Tensor, planeShape: readonly number[]): Tensor {
  if (isTracing() || g.dtype !== 'float32') return scatterAdd(emptyTensor(g.device, planeShape, g.dtype, true), 1, index, g);
  const gc = g.contiguous();
  const out = emptyTensor(g.device, planeShape, g.dtype);
  g.backend.col2im(viewOf(gc), viewOf(out), window);
  return record(out, 'col2im', [g], { window, index, planeShape });
}

/** col2im's gradient (for gradients of gradients): it is linear, and its adjoint is im2col. */
export function col2imGrad(gg: Tensor, window: Col2imWindow, index: Tensor): Tensor {
  return im2col(gg, index.select(0, 0).select(1, 0), window);
}
