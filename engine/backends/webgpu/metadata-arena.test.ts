/** The metadata arena writes only the words the GPU does not have yet. */
import { describe, expect, it } from 'vitest';
import { MetadataArena, SLOT_BYTES } from './metadata-arena';

function fakeDevice() {
  const writes: [offset: number, words: number[]][] = [];
  (globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage ??= { UNIFORM: 64, COPY_DST: 8 };
  const device = {
    createBuffer: () => ({}),
    queue: {
      writeBuffer: (_b: unknown, offset: number, data: Uint32Array, start: number, count: number) =>
        writes.push([offset, Array.from(data.subarray(start, start + count))]),
    },
  };
  return { device: device as unknown as GPUDevice, writes };
}

describe('metadata arena', () => {
  it('writes the slots once, then only what changed', () => {
    const { device, writes } = fakeDevice();
    const arena = new MetadataArena(device);
    expect(arena.add([1, 2, 3])).toBe(0);
    expect(arena.add([4, 5])).toBe(SLOT_BYTES);
    arena.upload();
    // From the first word that differs from the zeroed buffer to the last.
    expect(writes).toEqual([[0, [1, 2, 3, ...new Array(SLOT_BYTES / 4 - 3).fill(0), 4, 5]]]);
    // The same metadata in the same slots (a loop of the same ops): nothing to write.
    arena.add([1, 2, 3]);
    arena.add([4, 5]);
    arena.upload();
    expect(writes).toHaveLength(1);
    // One word changed: just that word.
    arena.add([1, 9, 3]);
    arena.upload();
    expect(writes[1]).toEqual([4, [9]]);
    expect(arena.slots).toBe(0);
  });

  it('refuses metadata longer than a slot', () => {
    const arena = new MetadataArena(fakeDevice().device);
    expect(() => arena.add(new Array(SLOT_BYTES / 4 + 1).fill(0))).toThrow(/exceeds one 256-byte slot/);
  });
});
