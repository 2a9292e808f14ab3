import { ARENA_SLOTS } from './tuning';

/**
 * Kernels' metadata words, one 256-byte slot per dispatch of a submit, in one uniform buffer bound
 * at a dynamic offset. The slots are written to the GPU once per submit, and only the words that
 * differ from what the GPU has: a loop that submits each op alone (big ops) repeats the same
 * metadata in the same slot, so it writes nothing and its kernel waits behind no copy (a write
 * costs CPU time per submit, and a copy and barrier on the GPU).
 */
export const SLOT_BYTES = 256;

export class MetadataArena {
  readonly buffer: GPUBuffer;
  /** Slots filled since the last upload. */
  slots = 0;
  private words = new Uint32Array((SLOT_BYTES / 4) * ARENA_SLOTS);
  /** The words as last written to the GPU (a new buffer is zeros). */
  private onGpu = new Uint32Array((SLOT_BYTES / 4) * ARENA_SLOTS);

  constructor(private readonly device: GPUDevice) {
    this.buffer = device.createBuffer({ size: SLOT_BYTES * ARENA_SLOTS, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  get full(): boolean {
    return this.slots === ARENA_SLOTS;
  }

  /** Puts `meta` in the next slot; returns the slot's byte offset (the dynamic offset to bind). */
  add(meta: readonly number[]): number {
    if (meta.length > SLOT_BYTES / 4) throw new Error(`kernel metadata of ${meta.length} words exceeds one ${SLOT_BYTES}-byte slot`);
    const base = (this.slots++ * SLOT_BYTES) / 4;
    for (let i = 0; i < meta.length; i++) this.words[base + i] = meta[i];
    return base * 4;
  }

  /** Writes the filled slots' words that differ from the GPU's copy (queued ahead of the next submit), and starts over. */
  upload(): void {
    const count = (this.slots * SLOT_BYTES) / 4;
    this.slots = 0;
    const { words, onGpu } = this;
    let first = 0;
    while (first < count && words[first] === onGpu[first]) first++;
    if (first === count) return;
    let end = count;
    while (words[end - 1] === onGpu[end - 1]) end--;
    this.device.queue.writeBuffer(this.buffer, first * 4, words, first, end - first);
    onGpu.set(words.subarray(first, end), first);
  }
}
