/**
 * The GPU memory of tensors, handed out as blocks (a buffer range). Small tensors share slabs:
 * one buffer cut into equal chunks, so making a small tensor creates no buffer and its bind
 * groups can be reused (kernels bind each block as its own range of the slab). Larger tensors get
 * a buffer each, from a caching pool: sizes are rounded up to one of four steps per power of two
 * (at most 25% waste), so a training loop's repeating shapes reuse the same buffers.
 * Reuse is safe without waiting: every use is ordered on the one queue.
 */
import { formatBytes, WATCHED_BYTES, type GpuFaults } from './faults';

const MIN_BYTES = 256;
/** Tensors up to this size live in slabs. */
export const SLAB_MAX_BYTES = 4 * 1024 * 1024;
const SLAB_BYTES = 64 * 1024;
/** Storage buffers' usage (a function: the GPU globals exist only once a WebGPU implementation is loaded). */
const usage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

let nextBlockId = 1;

/** A slab: one buffer shared by many small tensors. */
export class Slab {
  readonly id = nextBlockId++;
  used = 0;
  /** Its free chunks (handed out last in, first out). */
  readonly free: GpuBlock[] = [];
  constructor(
    readonly buffer: GPUBuffer,
    readonly chunks: readonly GpuBlock[],
  ) {}
}

/** A range of a GPU buffer holding one tensor: the whole buffer, or a chunk of a slab. */
export class GpuBlock {
  /** Stable for the block's life, reused with it: bind groups are cached by block ids. */
  readonly id = nextBlockId++;
  constructor(
    readonly buffer: GPUBuffer,
    readonly offset: number,
    readonly size: number,
    readonly slab: Slab | null = null,
  ) {}
}

const wrapped = new WeakMap<GPUBuffer, GpuBlock>();

/** The block for a whole buffer made outside the pool (staging, scratch). */
export function wholeBuffer(buffer: GPUBuffer): GpuBlock {
  let block = wrapped.get(buffer);
  if (!block) wrapped.set(buffer, (block = new GpuBlock(buffer, 0, buffer.size)));
  return block;
}

export function bucketBytes(bytes: number): number {
  const n = Math.max(bytes, MIN_BYTES);
  const pow = 2 ** Math.floor(Math.log2(n));
  const step = pow / 4;
  return Math.ceil(n / step) * step;
}

/** The chunk size of a slab-resident tensor: a power of two, at least 256 bytes (the offset alignment). */
function chunkBytes(bytes: number): number {
  return Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));
}

/**
 * What the pool keeps for reuse (idle buffers and free slab bytes): at most this much plus
 * POOL_LIVE_FACTOR times an estimate of the peak of reachable live bytes. Past it, the idle
 * buffers released longest ago, then the slabs longest wholly free, are destroyed (after the
 * next submit). The estimate is not the peak of live bytes: tensors the program dropped count as
 * live until the garbage collector finds them, which can be thousands of steps late, and a pool
 * kept up to that peak held 640 times a small model's live bytes through a 10,000-step soak
 * (bench/RESULTS.md). When the collector hands tensors back, what they held was garbage: the
 * estimate is the peak of live bytes since the collector last ran, less what it returned, or
 * the live bytes it left plus the most live bytes rose between explicit releases (a step's
 * forward memory: backward frees its temporaries explicitly), whichever is more; until the next
 * collection, the peak of live bytes since counts too. Memory freed
 * explicitly (backward's temporaries, `torch.scope`, `dispose()`) was reachable until then, so
 * a loop that frees its temporaries so keeps its whole working set, as PyTorch's caching
 * allocator would.
 */
export const POOL_HEADROOM_BYTES = 12 * 1024 * 1024;
/** See POOL_HEADROOM_BYTES. */
export const POOL_LIVE_FACTOR = 3;

