// Loops of big tensors that nobody frees, run as cells: GPU memory stays bounded without
// torch.scope, dispose() or a call to gc(). Each cell samples live plus pooled bytes at every
// iteration, inside the loop, and returns the largest figure.
import { describe, expect, it } from 'vitest';
import { reclaimStats } from '../engine/core/reclaim';
import { testDevices } from '../engine/testing/devices';
import { testKernel } from './kernel-testing';

const noWebgpu = !(await testDevices()).includes('webgpu');
const MB = 1024 * 1024;
/** Four 16 MB tensors an iteration, 1,000 iterations: 64 GB made and dropped. */
const LIMIT = 256 * MB;
const ITERATIONS = 1000;

/** A cell's loop: `awaitEach` puts an await in every iteration; without, the cell awaits nowhere. */
function loopCell(awaitEach: boolean): string {
  return `let peak = 0
for (let i = 0; i < ${ITERATIONS}; i++) {
  const a = torch.empty([4 * 1024 * 1024], { device: 'webgpu' })
  const b = torch.empty([4 * 1024 * 1024], { device: 'webgpu' })
  const c = torch.empty([4 * 1024 * 1024], { device: 'webgpu' })
  const d = torch.empty([4 * 1024 * 1024], { device: 'webgpu' })
  const m = torch.memory()
  peak = Math.max(peak, m.liveBytes + m.pooledBytes)${awaitEach ? '\n  await Promise.resolve()' : ''}
}
peak`;
}

describe('loops of dropped big tensors as cells', () => {
  for (const awaitEach of [true, false]) {
    it.skipIf(noWebgpu)(
      `1,000 iterations of four 16 MB tensors, ${awaitEach ? 'awaiting every iteration' : 'never awaiting'}, stay under 256 MB`,
      async () => {
        const { run } = testKernel({ fakeClock: false });
        const started = performance.now();
        const result = await run(loopCell(awaitEach));
        expect(result.ok, result.shown.join('\n')).toBe(true);
        const peak = Number(result.shown[0].replace('result: ', ''));
        console.log(
          `memory loop (${awaitEach ? 'await' : 'no await'}): peak live+pooled ${(peak / MB).toFixed(0)} MB in ${(performance.now() - started).toFixed(0)} ms`,
          reclaimStats(),
        );
        expect(peak).toBeLessThanOrEqual(LIMIT);
      },
      120_000,
    );
  }
});

/** Ops that compute (randn, mul, add) rather than allocate: the GPU's work and its temporaries in flight. */
const COMPUTING_LOOP = `let peak = 0
for (let i = 0; i < 40; i++) {
  const a = torch.randn([4 * 1024 * 1024], { device: 'webgpu' })
  const b = a.mul(2).add(1)
  const m = torch.memory()
  peak = Math.max(peak, m.liveBytes + m.pooledBytes)
}
peak`;

describe('a loop of computing ops on dropped 16 MB tensors', () => {
  it.skipIf(noWebgpu)(
    '40 iterations of randn, mul and add (three 16 MB tensors each) stay under 256 MB',
    async () => {
      const { run } = testKernel({ fakeClock: false });
      const result = await run(COMPUTING_LOOP);
      expect(result.ok, result.shown.join('\n')).toBe(true);
      const peak = Number(result.shown[0].replace('result: ', ''));
      console.log(`computing loop: peak live+pooled ${(peak / MB).toFixed(0)} MB`);
      expect(peak).toBeLessThanOrEqual(LIMIT);
    },
    120_000,
  );
});

/**
 * Tensors the cells can still reach survive the reclaims: held in an array, a closure, a module's
 * field and a Map while a loop drops 16 MB tensors (many collections), then read back.
 */
const HELD = `class Holder extends nn.Module { kept: Tensor | null = null }
const holder = new Holder()
const inArray: Tensor[] = []
const inMap = new Map<number, Tensor>()
let readClosure = () => 0 as unknown
for (let i = 0; i < 24; i++) {
  const dropped = torch.full([4 * 1024 * 1024], i, { device: 'webgpu' })
  const kept = torch.full([64 * 1024], i + 0.5, { device: 'webgpu' })
  if (i % 4 === 0) inArray.push(kept)
  else if (i % 4 === 1) inMap.set(i, kept)
  else if (i % 4 === 2) { const held = kept; readClosure = () => held }
  else holder.kept = kept
}
const sums = [...inArray.map((t) => t.sum()), ...[...inMap.values()].map((t) => t.sum()), (readClosure() as Tensor).sum(), holder.kept!.sum()]
const values = await Promise.all(sums.map((s) => s.item()))
values.map((v) => v / (64 * 1024))`;

describe('tensors still reachable survive the reclaims', () => {
  it.skipIf(noWebgpu)('held in an array, a Map, a closure and a module field, with their values', async () => {
    const { run } = testKernel({ fakeClock: false });
    const before = reclaimStats().collections;
    const result = await run(HELD);
    expect(result.ok, result.shown.join('\n')).toBe(true);
    // The array keeps i = 0, 4, ..., 20; the Map 1, 5, ..., 21; the closure and the field the last of theirs.
    expect(result.shown).toEqual(['result: [0.5, 4.5, 8.5, 12.5, 16.5, 20.5, 1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 22.5, 23.5]']);
    expect(reclaimStats().collections).toBeGreaterThan(before);
  });

  it.skipIf(noWebgpu)('torch.scope and dispose() still free at once inside such a loop', async () => {
    const { run } = testKernel({ fakeClock: false });
    const result = await run(`const kept = torch.full([1024 * 1024], 2, { device: 'webgpu' })
let freedAtOnce = true
for (let i = 0; i < 8; i++) {
  const before = torch.memory().liveBytes
  torch.scope(() => {
    torch.full([4 * 1024 * 1024], i, { device: 'webgpu' }).mul(2)
  })
  const t = torch.full([4 * 1024 * 1024], i, { device: 'webgpu' })
  t.dispose()
  if (torch.memory().liveBytes !== before) freedAtOnce = false
}
[freedAtOnce, await kept.sum().item()]`);
    expect(result.shown).toEqual([`result: [true, ${2 * 1024 * 1024}]`]);
  });
});
