/**
 * Max and average pooling as kernels of their own (Backend.pool2d): one dispatch forward, one
 * backward (each input element gathers the gradients of the windows it sits in; max routes each
 * window's gradient to its argmax). While a function is traced for torch.compile, pools take
 * their composite path (windows, then a reduction) instead.
 */
import { isTracing } from '../core/runtime';
import type { PoolOp, PoolWindow } from '../backends/backend';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { gather } from './indexing';
import { assertLive, emptyTensor, viewOf } from './make';

/** Whether pooling of `x` takes the kernel path (float32, not traced). */
export function poolKernelApplies(x: Tensor): boolean {
  return !isTracing() && x.dtype === 'float32' && x.ndim === 4;
}

/** Pooling of `x` [N, C, H, W] over `window` by one kernel: [N, C, outH, outW]. */
export function pool2dKernel(op: string, kind: PoolOp, x: Tensor, window: PoolWindow): Tensor {
  return pool2dWithIndices(op, kind, x, window).out;
}

/** pool2dKernel, with max's argmax per window (null for avg). */
export function pool2dWithIndices(op: string, kind: PoolOp, x: Tensor, window: PoolWindow): { out: Tensor; indices: Tensor | null } {
  assertLive(op, [x]);
  const [n, c] = x.shape;
  const xc = x.contiguous();
  const out = emptyTensor(x.device, [n, c, window.outH, window.outW], x.dtype);
  const indices = kind === 'max' ? emptyTensor(x.device, out.shape, 'int32') : null;
  x.backend.pool2d(kind, viewOf(xc), viewOf(out), indices && viewOf(indices), window);
  return { out: record(out, 'pool2d', [x], { kind, window, indices, inputShape: x.shape }), indices };
}

/** pool2dKernel's gradient: `g` [N, C, outH, outW] back to `inputShape`, by one kernel. */
export function pool2dGrad(kind: PoolOp, g: Tensor, indices: Tensor | null, inputShape: readonly number[], window: PoolWindow): Tensor {
  const gc = g.contiguous();
  const out = emptyTensor(g.device, inputShape, g.dtype);
  g.backend.pool2dGrad(kind, viewOf(gc), indices && viewOf(indices), viewOf(out), window);
  return record(out, 'pool2dGrad', [g], { kind, window, indices });
}

/**
 * The gradient of pool2dGrad (for gradients of gradients): it is linear in `g`, so its adjoint
 * applied to `gg` is the forward pool (avg) or `gg` read at each window's argmax (max).
 */
export function pool2dGradGrad(kind: PoolOp, gg: Tensor, indices: Tensor | null, window: PoolWindow): Tensor {
  if (kind === 'avg') return pool2dKernel('avgPool2d', 'avg', gg, window);
  const [n, c, h, w] = gg.shape;
  const flat = gather(gg.reshape([n * c, h * w]), 1, indices!.reshape([n * c, window.outH * window.outW]));
  return flat.reshape([n, c, window.outH, window.outW]);
}
