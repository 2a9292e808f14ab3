/** The pool reuses buffers by size, keeps at most its limit idle, and destroys the rest only after a submit. */
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, bucketBytes, SLAB_MAX_BYTES, type GpuBlock } from './buffer-pool';
import { GpuFaults, WATCHED_BYTES } from './faults';

function fakeDevice() {
  const made: { size: number; destroyed: boolean; destroy(): void }[] = [];
  const device = {
    limits: { maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 1 << 30, minStorageBufferOffsetAlignment: 256 },
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
    const a = pool.acquire(100_000);
    pool.release(a);
    expect(pool.acquire(100_000)).toBe(a);
    expect(made.length).toBe(1);
    expect(bucketBytes(100_000)).toBeGreaterThanOrEqual(100_000);
  });

  it('keeps what tensors freed explicitly used, up to headroom + factor x their peak, destroying idle buffers released longest ago after the next submit', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    const size = 2 * SLAB_MAX_BYTES;
    pool.headroomBytes = 0;
    pool.liveFactor = 1;
    const destroyed = (blocks: GpuBlock[]) => blocks.filter((b) => (b.buffer as unknown as { destroyed: boolean }).destroyed).length;
    // Four live at once, then disposed: the peak is 4 x size, so all four are kept for the next loop.
    const four = Array.from({ length: 4 }, () => pool.acquire(size));
    four.forEach((b) => pool.release(b));
    expect(pool.pooledBytes).toBe(4 * size);
    // Two of twice the size come back later: they stay, and the four older ones make room.
    const two = Array.from({ length: 2 }, () => pool.acquire(2 * size));
    two.forEach((b) => pool.release(b));
    expect(pool.pooledBytes).toBe(4 * size);
    expect(destroyed(four)).toBe(0); // nothing destroyed before the submit
    pool.destroyDoomed();
    expect(destroyed(four)).toBe(4);
    expect(destroyed(two)).toBe(0);
    expect(pool.liveBytes).toBe(0);
    expect(pool.acquire(2 * size)).toBe(two[0]);
    // trim (torch.emptyCache) gives everything back and starts the peak over.
    pool.trim();
    expect(pool.pooledBytes).toBe(0);
  });

  it('keeps at most headroom + factor x what the program still holds of what the garbage collector returns, and reuses it', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    pool.headroomBytes = 4 << 20;
    pool.liveFactor = 2;
    // A training loop's state (kept), then cycles of 50 steps whose tensors the collector returns
    // only at the end of each cycle (a loop that awaits every 50 steps), 128 KiB chunks each.
    const kept = Array.from({ length: 4 }, () => pool.acquire(100_000));
    const createdPerCycle: number[] = [];
    for (let cycle = 0; cycle < 6; cycle++) {
      const before = made.length;
      const garbage: GpuBlock[] = [];
      for (let step = 0; step < 50; step++) {
        garbage.push(pool.acquire(100_000), pool.acquire(100_000));
        pool.release(pool.acquire(100_000)); // a temporary backward frees at once
      }
      for (const b of garbage) pool.release(b, true);
      pool.destroyDoomed();
      createdPerCycle.push(made.length - before);
      // Held at the peak: the kept tensors, a step's temporary; what the collector returned was garbage.
      expect(pool.pooledBytes, `cycle ${cycle}`).toBeLessThanOrEqual(pool.headroomBytes + 2 * 5 * 131072);
      expect(pool.liveBytes).toBe(4 * 131072);
    }
    // Each cycle needs 12.5 MiB, of which the pool kept about 4.5: a few 4 MiB slabs are made again.
    expect(Math.max(...createdPerCycle.slice(1))).toBeLessThanOrEqual(3);
    expect(kept.every((b) => !(b.buffer as unknown as { destroyed: boolean }).destroyed)).toBe(true);
    // With room for a cycle's garbage, the later cycles make nothing.
    pool.headroomBytes = 16 << 20;
    const again = () => {
      const before = made.length;
      const garbage = Array.from({ length: 100 }, () => pool.acquire(100_000));
      for (const b of garbage) pool.release(b, true);
      return made.length - before;
    };
    again();
    expect([again(), again()]).toEqual([0, 0]);
  });

  it("keeps a step's forward memory that the collector returns each step: a step after the first makes no buffers", () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    pool.headroomBytes = 1 << 20;
    pool.liveFactor = 3;
    pool.acquire(100_000); // a parameter
    for (let step = 0; step < 5; step++) {
      // Forward: four 8 MiB activations; backward frees its temporary at once; the collector then
      // returns the activations (reachable until backward ended, garbage after).
      const activations = Array.from({ length: 4 }, () => pool.acquire(8 << 20));
      pool.release(pool.acquire(100_000));
      for (const a of activations) pool.release(a, true);
      pool.destroyDoomed();
      if (step === 0) expect(made.length).toBe(5);
    }
    expect(made.length).toBe(5);
    expect(made.every((b) => !b.destroyed)).toBe(true);
  });

  it('hands idle buffers out in the order they were made, whatever order they came back in, so a loop that runs again binds the same pairs', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    const size = 2 * SLAB_MAX_BYTES;
    // A chain x -> a -> b -> c -> d, as a loop of ops makes; the collector returns them shuffled.
    const first = Array.from({ length: 4 }, () => pool.acquire(size));
    for (const i of [2, 0, 3, 1]) pool.release(first[i]);
    const second = Array.from({ length: 4 }, () => pool.acquire(size));
    expect(second).toEqual(first);
    // Released in another order again, with one still live: the others come back lowest first.
    for (const i of [3, 1, 2]) pool.release(second[i]);
    expect([pool.acquire(size), pool.acquire(size), pool.acquire(size)]).toEqual([first[1], first[2], first[3]]);
    expect(made.length).toBe(4);
  });

  it('puts small tensors in shared slabs: one buffer for many, chunks reused, idle slabs trimmed', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    const blocks = Array.from({ length: 100 }, () => pool.acquire(16));
    expect(made.length).toBe(1);
    expect(new Set(blocks.map((b) => b.offset)).size).toBe(100);
    expect(blocks.every((b) => b.size === 256 && b.offset % 256 === 0 && b.buffer === blocks[0].buffer)).toBe(true);
    expect(pool.liveBytes).toBe(100 * 256);
    pool.release(blocks[7]);
    expect(pool.acquire(200)).toBe(blocks[7]);
    const big = pool.acquire(SLAB_MAX_BYTES + 1);
    expect(big.slab).toBeNull();
    for (const b of blocks) pool.release(b);
    pool.release(big);
    expect(pool.liveBytes).toBe(0);
    pool.trim();
    expect(made.every((b) => b.destroyed)).toBe(true);
    expect(pool.pooledBytes).toBe(0);
  });

  it('past its limit, destroys the slabs longest wholly free (after the next submit)', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    pool.headroomBytes = 2 * 1024 * 1024;
    pool.liveFactor = 0;
    // 128 KiB chunks: a first slab of 8 (1 MiB), a second of 16 (2 MiB), both full.
    const blocks = Array.from({ length: 24 }, () => pool.acquire(100_000));
    expect(made.map((b) => b.size)).toEqual([1 << 20, 2 << 20]);
    for (const b of blocks) pool.release(b);
    expect(made.filter((b) => b.destroyed).length).toBe(0);
    pool.destroyDoomed();
    // The first went wholly free first: it goes, and the second is then within the limit.
    expect(made.map((b) => b.destroyed)).toEqual([true, false]);
    expect(pool.pooledBytes).toBe(2 * 1024 * 1024);
    expect(pool.acquire(100_000).buffer).toBe(made[1]);
  });

  it('through many random acquires and releases (with limits, submits and trims) never hands out nothing, a live block or a destroyed buffer', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device, new GpuFaults(device, 1 << 30));
    pool.headroomBytes = 8 << 20;
    pool.liveFactor = 1;
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const sizes = [16, 1000, 100_000, 2 << 20, 3 << 20, 8 << 20];
    const live = new Set<GpuBlock>();
    for (let step = 0; step < 60_000; step++) {
      if (random() < 0.55 || live.size === 0) {
        const block = pool.acquire(sizes[Math.floor(random() * sizes.length)]);
        expect(block, `step ${step}`).toBeDefined();
        expect(live.has(block), `step ${step}`).toBe(false);
        expect((block.buffer as unknown as { destroyed: boolean }).destroyed, `step ${step}`).toBe(false);
        live.add(block);
      } else {
        const all = [...live];
        const block = all[Math.floor(random() * all.length)];
        live.delete(block);
        pool.release(block, random() < 0.5);
      }
      if (step % 1000 === 0) pool.destroyDoomed();
      if (step % 20_000 === 19_999) pool.trim();
    }
  });

  it('says, when the GPU is out of memory, how much live tensors hold and how a loop that never awaits frees its tensors', async () => {
    const { device } = fakeDevice();
    let scopes = 0;
    Object.assign(device, { popErrorScope: async () => (++scopes === 2 ? { message: 'Not enough memory left' } : null) });
    const faults = new GpuFaults(device, 1 << 30);
    const pool = new BufferPool(device, faults);
    pool.acquire(WATCHED_BYTES);
    pool.acquire(WATCHED_BYTES);
    await expect(faults.raise()).rejects.toThrow(
      /could not allocate 64\.0 MiB for a tensor \(Not enough memory left\), with 128\.0 MiB held by live tensors\. .*a loop that never awaits keeps every tensor it made until it ends \(run its body in torch\.scope/,
    );
  });
});
