/** torch.Generator and the random ops: determinism, independence of generators, statistics and errors, on every device. */
import { describe, expect, it, vi } from 'vitest';
import { torch, type Tensor } from '../index';
import { getBackend } from '../core/runtime';
import { testDevices } from '../testing/devices';
import { it32, t } from '../testing/nested-close';
import { fillRandom } from './random-ops';

const devices = await testDevices();
const gen = (seed: number) => new torch.Generator().manualSeed(seed);
const values = async (x: Tensor) => (await x.flatten().tolist()) as number[];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]) => {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
};
const frequencies = (v: number[], n: number) => Array.from({ length: n }, (_, k) => v.filter((x) => x === k).length / v.length);
const expectNear = (got: number[], want: number[], tol: number) =>
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `${i}: got ${g}, want ${want[i]}`).toBeLessThan(tol));

describe('torch.Generator', () => {
  it('manualSeed returns the generator and initialSeed reads the seed back', () => {
    const g = new torch.Generator();
    expect(g.manualSeed(42)).toBe(g);
    expect(g.initialSeed()).toBe(42);
    const s = g.seed();
    expect(g.initialSeed()).toBe(s);
  });

  it('getState and setState replay the same values', () => {
    const g = gen(7);
    const state = g.getState();
    const a = g.fillUniform(5);
    g.setState(state);
    expect(Array.from(g.fillUniform(5))).toEqual(Array.from(a));
  });

  it('seeds give the stream they gave before generators existed', () => {
    expect(Array.from(gen(0).fillUniform(3))).toEqual([0.8868539333343506, 0.2639589309692383, 0.01247495412826538]);
    expect(Array.from(gen(-1).fillUniform(1))).toEqual([0.19461840391159058]);
  });

  it('torch.manualSeed seeds torch.defaultGenerator and returns it', () => {
    expect(torch.manualSeed(3)).toBe(torch.defaultGenerator);
    expect(torch.initialSeed()).toBe(3);
  });

  it('a bad seed, state or generator is an error', () => {
    expect(() => new torch.Generator().manualSeed(1.5)).toThrow('Generator.manualSeed: seed must be an integer, got 1.5');
    expect(() => new torch.Generator().setState(new Uint32Array(2))).toThrow('Generator.setState');
    expect(() => torch.rand([2], { generator: {} as never })).toThrow('rand: generator must be a torch.Generator');
  });
});