export class BufferPool {
  private free = new Map<number, GpuBlock[]>();
  /** Idle own buffers, released longest ago first (the first to go past the limit). */
  private idleOrder = new Set<GpuBlock>();
  /**
   * Slabs with free chunks, by chunk size; chunks come from the last one until it is full. Chunks
   * come back in whatever order the garbage collector finds their tensors: taking them from one
   * slab at a time keeps the slabs one dispatch binds few, and so its bind groups (cached by
   * slab) few. Taking them in release order made a loop of tiny ops create hundreds of bind groups.
   */
  private openSlabs = new Map<number, Slab[]>();
  /** Slabs cut so far by chunk size, counted up to 2 (the first holds 8 chunks, the second 16, the rest 32). */
  private slabsCut = new Map<number, number>();
  private slabs: Slab[] = [];
  /** Slabs whose chunks are all free, longest so first (they go, after idle buffers, past the limit). */
  private emptySlabs = new Set<Slab>();
  liveBytes = 0;
  /** GPU bytes the last acquire had to create (a new buffer or slab; 0 when it reused memory). */
  lastCreatedBytes = 0;
  /** Buffers the pool has created so far (own buffers and slabs). */
  createdBuffers = 0;
  /** Idle bytes of own buffers kept for reuse. */
  private idleBytes = 0;
  /** Free bytes in slabs. */
  private slabFreeBytes = 0;
  /** What the pool keeps: at most headroomBytes + liveFactor x the estimated peak of reachable live bytes (see POOL_HEADROOM_BYTES). */
  headroomBytes = POOL_HEADROOM_BYTES;
  /** See headroomBytes. */
  liveFactor = POOL_LIVE_FACTOR;
  /** The peak of live bytes since the collector last handed tensors back. */
  private peakSinceCollection = 0;
  /** Whether the releases now are the collector's (a run of them ends at the next acquire). */
  private collecting = false;
  /** In such a run: the peak of live bytes before it, and the bytes it returned so far. */
  private peakBeforeRun = 0;
  private returnedInRun = 0;
  /** The estimated peak of reachable live bytes at the collector's last run. */
  private estimate = 0;
  /**
   * The most live bytes rose above what they were at the last explicit release (or collection),
   * since the collector last ran and in the span before: a step's forward and optimizer memory
   * (backward frees its temporaries explicitly), reachable at the step's peak even where the
   * collector returns it.
   */
  private riseBase = 0;
  private rise = 0;
  private priorRise = 0;
  private doomed: GPUBuffer[] = [];
  /** Slab chunks share a buffer only where the device's storage offset alignment allows it. */
  private readonly slabsAllowed: boolean;

  constructor(
    private device: GPUDevice,
    private faults: GpuFaults,
  ) {
    this.slabsAllowed = device.limits.minStorageBufferOffsetAlignment <= MIN_BYTES;
  }

  /** After a submit: destroys the buffers released past the pool's limit (the GPU frees them when done). */
  destroyDoomed(): void {
    for (const b of this.doomed.splice(0)) b.destroy();
  }

  acquire(bytes: number): GpuBlock {
    this.lastCreatedBytes = 0;
    if (this.collecting) this.endCollection();
    const block = this.take(bytes);
    if (this.liveBytes > this.peakSinceCollection) this.peakSinceCollection = this.liveBytes;
    if (this.liveBytes - this.riseBase > this.rise) this.rise = this.liveBytes - this.riseBase;
    return block;
  }

  private take(bytes: number): GpuBlock {
    if (bytes <= SLAB_MAX_BYTES && this.slabsAllowed) return this.chunk(chunkBytes(bytes));
    // Past the device's limit the rounding would refuse a size that fits exactly: use it as is.
    const bucket = bucketBytes(bytes);
    const size = bucket > this.device.limits.maxStorageBufferBindingSize ? Math.ceil(bytes / 4) * 4 : bucket;
    const reused = this.free.get(size)?.pop();
    this.liveBytes += size;
    if (reused) {
      this.idleBytes -= size;
      this.idleOrder.delete(reused);
      return reused;
    }
    const create = () => this.device.createBuffer({ size, usage: usage() });
    this.lastCreatedBytes = size;
    this.createdBuffers++;
    if (size < WATCHED_BYTES) return new GpuBlock(create(), 0, size);
    // A big allocation may not fit: the GPU says so asynchronously, and the next read raises it.
    const live = this.liveBytes;
    const buffer = this.faults.watch(
      'out-of-memory',
      create,
      (message) =>
        `out of memory: the GPU could not allocate ${formatBytes(size)} for a tensor (${message}), with ${formatBytes(live)} held by live tensors. ` +
        "A tensor's memory is freed once nothing refers to it and the code awaits: a loop that never awaits keeps every tensor it made until it ends " +
        '(run its body in torch.scope(() => ...), which frees what it made but its result, or await inside it); else use smaller tensors',
    );
    return new GpuBlock(buffer, 0, size);
  }

  /** A free chunk of `size` bytes, cutting a new slab when none is left. */
  private chunk(size: number): GpuBlock {
    let open = this.openSlabs.get(size);
    if (!open) this.openSlabs.set(size, (open = []));
    if (!open.length) {
      // Eight chunks in a size's first slab, twice as many in each next one up to 32: a loop that
      // keeps many tensors of one size alive (the collector returns them late) then spans few
      // slabs, and so needs few bind groups (cached by slab; figures: bench/RESULTS.md).
      const cut = this.slabsCut.get(size) ?? 0;
      if (cut < 2) this.slabsCut.set(size, cut + 1);
      const bytes = Math.max(SLAB_BYTES, (8 << cut) * size);
      const buffer = this.device.createBuffer({ size: bytes, usage: usage() });
      this.createdBuffers++;
      const chunks: GpuBlock[] = [];
      const slab = new Slab(buffer, chunks);
      for (let offset = bytes - size; offset >= 0; offset -= size) chunks.push(new GpuBlock(buffer, offset, size, slab));
      slab.free.push(...chunks);
      this.slabs.push(slab);
      this.slabFreeBytes += bytes;
      this.lastCreatedBytes = bytes;
      open.push(slab);
    }
    const slab = open[open.length - 1];
    const block = slab.free.pop()!;
    if (!slab.free.length) open.pop();
    if (slab.used++ === 0) this.emptySlabs.delete(slab);
    this.liveBytes += size;
    this.slabFreeBytes -= size;
    return block;
  }

