/**
 * Timestamp batches: spans and marks that fill query sets are each timed, none past a set's end;
 * kernels in a row share the timestamp between them.
 */
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../core/runtime';
import { torch } from '../../index';
import { hasTimestamps } from '../../testing/gpu-requirements';
import { QUERIES_PER_SET } from './tuning';

const noTimestamps = !(await hasTimestamps());
const backend = () => getBackend('webgpu');

describe('timestamp batches', () => {
  it.skipIf(noTimestamps)('a profile with a GPU mark after every kernel fills several query sets and times every kernel and mark', async () => {
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
        marks.push(backend().mark!());
      }
      expect(Array.from(await y.data())).toEqual(new Array(8).fill(iterations + 1));
    });
    expect(profile.kernels).toHaveLength(iterations);
    for (const k of profile.kernels) expect(k.gpuMs).not.toBeNull();
    const at = await Promise.all(marks);
    expect(at.every((t) => t !== null)).toBe(true);
    for (let i = 1; i < at.length; i++) expect(at[i]!, `mark ${i} after mark ${i - 1}`).toBeGreaterThanOrEqual(at[i - 1]!);
  });

  it.skipIf(noTimestamps)('kernels in a row share the timestamp between them: each is timed from the end of the one before', async () => {
    const x = torch.ones([8], { device: 'webgpu' });
    const run = async () => {
      let y = x;
      for (let i = 0; i < 6; i++) y = i % 2 ? y.mul(2) : y.add(1);
      await y.data();
    };
    await run(); // the pipelines exist before the profile
    const profile = await torch.profile(run);
    const k = profile.kernels;
    expect(k).toHaveLength(6);
    // The first kernel after a wait goes to the idle GPU at once (a submit of its own); the rest
    // follow each other in one submit.
    for (let i = 2; i < 6; i++) expect(k[i].startMs!, `kernel ${i} starts where kernel ${i - 1} ends`).toBeCloseTo(k[i - 1].startMs! + k[i - 1].gpuMs!, 6);
    expect(k[1].startMs!).toBeGreaterThanOrEqual(k[0].startMs! + k[0].gpuMs!);
  });
});
