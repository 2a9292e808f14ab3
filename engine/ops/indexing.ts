/** Integer indexing: gather, indexSelect, and masked fills. */
import { getBackend } from '../core/runtime';
import { fail, fmtShape } from '../core/errors';
import { normalizeDim } from '../core/shape';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { isFloating } from '../core/dtype';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { viewOffsets } from '../backends/cpu/strided';
import { copy, where } from './elementwise';
import { assertLive, commonDevice, emptyTensor, hostValuesOf, viewOf } from './make';
import { expand, reshape } from './views';

/**
 * `op` names the call the user made (indexSelect and embedding gather too); `reportDim`, the dim of
 * the tensor they indexed that a bad index is reported against (default: `dim`).
 */
export function gather(x: Tensor, dim: number, index: Tensor, op = 'gather', reportDim?: number): Tensor {
  assertLive(op, [x, index]);
  commonDevice(op, [x, index]);
  if (index.dtype !== 'int32') fail(op, `index must be an int32 tensor, got ${index.dtype}`);
  const d = normalizeDim(op, dim, x.ndim);
  if (index.ndim !== x.ndim) fail(op, `index ${fmtShape(index.shape)} and input ${fmtShape(x.shape)} must have the same number of dimensions`);
  index.shape.forEach((s, k) => {
    if (k !== d && s > x.shape[k]) fail(op, `index ${fmtShape(index.shape)} is larger than input ${fmtShape(x.shape)} at dimension ${k}`);
  });
  checkIndexRange(op, index, reportDim ?? d, x.shape[d]);
  const out = emptyTensor(x.device, index.shape, x.dtype);
  out.backend.gather(viewOf(x), d, viewOf(index), viewOf(out), { op, dim: reportDim ?? d });
  return record(out, 'gather', [x], { dim: d, index });
}

export function indexSelect(x: Tensor, dim: number, index: Tensor, op = 'indexSelect'): Tensor {
  if (index.ndim > 1) fail(op, `index must be 0-D or 1-D, got shape ${fmtShape(index.shape)}`);
  if (index.dtype !== 'int32') fail(op, `index must be an int32 tensor, got ${index.dtype}`);
  const d = normalizeDim(op, dim, x.ndim);
  const n = index.numel();
  const shape = x.shape.map((s, k) => (k === d ? n : s));
  const idxShape = x.shape.map((_, k) => (k === d ? n : 1));
  return gather(x, d, expand(reshape(index, idxShape), shape), op);
}

/** Fills positions where `mask` is true with `value`, as masked_fill does. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (mask.dtype !== 'bool') fail('maskedFill', `mask must be a bool tensor, got ${mask.dtype}`);
  const out = where(mask, value, x);
  return out.dtype === x.dtype ? out : out.to(x.dtype);
}

/**
 * The first value of `index` outside [lo, hi), or null when all are inside or the values cannot
 * be read without waiting (they sit on a GPU and were not made from JS data).
 */
export function firstOutOfRange(index: Tensor, lo: number, hi: number): number | null {
  const storage = index.storageRef.storage;
  const data = storage instanceof CpuStorage ? (storage.pending ? null : storage.data) : hostValuesOf(index.storageRef);
  if (!data) return null;
  // A broadcast (stride 0) dim repeats the same values: walk each stored element once.
  const shape = index.shape.map((s, k) => (index.strides[k] === 0 ? Math.min(s, 1) : s));
  for (const o of viewOffsets({ shape, strides: index.strides, offset: index.offset })) {
    if (data[o] < lo || data[o] >= hi) return data[o];
  }
  return null;
}

function checkIndexRange(op: string, index: Tensor, dim: number, size: number): void {
  const bad = firstOutOfRange(index, -size, size);
  if (bad !== null) fail(op, `index ${bad} is out of bounds for dimension ${dim} of size ${size}`);
}

/** A copy of `x` with `src` added at `index` along `dim` (PyTorch's scatter_add); `op` and `reportDim` as in gather. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor, op = 'scatterAdd', reportDim?: number): Tensor {
  const d = checkScatterAdd(op, x, dim, index, src, reportDim);
  const out = copy(x);
  out.backend.scatterAdd(viewOf(src), d, viewOf(index), viewOf(out), { op, dim: reportDim ?? d });
  return record(out, 'scatterAdd', [x, src], { dim: d, index });
}

/** Adds `src` at `index` along `dim` into `x` itself, one kernel (scatterAdd_ with nothing to record). */
export function scatterAddInto(x: Tensor, dim: number, index: Tensor, src: Tensor, op = 'scatterAdd_'): void {
  const d = checkScatterAdd(op, x, dim, index, src);
  getBackend(x.device).scatterAdd(viewOf(src), d, viewOf(index), viewOf(x), { op, dim: d });
}

/** scatterAdd's checks; returns the normalised dim. */
function checkScatterAdd(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor, reportDim?: number): number {
  assertLive(op, [x, index, src]);
  commonDevice(op, [x, index, src]);
  if (index.dtype !== 'int32') fail(op, `index must be an int32 tensor, got ${index.dtype}`);
  if (!isFloating(x.dtype) || src.dtype !== x.dtype) fail(op, `expected floating tensors of one dtype, got ${x.dtype} and ${src.dtype}`);
  const d = normalizeDim(op, dim, x.ndim);
  if (index.ndim !== x.ndim || index.shape.some((s, k) => s > src.shape[k] || (k !== d && s > x.shape[k]))) {
    fail(op, `index ${fmtShape(index.shape)} must fit within src ${fmtShape(src.shape)} and, outside dim ${d}, within the input ${fmtShape(x.shape)}`);
  }
  checkIndexRange(op, index, reportDim ?? d, x.shape[d]);
  return d;
}
