/** Building tensors from storages, and the checks every op shares. */
import type { Device, DType, TypedArray } from '../core/dtype';
import { fail } from '../core/errors';
import { checkInterrupt } from '../core/interrupt';
import { getBackend } from '../core/runtime';
import { contiguousStrides, numel } from '../core/shape';
import { StorageRef } from '../core/storage-ref';
import type { View } from '../backends/backend';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { Tensor } from '../tensor';
import { tapeRecord, tapesOpen } from '../func/tape';

/** A new contiguous tensor whose values a kernel will write (all zero when `zero`). */
export function emptyTensor(device: Device, shape: readonly number[], dtype: DType, zero = false): Tensor {
  checkInterrupt();
  const backend = getBackend(device);
  const n = numel(shape);
  const ref = new StorageRef(zero ? backend.zeros(n, dtype) : backend.allocate(n, dtype), backend);
  return new Tensor(ref, [...shape], contiguousStrides(shape), 0, dtype);
}

export function tensorFromData(device: Device, data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  const backend = getBackend(device);
  const ref = new StorageRef(backend.upload(data, dtype), backend);
  const limit = dtype === 'int32' || dtype === 'bool' ? HOST_VALUES_LIMIT : dtype === 'float16' ? 0 : HOST_FLOAT_VALUES_LIMIT;
  if (data.length <= limit && !(ref.storage instanceof CpuStorage)) hostValues.set(ref, data);
  return new Tensor(ref, [...shape], contiguousStrides(shape), 0, dtype);
}

/**
 * The values of tensors made from JS data on a GPU (or a trace), kept on the host so index checks
 * and mask indexing (int32 indices and bool masks, as a rule) can run where the user called
 * without reading them back, and ops whose result size depends on the values (unique, bincount)
 * can size it.
 */
const hostValues = new WeakMap<StorageRef, TypedArray>();
const HOST_VALUES_LIMIT = 1 << 20;
/** Float and bool values are kept for small tensors only: big ones (data sets, weights) would double their memory on the host. */
const HOST_FLOAT_VALUES_LIMIT = 1 << 14;

export function hostValuesOf(ref: StorageRef): TypedArray | null {
  return hostValues.get(ref) ?? null;
}

/** Called before a kernel writes into an existing storage: its host values are stale. */
export function forgetHostValues(ref: StorageRef): void {
  hostValues.delete(ref);
}

/**
 * `x`'s values under a new tensor object with no autograd history, which open torch.func tapes
 * see as `x` itself (a 'lift': its batch and tangent carry over).
 */
export function liftedView(x: Tensor): Tensor {
  const out = viewTensor(x, x.shape, x.strides, x.offset);
  if (tapesOpen()) tapeRecord('lift', [x], {}, out);
  return out;
}

/** Another window onto `base`'s storage. */
export function viewTensor(base: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(base.storageRef, [...shape], [...strides], offset, base.dtype);
}

export function viewOf(t: Tensor): View {
  return { storage: t.storageRef.storage, shape: t.shape, strides: t.strides, offset: t.offset, dtype: t.dtype };
}

/** The device all tensors share; an op mixing devices is an error naming both. */
export function commonDevice(op: string, tensors: readonly Tensor[]): Device {
  const device = tensors[0].device;
  for (const t of tensors) {
    if (t.device !== device) fail(op, `expected all tensors on the same device, got '${device}' and '${t.device}' (move one with .to('${device}'))`);
  }
  return device;
}

export function assertLive(op: string, tensors: readonly Tensor[]): void {
  for (const t of tensors) if (t.disposed) fail(op, 'a tensor was used after dispose()');
}