  /** Takes a block back; `collected` when the garbage collector found its tensor (see POOL_HEADROOM_BYTES). */
  release(block: GpuBlock, collected = false): void {
    const size = block.size;
    this.liveBytes -= size;
    if (collected) {
      if (!this.collecting) {
        this.collecting = true;
        this.peakBeforeRun = this.peakSinceCollection;
        this.returnedInRun = 0;
      }
      this.returnedInRun += size;
    } else this.riseBase = this.liveBytes;
    if (block.slab) {
      const slab = block.slab;
      slab.used--;
      this.slabFreeBytes += size;
      slab.free.push(block);
      // A full slab with room again goes below the one chunks now come from.
      if (slab.free.length === 1) this.openSlabs.get(size)!.unshift(slab);
      if (slab.used === 0) this.emptySlabs.add(slab);
    } else {
      let list = this.free.get(size);
      if (!list) this.free.set(size, (list = []));
      // Kept by id, highest first, so acquire takes the lowest: a loop that runs again takes the
      // same buffers in the same order, whatever order the collector returned them in, and so
      // finds the bind groups it made the first time (cached by block).
      let at = list.length;
      while (at > 0 && list[at - 1].id < block.id) at--;
      list.splice(at, 0, block);
      this.idleOrder.add(block);
      this.idleBytes += size;
    }
    this.keepWithinLimit(block);
  }

  /** The limit on pooled bytes now (see POOL_HEADROOM_BYTES). */
  get limitBytes(): number {
    // While the collector returns tensors, only what this run shows counts: an earlier run may have
    // found only part of the garbage (a minor collection), and what it left was no measure.
    const held = this.collecting ? this.collectedEstimate() : Math.max(this.peakSinceCollection, this.estimate);
    return this.headroomBytes + this.liveFactor * held;
  }

  /** While the collector returns tensors: what it leaves plus a step's rise, or the peak before less what it returned. */
  private collectedEstimate(): number {
    return Math.max(this.liveBytes + Math.max(this.rise, this.priorRise), this.peakBeforeRun - this.returnedInRun);
  }

  /** A run of the collector's releases is over: what it left tells how much the program really keeps. */
  private endCollection(): void {
    this.estimate = this.collectedEstimate();
    this.collecting = false;
    this.peakSinceCollection = this.riseBase = this.liveBytes;
    this.priorRise = this.rise;
    this.rise = 0;
  }

  /** Past the limit: destroys idle buffers released longest ago, then slabs longest wholly free (after the next submit). */
  private keepWithinLimit(released: GpuBlock): void {
    const limit = this.limitBytes;
    if (this.pooledBytes <= limit) return;
    for (const oldest of this.idleOrder) {
      if (this.pooledBytes <= limit || oldest === released) break;
      const sameSize = this.free.get(oldest.size)!;
      sameSize.splice(sameSize.indexOf(oldest), 1);
      this.idleOrder.delete(oldest);
      this.idleBytes -= oldest.size;
      // Recorded work may still use it: destroyed once that work is submitted.
      this.doomed.push(oldest.buffer);
    }
    for (const slab of this.emptySlabs) {
      if (this.pooledBytes <= limit) break;
      // A slab a step's temporary just left is about to be used again: only the collector's returns (garbage) take it.
      if (slab === released.slab && !this.collecting) continue;
      this.emptySlabs.delete(slab);
      const open = this.openSlabs.get(slab.chunks[0].size)!;
      open.splice(open.indexOf(slab), 1);
      this.slabs.splice(this.slabs.indexOf(slab), 1);
      this.slabFreeBytes -= slab.buffer.size;
      this.doomed.push(slab.buffer);
    }
  }

  /** Destroys every idle buffer and every slab with no live tensor (e.g. after a failed allocation). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.buffer.destroy();
    this.free.clear();
    this.idleOrder.clear();
    for (const slab of this.emptySlabs) slab.buffer.destroy();
    this.slabs = this.slabs.filter((s) => !this.emptySlabs.has(s));
    for (const [size, open] of this.openSlabs)
      this.openSlabs.set(
        size,
        open.filter((slab) => !this.emptySlabs.has(slab)),
      );
    this.emptySlabs.clear();
    this.idleBytes = 0;
    this.collecting = false;
    this.peakSinceCollection = this.liveBytes;
    this.estimate = this.rise = this.priorRise = 0;
    this.riseBase = this.liveBytes;
    this.slabFreeBytes = this.slabs.reduce((n, s) => n + s.buffer.size - s.used * s.chunks[0].size, 0);
  }

  /** Bytes held for reuse: idle buffers and free slab chunks. */
  get pooledBytes(): number {
    return this.idleBytes + this.slabFreeBytes;
  }
}
