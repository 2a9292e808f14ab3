/**
 * A caching pool of storage buffers. Sizes are rounded up to one of four steps per power of two
 * (at most 25% waste), so a training loop's repeating shapes reuse the same buffers.
 * Reuse is safe without waiting: every use is ordered on the one queue.
 */
const MIN_BYTES = 256;

export function bucketBytes(bytes: number): number {
  const n = Math.max(bytes, MIN_BYTES);
  const pow = 2 ** Math.floor(Math.log2(n));
  const step = pow / 4;
  return Math.ceil(n / step) * step;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  liveBytes = 0;
  pooledBytes = 0;

  constructor(private device: GPUDevice) {}

  acquire(bytes: number): GPUBuffer {
    const size = bucketBytes(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    this.liveBytes += size;
    if (reused) {
      this.pooledBytes -= size;
      return reused;
    }
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.liveBytes -= size;
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
