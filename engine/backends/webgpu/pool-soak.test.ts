/**
 * A short soak of the training loop the bench soaks for 10,000 steps (MLP 64-128-10, Adam, no
 * frees, an await every few steps as a loop that logs its loss has): the pool keeps at most
 * 4 x the live bytes the loop really holds plus a headroom, and a step reuses memory rather than
 * making buffers. Nothing here calls gc(): tensors come back when the collector finds them.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, optim, torch } from '../../index';
import { getBackend } from '../../core/runtime';
import { testDevices } from '../../testing/devices';
import { POOL_HEADROOM_BYTES, type BufferPool } from './buffer-pool';

const noWebgpu = !(await testDevices()).includes('webgpu');

describe('the buffer pool through a training loop', () => {
  it.skipIf(noWebgpu)(
    'keeps pooled bytes within 4 x peak live bytes plus a headroom, and steps reuse memory',
    async () => {
      const pool = (getBackend('webgpu') as unknown as { pool: BufferPool }).pool;
      torch.emptyCache();
      torch.manualSeed(0);
      const device = 'webgpu';
      const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10)).to(device);
      const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
      const x = torch.randn([64, 64], { device });
      const y = torch.randint(0, 10, [64], { device });
      // What a forward adds to live bytes: all reachable until backward (the peak of reachable bytes
      // is what the loop holds between steps plus at least this).
      let forward = 0;
      const step = async (i: number, every: number) => {
        const before = pool.liveBytes;
        const loss = F.crossEntropy(model(x), y);
        forward = Math.max(forward, pool.liveBytes - before);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        if (i % every === 0) await loss.item();
      };
      for (let i = 1; i <= 10; i++) await step(i, 5);
      // A headroom smaller than what the collector returns each time (a short run's stand-in for the
      // 12 MiB of a long one): the pool must give memory back. Checked at each await against 4x the
      // peak of live bytes (those there, which hold garbage the collector has not found yet where it
      // has not run, plus a forward's) plus 2 MiB (the 16 MiB, scaled as the headroom is).
      pool.headroomBytes = 1024 * 1024;
      const warm = pool.createdBuffers;
      const marks: { live: number; pooled: number }[] = [];
      try {
        for (let i = 1; i <= 60; i++) {
          await step(i, 20);
          if (i % 20 === 0) marks.push({ live: pool.liveBytes, pooled: pool.pooledBytes });
        }
      } finally {
        pool.headroomBytes = POOL_HEADROOM_BYTES;
      }
      const made = pool.createdBuffers - warm;
      console.log(`pool soak: ${made} buffers made in 60 steps after warm-up; forward ${forward} B; at the awaits ${JSON.stringify(marks)}`);
      for (const m of marks) expect(m.pooled).toBeLessThanOrEqual(4 * (m.live + forward) + 2 * 1024 * 1024);
      // Steps reuse memory: a 4 MiB slab made again now and then, not buffers every step.
      expect(made).toBeLessThanOrEqual(30);
    },
    120_000,
  );
});
