/**
 * A PyTorch-style loop (forward, loss, backward, step; no dispose calls) keeps GPU memory bounded.
 * Backward frees its own temporaries at once; forward intermediates return to the pool when the
 * garbage collector finds them unreachable. To measure what is still reachable (a leak) rather
 * than when the collector last ran, the test collects garbage before each measurement; the loop
 * itself never frees anything.
 */
import { describe, expect, it } from 'vitest';
import { nn, optim, torch, F } from './index';
import { testDevices } from './testing/devices';

const devices = await testDevices();
const noWebgpu = !devices.includes('webgpu');

/** Resolves once the collector has run and finalizers queued by that run have had their turn. */
const sentinels = new FinalizationRegistry<() => void>((done) => done());
function collectGarbage(gc: () => void): Promise<void> {
  return new Promise((resolve) => {
    sentinels.register({}, resolve);
    gc();
    // Should the sentinel survive the collection, go on after a while anyway.
    setTimeout(resolve, 1000);
  });
}

/**
 * What is still reachable: collect garbage, then let the engine's finalizers run. Finalizers run in
 * tasks after the collection, in no fixed order with timers, and late on a loaded machine: the
 * count is taken once it has stayed the same over three collections in a row.
 */
async function reachableLiveBytes(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (vitest.config.ts sets it for the test processes)');
  let live = torch.memory().liveBytes;
  for (let i = 0, sameRounds = 0; i < 100 && sameRounds < 3; i++) {
    await collectGarbage(gc);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = torch.memory().liveBytes;
    sameRounds = now === live ? sameRounds + 1 : 0;
    live = now;
  }
  return live;
}

describe('memory without manual frees', () => {
  it.skipIf(noWebgpu)(
    '2,000 steps without manual frees keep GPU memory bounded',
    async () => {
      torch.manualSeed(2);
      const model = new nn.Sequential(new nn.Linear(16, 32), new nn.ReLU(), new nn.Linear(32, 4)).to('webgpu');
      const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const x = torch.randn([32, 16], { device: 'webgpu' });
      const y = torch.randint(0, 4, [32], { device: 'webgpu' });
      let liveAt100 = 0;
      let peakLive = 0;
      let lastLoss = Infinity;
      for (let step = 1; step <= 2000; step++) {
        const loss = F.crossEntropy(model(x), y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        // Logging the loss now and then, as a training loop does, lets the engine reclaim memory.
        if (step % 20 === 0) lastLoss = (await loss.item()) as number;
        peakLive = Math.max(peakLive, torch.memory().liveBytes);
        if (step === 100) liveAt100 = await reachableLiveBytes();
      }
      const endLive = await reachableLiveBytes();
      const end = torch.memory();
      console.log(
        `memory: live at step 100 ${liveAt100} B, at step 2000 ${endLive} B, peak ${peakLive} B, pooled ${end.pooledBytes} B; last loss ${lastLoss.toFixed(4)}`,
      );
      expect(endLive).toBeLessThanOrEqual(liveAt100 + 64 * 1024);
      expect(end.pooledBytes).toBeLessThanOrEqual(1.25 * peakLive);
    },
    300_000,
  );
});

describe('explicit release for those who want it', () => {
  it('dispose() and torch.scope free at once', () => {
    for (const d of devices) {
      const before = torch.memory().liveBytes;
      const kept = torch.scope(() => {
        const a = torch.ones([64, 64], { device: d });
        return a.mul(2).add(1).sum();
      });
      const tmp = torch.ones([64, 64], { device: d });
      tmp.dispose();
      expect(tmp.disposed).toBe(true);
      expect(() => tmp.add(1)).toThrow(/add: a tensor was used after dispose\(\)/);
      expect(kept.numel()).toBe(1);
      // Only the returned scalar stays (one 256-byte pooled buffer on webgpu).
      expect(torch.memory().liveBytes - before).toBeLessThanOrEqual(256);
    }
  });

  it('torch.scope around conv2d and maxPool2d twice: the cached window indices of the engine survive the first scope', async () => {
    for (const d of devices) {
      const x = torch.randn([1, 2, 6, 6], { device: d });
      const w = torch.randn([3, 2, 3, 3], { device: d });
      const run = () => torch.scope(() => F.maxPool2d(F.conv2d(x, w), 2).sum());
      const first = Number(await run().item());
      expect(Number(await run().item())).toBeCloseTo(first, 4);
    }
  });
});
