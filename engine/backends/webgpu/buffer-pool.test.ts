/** The pool reuses buffers by size, keeps at most its limit idle, and destroys the rest only after a submit. */
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, bucketBytes } from './buffer-pool';
import { GpuFaults } from './faults';

function fakeDevice() {
  const made: { size: number; destroyed: boolean; destroy(): void }[] = [];
  const device = {
    limits: { maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 1 << 30 },
    createBuffer: ({ size }: { size: number }) => {
      const b = { size, destroyed: false, destroy: () => (b.destroyed = true) };
      made.push(b);
      return b;
    },
    pushErrorScope: () => undefined,
    popErrorScope: async () => null,
  } as unknown as GPUDevice;
  return { device, made };
}

beforeAll(() => {
  // The usage flags are globals in browsers and under Dawn; plain numbers are enough here.
  (globalThis as { GPUBufferUsage?: object }).GPUBufferUsage ??= { STORAGE: 128, COPY_SRC: 4, COPY_DST: 8 };
});

describe('BufferPool', () => {
  it('reuses a released buffer of the same bucket', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    const a = pool.acquire(1000);
    pool.release(a);
    expect(pool.acquire(1000)).toBe(a);
    expect(made.length).toBe(1);
    expect(bucketBytes(1000)).toBeGreaterThanOrEqual(1000);
  });

  it('keeps at most maxPooledBytes idle and destroys the rest after the next submit', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    pool.maxPooledBytes = 4096;
    const buffers = Array.from({ length: 4 }, () => pool.acquire(2048));
    buffers.forEach((b) => pool.release(b));
    expect(pool.pooledBytes).toBe(4096);
    const extra = buffers.filter((b) => !(b as unknown as { destroyed: boolean }).destroyed);
    expect(extra.length).toBe(4); // nothing destroyed before the submit
    pool.destroyDoomed();
    expect(buffers.filter((b) => (b as unknown as { destroyed: boolean }).destroyed).length).toBe(2);
    expect(pool.liveBytes).toBe(0);
  });
});