describe.each(devices)('random ops on %s', (device) => {
  it('the same seed gives the same values, on every device alike', async () => {
    const a = await values(torch.rand([6], { device, generator: gen(11) }));
    const b = await values(torch.rand([6], { device, generator: gen(11) }));
    const c = await values(torch.rand([6], { device: 'cpu', generator: gen(11) }));
    expect(a).toEqual(b);
    expect(a).toEqual(c);
    expect(await values(torch.rand([6], { device, generator: gen(12) }))).not.toEqual(a);
  });

  it('generators are independent of each other and of the global one', async () => {
    torch.manualSeed(5);
    const globalFirst = await values(torch.randn([4], { device }));
    const g1 = gen(1);
    const g2 = gen(1);
    torch.manualSeed(5);
    const x1 = await values(torch.randn([4], { device, generator: g1 }));
    const mid = await values(torch.randn([4], { device }));
    const x2 = await values(torch.randn([4], { device, generator: g2 }));
    expect(x1).toEqual(x2);
    expect(mid).toEqual(globalFirst);
  });

  it('rand: uniform on [0, 1)', async () => {
    const v = await values(torch.rand([4000], { device, generator: gen(1) }));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(Math.abs(mean(v) - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(variance(v) - 1 / 12)).toBeLessThan(0.006);
  });

  it('randn: mean 0, variance 1', async () => {
    const v = await values(torch.randn(4000, { device, generator: gen(2) }));
    expect(Math.abs(mean(v))).toBeLessThan(0.05);
    expect(Math.abs(variance(v) - 1)).toBeLessThan(0.08);
  });

  it('randint(low, high, shape) and randint(high, shape): each value equally often', async () => {
    const v = await values(torch.randint(3, 7, [4000], { device, generator: gen(3) }));
    expect(new Set(v)).toEqual(new Set([3, 4, 5, 6]));
    expectNear(
      frequencies(
        v.map((x) => x - 3),
        4,
      ),
      [0.25, 0.25, 0.25, 0.25],
      0.03,
    );
    const w = torch.randint(5, [2, 1000], { device, generator: gen(4) });
    expect(w.shape).toEqual([2, 1000]);
    expect(w.dtype).toBe('int32');
    expectNear(frequencies(await values(w), 5), [0.2, 0.2, 0.2, 0.2, 0.2], 0.03);
  });

  it('randperm: a permutation, the same for the same seed', async () => {
    const p = torch.randperm(50, { device, generator: gen(5) });
    expect(p.dtype).toBe('int32');
    const v = await values(p);
    expect([...v].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(v).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await values(torch.randperm(50, { device, generator: gen(5) }))).toEqual(v);
    expect(await values(torch.randperm(0, { device }))).toEqual([]);
  });

  it('multinomial with replacement follows unnormalised weights, never drawing a zero weight', async () => {
    const probs = t(device, [1, 2, 0, 3, 4]);
    const v = await values(torch.multinomial(probs, 4000, { replacement: true, generator: gen(6) }));
    expectNear(frequencies(v, 5), [0.1, 0.2, 0, 0.3, 0.4], 0.03);
  });

  it('multinomial of 2-D probs samples each row from its own weights', async () => {
    const probs = t(device, [
      [0, 0, 1],
      [1, 1, 0],
    ]);
    const s = torch.multinomial(probs, 400, { replacement: true, generator: gen(7) });
    expect(s.shape).toEqual([2, 400]);
    const [r0, r1] = (await s.tolist()) as number[][];
    expect(new Set(r0)).toEqual(new Set([2]));
    expectNear(frequencies(r1, 3), [0.5, 0.5, 0], 0.08);
  });

  it('multinomial without replacement draws distinct categories, first draw by weight', async () => {
    const rows = 600;
    const probs = t(device, [1, 2, 3]).reshape([1, 3]).expand([rows, 3]);
    const s = (await torch.multinomial(probs, 3, { generator: gen(8) }).tolist()) as number[][];
    for (const row of s) expect([...row].sort()).toEqual([0, 1, 2]);
    expectNear(
      frequencies(
        s.map((r) => r[0]),
        3,
      ),
      [1 / 6, 2 / 6, 3 / 6],
      0.05,
    );
    // Second draw given the first: P(second = 0) = sum over first f != 0 of p(f) * p(0 | f).
    const p2 = (2 / 6) * (1 / 4) + (3 / 6) * (1 / 3);
    expect(
      Math.abs(
        frequencies(
          s.map((r) => r[1]),
          3,
        )[0] - p2,
      ),
    ).toBeLessThan(0.05);
    const z = await values(torch.multinomial(t(device, [0, 1, 1, 0, 1]), 3, { generator: gen(9) }));
    expect([...z].sort()).toEqual([1, 2, 4]);
  });

  it('multinomial reads nothing back from the device', () => {
    const probs = t(device, [1, 2, 3]).mul(2); // computed on the device
    const read = vi.spyOn(getBackend(device), 'read');
    try {
      torch.multinomial(probs, 2, { generator: gen(10) });
      torch.multinomial(probs, 5, { replacement: true, generator: gen(10) });
      expect(read).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
  });

  it('multinomial shape errors', () => {
    expect(() => torch.multinomial(t(device, [[[1]]]), 1)).toThrow('multinomial: prob_dist must be 1 or 2 dim, got shape [1, 1, 1]');
    expect(() => torch.multinomial(t(device, [1, 1]), 0)).toThrow('multinomial: cannot sample numSamples <= 0 samples (got 0)');
    expect(() => torch.multinomial(t(device, [1, 1]), 3)).toThrow(
      'multinomial: cannot sample numSamples > prob_dist.size(-1) samples without replacement (3 > 2)',
    );
    expect(() => torch.multinomial(it32(device, [1, 1]), 1)).toThrow('multinomial: prob_dist must be a floating tensor, got int32');
  });

  it('bernoulli: 1 with probability p', async () => {
    const p = t(device, [0.2, 0.8, 0, 1]).reshape([1, 4]).expand([2000, 4]);
    const s = (await torch.bernoulli(p, { generator: gen(11) }).tolist()) as number[][];
    expectNear(
      [0, 1, 2, 3].map((k) => mean(s.map((r) => r[k]))),
      [0.2, 0.8, 0, 1],
      0.03,
    );
    const q = await values(torch.bernoulli(torch.zeros([4000], { device }), 0.3, { generator: gen(12) }));
    expect(Math.abs(mean(q) - 0.3)).toBeLessThan(0.03);
    expect(() => torch.bernoulli(t(device, [0.5]), 2)).toThrow('bernoulli: p must be in [0, 1], got 2');
  });

  it('normal: the tensor and number overloads', async () => {
    const a = await values(torch.normal(torch.full([4000], 3, { device }), 2, { generator: gen(13) }));
    expect(Math.abs(mean(a) - 3)).toBeLessThan(0.15);
    expect(Math.abs(Math.sqrt(variance(a)) - 2)).toBeLessThan(0.1);
    const b = await values(torch.normal(-1, torch.full([4000], 0.5, { device }), { generator: gen(14) }));
    expect(Math.abs(mean(b) + 1)).toBeLessThan(0.04);
    expect(Math.abs(Math.sqrt(variance(b)) - 0.5)).toBeLessThan(0.03);
    const c = torch.normal(1, 2, [4000], { device, generator: gen(15) });
    expect(c.device).toBe(device);
    expect(Math.abs(mean(await values(c)) - 1)).toBeLessThan(0.15);
    const d = torch.normal(t(device, [[0], [10]]), t(device, [1, 1, 1]), { generator: gen(16) });
    expect(d.shape).toEqual([2, 3]);
    expect(() => torch.normal(0, -1, [2])).toThrow('normal: expects std >= 0.0, but found std -1');
    expect(() => torch.normal(0, 1)).toThrow('normal(mean, std) with two numbers needs a size');
  });

  it('fillRandom writes into a view only', async () => {
    const x = torch.zeros([2, 2000], { device });
    fillRandom(x.select(0, 1), 'uniform', 2, 4, gen(17));
    const [r0, r1] = (await x.tolist()) as number[][];
    expect(r0.every((v) => v === 0)).toBe(true);
    expect(Math.min(...r1)).toBeGreaterThanOrEqual(2);
    expect(Math.abs(mean(r1) - 3)).toBeLessThan(0.05);
    fillRandom(x.select(0, 0), 'normal', 5, 0.5, gen(18));
    const n = ((await x.tolist()) as number[][])[0];
    expect(Math.abs(mean(n) - 5)).toBeLessThan(0.05);
  });
});

describe('multinomial value errors (the weights are read where they sit on the CPU)', () => {
  it.each([
    [[1, -1], 'probability tensor contains either inf, nan or element < 0'],
    [[1, Infinity], 'probability tensor contains either inf, nan or element < 0'],
    [[1, NaN], 'probability tensor contains either inf, nan or element < 0'],
    [[0, 0], 'invalid multinomial distribution (sum of probabilities <= 0) in row 0'],
  ])('%j', (probs, message) => {
    expect(() => torch.multinomial(t('cpu', probs), 1, { replacement: true })).toThrow(message);
  });

  it('not enough non-zero categories without replacement', () => {
    expect(() => torch.multinomial(t('cpu', [0, 1, 0]), 2)).toThrow('not enough non-negative category to sample');
  });
});
