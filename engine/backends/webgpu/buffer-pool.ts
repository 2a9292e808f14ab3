/**
 * A caching pool of storage buffers. Sizes are rounded up to one of four steps per power of two
 * (at most 25% waste), so a training loop's repeating shapes reuse the same buffers.
 * Reuse is safe without waiting: every use is ordered on the one queue.
 */
import { formatBytes, WATCHED_BYTES, type GpuFaults } from './faults';

const MIN_BYTES = 256;

export function bucketBytes(bytes: number): number {
  const n = Math.max(bytes, MIN_BYTES);
  const pow = 2 ** Math.floor(Math.log2(n));
  const step = pow / 4;
  return Math.ceil(n / step) * step;
}

/**
 * Idle bytes the pool keeps at most. Tensors come back when the garbage collector finds them,
 * which can be many steps late; past this, released buffers are destroyed instead of kept, so
 * the pool stays bounded however late the collector runs.
 */
export const MAX_POOLED_BYTES = 256 * 1024 * 1024;

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  liveBytes = 0;
  pooledBytes = 0;
  maxPooledBytes = MAX_POOLED_BYTES;
  private doomed: GPUBuffer[] = [];

  /** After a submit: destroys the buffers released past the pool's limit (the GPU frees them when done). */
  destroyDoomed(): void {
    for (const b of this.doomed.splice(0)) b.destroy();
  }

  constructor(
    private device: GPUDevice,
    private faults: GpuFaults,
  ) {}

  acquire(bytes: number): GPUBuffer {
    // Past the device's limit the rounding would refuse a size that fits exactly: use it as is.
    const bucket = bucketBytes(bytes);
    const size = bucket > this.device.limits.maxStorageBufferBindingSize ? Math.ceil(bytes / 4) * 4 : bucket;
    const list = this.free.get(size);
    const reused = list?.pop();
    this.liveBytes += size;
    if (reused) {
      this.pooledBytes -= size;
      return reused;
    }
    const create = () => this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    if (size < WATCHED_BYTES) return create();
    // A big allocation may not fit: the GPU says so asynchronously, and the next read raises it.
    return this.faults.watch('out-of-memory', create, (message) => `out of memory: the GPU could not allocate ${formatBytes(size)} for a tensor (${message}); free tensors (let them go out of scope) or use smaller ones`);
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.liveBytes -= size;
    if (this.pooledBytes + size > this.maxPooledBytes) {
      // Recorded work may still use it: destroyed once that work is submitted.
      this.doomed.push(buffer);
      return;
    }
    this.pooledBytes += size;
    const list = this.free.get(size);
    if (list) list.push(buffer);
    else this.free.set(size, [buffer]);
  }

  /** Destroys every idle buffer (e.g. after a failed allocation). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }
}
