/**
 * WebGPU storage: a pooled block of GPU memory, the device generation it belongs to (a lost device's
 * storages fail when used), and host ballast that makes the garbage collector see GPU memory.
 */
import type { DType } from '../../core/dtype';
import { fail } from '../../core/errors';
import type { Storage, View } from '../backend';
import type { GpuBlock } from './buffer-pool';

/** Each device the engine opens gets a new generation; storages remember theirs. */
let currentGeneration = 0;

/** A new device was opened: storages made before belong to the old one. */
export function startGeneration(): void {
  currentGeneration++;
}

/** Storages whose making created at least this much GPU memory carry host ballast (see GpuStorage). */
const BALLAST_MIN_BYTES = 64 * 1024;

/**
 * Host bytes the garbage collector counts as external memory, never written. Under Node,
 * `new ArrayBuffer` zero-fills (slow for megabytes, once the allocator reuses freed memory), so
 * Node's unfilled `Buffer.allocUnsafeSlow` is taken where it exists (two orders of magnitude faster).
 */
function ballast(bytes: number): object {
  const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): object } }).Buffer;
  return NodeBuffer ? NodeBuffer.allocUnsafeSlow(bytes) : new ArrayBuffer(bytes);
}

export class GpuStorage implements Storage {
  readonly device = 'webgpu' as const;
  readonly generation = currentGeneration;
  owner: unknown = undefined;
  /**
   * Untouched host memory (see `ballast`), an eighth of the GPU memory that making this storage
   * created (a new buffer or slab; none when the pool reused memory), freed with the storage.
   * GPU memory is invisible to the JavaScript garbage collector, which runs on its own heap's
   * growth; a loop of big tensors and few small objects would pile up unreachable GPU memory
   * until the device runs out. Host buffers count as external memory, so once unreachable
   * tensors make the pool create about 512 MB, the collector runs and their blocks come back;
   * while the pool reuses memory, tensors carry no ballast and cost the collector nothing.
   */
  readonly ballast: object | null;
  constructor(
    readonly block: GpuBlock,
    readonly length: number,
    readonly dtype: DType,
    createdBytes = 0,
  ) {
    this.ballast = createdBytes >= BALLAST_MIN_BYTES ? ballast(createdBytes >> 3) : null;
  }
  get bytes(): number {
    return this.block.size;
  }
}

/** Whether a storage belongs to a GPU device that has since been lost. */
export function onLostDevice(storage: Storage): boolean {
  return storage instanceof GpuStorage && storage.generation !== currentGeneration;
}

/** The GPU block of a view's storage; fails for a storage of a device since lost. */
export function bufferOf(view: View): GpuBlock {
  const storage = view.storage as GpuStorage;
  if (storage.generation !== currentGeneration) {
    fail('webgpu', 'a tensor used here was on a GPU device that was lost; its values are gone: run the cells that made it again');
  }
  return storage.block;
}
