/** Integer indexing: gather, indexSelect, and masked fills. */
import { fail, fmtShape } from '../core/errors';
import { normalizeDim } from '../core/shape';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { isFloating } from '../core/dtype';
import type { CpuStorage } from '../backends/cpu/cpu-backend';
import { copy, where } from './elementwise';
import { assertLive, commonDevice, emptyTensor, viewOf } from './make';
import { expand, reshape } from './views';

export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  assertLive('gather', [x, index]);
  commonDevice('gather', [x, index]);
  if (index.dtype !== 'int32') fail('gather', `index must be an int32 tensor, got ${index.dtype}`);
  const d = normalizeDim('gather', dim, x.ndim);
  if (index.ndim !== x.ndim) fail('gather', `index ${fmtShape(index.shape)} and input ${fmtShape(x.shape)} must have the same number of dimensions`);
  index.shape.forEach((s, k) => {
    if (k !== d && s > x.shape[k]) fail('gather', `index ${fmtShape(index.shape)} is larger than input ${fmtShape(x.shape)} at dimension ${k}`);
  });
  checkIndexRange('gather', index, x.shape[d]);
  const out = emptyTensor(x.device, index.shape, x.dtype);
  x.backend.gather(viewOf(x), d, viewOf(index), viewOf(out));
  return record(out, 'gather', [x], { dim: d, index });
}

export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  if (index.ndim > 1) fail('indexSelect', `index must be 0-D or 1-D, got shape ${fmtShape(index.shape)}`);
  const d = normalizeDim('indexSelect', dim, x.ndim);
  const n = index.numel();
  const shape = x.shape.map((s, k) => (k === d ? n : s));
  const idxShape = x.shape.map((_, k) => (k === d ? n : 1));
  return gather(x, d, expand(reshape(index, idxShape), shape));
}

/** Fills positions where `mask` is true with `value`, as masked_fill does. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (mask.dtype !== 'bool') fail('maskedFill', `mask must be a bool tensor, got ${mask.dtype}`);
  const out = where(mask, value, x);
  return out.dtype === x.dtype ? out : out.to(x.dtype);
}

/** Index values can be checked without waiting only where they already sit in CPU memory. */
function checkIndexRange(op: string, index: Tensor, size: number): void {
  if (index.device !== 'cpu' || (index.storageRef.storage as CpuStorage).pending) return;
  const data = index.cpuValues();
  for (const v of data) {
    if (v < -size || v >= size) fail(op, `index ${v} is out of bounds for dimension of size ${size}`);
  }
}

/** A copy of `x` with `src` added at `index` along `dim` (PyTorch's scatter_add). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  assertLive('scatterAdd', [x, index, src]);
  commonDevice('scatterAdd', [x, index, src]);
  if (index.dtype !== 'int32') fail('scatterAdd', `index must be an int32 tensor, got ${index.dtype}`);
  if (!isFloating(x.dtype) || src.dtype !== x.dtype) fail('scatterAdd', `expected floating tensors of one dtype, got ${x.dtype} and ${src.dtype}`);
  const d = normalizeDim('scatterAdd', dim, x.ndim);
  if (index.ndim !== x.ndim || index.shape.some((s, k) => s > src.shape[k] || (k !== d && s > x.shape[k]))) {
    fail('scatterAdd', `index ${fmtShape(index.shape)} must fit within src ${fmtShape(src.shape)} and, outside dim ${d}, within the input ${fmtShape(x.shape)}`);
  }
  checkIndexRange('scatterAdd', index, x.shape[d]);
  const out = copy(x);
  x.backend.scatterAdd(viewOf(src), d, viewOf(index), viewOf(out));
  return record(out, 'scatterAdd', [x, src], { dim: d, index });
}
