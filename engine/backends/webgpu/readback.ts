/**
 * Reading a tensor back from the GPU: a strided view is made contiguous first, the words are
 * copied to a staging buffer with the index kernels' error words behind them, and a failed map
 * (out of memory) trims the pool so the next attempt has room.
 */
import { allocArray, type DType, type TypedArray } from '../../core/dtype';
import { contiguousStrides, isContiguous } from '../../core/shape';
import type { View } from '../backend';
import type { BufferPool } from './buffer-pool';
import type { Dispatcher } from './dispatcher';
import type { GpuFaults } from './faults';
import { bufferOf, type GpuStorage } from './gpu-storage';
import { INDEX_ERROR_BYTES, type IndexErrors } from './index-errors';

/** The parts of the backend a read uses. */
export interface ReadParts {
  gpu: GPUDevice;
  dispatcher: Dispatcher;
  faults: GpuFaults;
  indexErrors: IndexErrors;
  pool: BufferPool;
  allocate(length: number, dtype: DType): GpuStorage;
  /** Copies a strided view into a contiguous one (an elementwise identity). */
  copyStrided(view: View, out: View): void;
  release(storage: GpuStorage): void;
}

export async function readBack(parts: ReadParts, view: View): Promise<TypedArray> {
  const { gpu, dispatcher, faults, indexErrors } = parts;
  if (faults.lost) faults.failLost();
  const n = view.shape.reduce((a, b) => a * b, 1);
  const out = allocArray(view.dtype, n);
  if (n === 0) return out;
  let source = view;
  let temp: GpuStorage | null = null;
  if (!isContiguous(view.shape, view.strides)) {
    temp = parts.allocate(n, view.dtype);
    source = { storage: temp, shape: view.shape, strides: contiguousStrides(view.shape), offset: 0, dtype: view.dtype };
    parts.copyStrided(view, source);
  }
  // Index kernels since the last read: their error words come back in the same staging buffer.
  const checked = indexErrors.unread;
  const errorsAt = Math.ceil(n / 2) * 8; // getMappedRange's offsets are multiples of 8
  const staging = gpu.createBuffer({
    size: checked ? errorsAt + INDEX_ERROR_BYTES : n * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const block = bufferOf(source);
  dispatcher.copy(block.buffer, block.offset + source.offset * 4, staging, 0, n * 4);
  if (checked) indexErrors.copyTo(staging, errorsAt);
  dispatcher.flush();
  const submitted = dispatcher.submits;
  if (temp) parts.release(temp);
  try {
    await faults.raise();
    await staging.mapAsync(GPUMapMode.READ);
    // The read waited for every submit before it: idle unless more came meanwhile.
    dispatcher.policy.gpuIdle = dispatcher.submits === submitted && !dispatcher.hasPendingWork;
  } catch (error) {
    staging.destroy();
    // Out of memory: give back what the pool holds, so the next attempt has room.
    parts.pool.trim();
    throw error;
  }
  const words = staging.getMappedRange(0, n * 4);
  if (view.dtype === 'bool') out.set(new Uint32Array(words));
  else if (view.dtype === 'int32') out.set(new Int32Array(words));
  else out.set(new Float32Array(words));
  const errors = checked ? new Int32Array(staging.getMappedRange(errorsAt, INDEX_ERROR_BYTES).slice(0)) : null;
  staging.unmap();
  staging.destroy();
  if (errors) indexErrors.raise(errors);
  return out;
}
