/** Vector functions (PyTorch's F.oneHot, normalize, cosineSimilarity, pairwiseDistance), composed from differentiable ops. */
import { fail, fmtShape } from '../core/errors';
import { broadcastShapes } from '../core/shape';
import { arange } from '../ops/creation';
import { firstOutOfRange } from '../ops/indexing';
import { Tensor } from '../tensor';

/** `[..., numClasses]` int32: 1 at each value of the int32 `x`, 0 elsewhere. */
export function oneHot(x: Tensor, numClasses: number): Tensor {
  const op = 'oneHot';
  if (!(x instanceof Tensor)) fail(op, `input must be a Tensor, got ${typeof x}`);
  if (x.dtype !== 'int32') fail(op, `expects an int32 tensor of class indices, got ${x.dtype}`);
  if (numClasses === undefined || numClasses === -1) fail(op, 'numClasses is needed (inferring it would read the values back from the device)');
  if (!Number.isInteger(numClasses) || numClasses < 0) fail(op, `numClasses must be a non-negative integer, got ${numClasses}`);
  const bad = firstOutOfRange(x, 0, numClasses);
  if (bad !== null) fail(op, `class values must be in [0, ${numClasses}), got ${bad}`);
  return x
    .unsqueeze(-1)
    .eq(arange(numClasses, { dtype: 'int32', device: x.device }))
    .int();
}

/** `x / max(‖x‖_p, eps)` along `dim` (p 2, dim 1, eps 1e-12 by default). */
export function normalize(x: Tensor, opts: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  if (!(x instanceof Tensor)) fail('normalize', `input must be a Tensor, got ${typeof x}`);
  const norm = x.norm(opts.p ?? 2, opts.dim ?? 1, true);
  return x.div(norm.clamp(opts.eps ?? 1e-12));
}

/** The cosine of the angle between `a` and `b` (broadcast) along `dim` (1): `Σ a·b / (max(‖a‖, eps) · max(‖b‖, eps))`, eps 1e-8. */
export function cosineSimilarity(a: Tensor, b: Tensor, opts: { dim?: number; eps?: number } = {}): Tensor {
  const op = 'cosineSimilarity';
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) fail(op, 'both inputs must be Tensors');
  const shape = broadcastShapes(op, a.shape, b.shape);
  const [x, y] = [a.expand(shape), b.expand(shape)];
  const dim = opts.dim ?? 1;
  if (dim < -shape.length || dim >= shape.length) fail(op, `dim ${dim} is out of range for the broadcast shape ${fmtShape(shape)}`);
  const eps = opts.eps ?? 1e-8;
  return x
    .div(x.norm(2, dim, true).clamp(eps))
    .mul(y.div(y.norm(2, dim, true).clamp(eps)))
    .sum(dim);
}

/** The p-norm of `a - b + eps` along the last dim (p 2, eps 1e-6), as PyTorch's pairwise_distance. */
export function pairwiseDistance(a: Tensor, b: Tensor, opts: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  const op = 'pairwiseDistance';
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) fail(op, 'both inputs must be Tensors');
  broadcastShapes(op, a.shape, b.shape);
  return a
    .sub(b)
    .add(opts.eps ?? 1e-6)
    .norm(opts.p ?? 2, -1, opts.keepdim ?? false);
}
