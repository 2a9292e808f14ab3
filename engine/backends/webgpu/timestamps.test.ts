/** Timestamp batches: spans and marks that fill query sets are each timed, none past a set's end. */
import { beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '../../core/runtime';
import { torch } from '../../index';
import { testDevices } from '../../testing/devices';
import { QUERIES_PER_SET } from './timestamps';

let backend: { mark(): Promise<number | null>; hasTimestamps: boolean } | null = null;
beforeAll(async () => {
  if (!(await testDevices()).includes('webgpu')) return;
  backend = getBackend('webgpu') as unknown as typeof backend;
}, 60_000);

describe('timestamp batches', () => {
  it('a profile with a GPU mark after every kernel fills several query sets and times every kernel and mark', async () => {
    if (!backend?.hasTimestamps) return;
    const x = torch.ones([8], { device: 'webgpu' });
    await torch.synchronize();
    // Enough kernels and marks (two queries each at pass boundaries) to fill a set and start the next
    // one at every offset, a mark included.
    const iterations = Math.ceil((1.5 * QUERIES_PER_SET) / 4);
    const marks: Promise<number | null>[] = [];
    const profile = await torch.profile(async () => {
      let y = x;
      for (let i = 0; i < iterations; i++) {
        y = y.add(1);
        marks.push(backend!.mark());
      }
      expect(Array.from(await y.data())).toEqual(new Array(8).fill(iterations + 1));
    });
    expect(profile.kernels).toHaveLength(iterations);
    for (const k of profile.kernels) expect(k.gpuMs).not.toBeNull();
    const at = await Promise.all(marks);
    expect(at.every((t) => t !== null)).toBe(true);
    for (let i = 1; i < at.length; i++) expect(at[i]!, `mark ${i} after mark ${i - 1}`).toBeGreaterThanOrEqual(at[i - 1]!);
  });
});
