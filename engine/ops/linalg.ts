/** matmul with PyTorch's 1-D promotion and batch broadcasting; operands are read strided. */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { broadcastShapes } from '../core/shape';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { assertLive, commonDevice, emptyTensor, viewOf } from './make';
import { expand, squeeze, unsqueeze } from './views';

export function matmul(a: Tensor, b: Tensor): Tensor {
  assertLive('matmul', [a, b]);
  const device = commonDevice('matmul', [a, b]);
  if (a.ndim === 0 || b.ndim === 0) fail('matmul', `both arguments need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.dtype !== b.dtype || !isFloating(a.dtype)) fail('matmul', `expected two floating tensors of one dtype, got ${a.dtype} and ${b.dtype}`);
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const [m, k] = a2.shape.slice(-2);
  const [k2, n] = b2.shape.slice(-2);
  if (k !== k2)
    fail(
      'matmul',
      `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${m}x${k} and ${k2}x${n}: inner dimensions ${k} and ${k2} differ)`,
    );
  const batch = broadcastShapes(`matmul (batch dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`, a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const ae = expand(a2, [...batch, m, k]);
  const be = expand(b2, [...batch, k, n]);
  const out = emptyTensor(device, [...batch, m, n], a.dtype);
  out.backend.matmul(viewOf(ae), viewOf(be), viewOf(out));
  const recorded = record(out, 'matmul', [ae, be], {});
  let result = recorded;
  if (a.ndim === 1) result = squeeze(result, -2);
  if (b.ndim === 1) result = squeeze(result, -1);
  return result;
}
