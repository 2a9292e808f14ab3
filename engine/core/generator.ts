/**
 * torch.Generator: a seeded stream of random numbers (xoshiro128**, seeded through splitmix32).
 * Values are drawn on the host, so one seed gives the same values on every device.
 */
import { fail } from './errors';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A fresh seed from a nondeterministic source (crypto where there is one). */
function entropySeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0] & 0x7fffffff;
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) & 0x7fffffff;
}

/** A random number generator: pass it as `{ generator }` to random ops; `manualSeed(s)` makes its stream reproducible. */
export class Generator {
  private state = new Uint32Array(4);
  private seedValue = 0;
  /** The device the generator is for (its values are drawn on the host and serve every device). */
  readonly device: string;

  constructor(opts: { device?: string } = {}) {
    this.device = opts.device ?? 'cpu';
    this.manualSeed(entropySeed());
  }

  /** Seeds the generator (an integer; negative ones wrap as in PyTorch); returns the generator, as PyTorch's. */
  manualSeed(seed: number): this {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail('Generator.manualSeed', `seed must be an integer, got ${String(seed)}`);
    this.seedValue = seed;
    // Seeds of 2^32 and above mix their high word into the low one (smaller ones, negatives too, seed as they always did).
    const next = splitmix32(seed >= 0x100000000 ? (seed >>> 0) ^ Math.floor(seed / 0x100000000) : seed >>> 0);
    this.state = new Uint32Array([next(), next(), next(), next()]);
    if (this.state.every((w) => w === 0)) this.state[0] = 1;
    return this;
  }

  /** Seeds the generator from a nondeterministic source and returns that seed. */
  seed(): number {
    const s = entropySeed();
    this.manualSeed(s);
    return s;
  }

  /** The seed last set by manualSeed or seed. */
  initialSeed(): number {
    return this.seedValue;
  }

  /** A copy of the generator's state (restore it with setState to replay the same values). */
  getState(): Uint32Array {
    return Uint32Array.from([...this.state, this.seedValue >>> 0]);
  }

  /** Restores a state from getState; returns the generator. */
  setState(state: Uint32Array): this {
    if (!(state instanceof Uint32Array) || state.length !== 5 || state.subarray(0, 4).every((w) => w === 0))
      fail('Generator.setState', 'expected a state returned by getState() (a Uint32Array of 5 words)');
    this.state = state.slice(0, 4);
    this.seedValue = state[4];
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 bits, exactly representable in float32. */
  nextUniform(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** `n` uniform values in [low, high). */
  fillUniform(n: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * this.nextUniform();
    return out;
  }

  /** `n` normal values by the Box–Muller transform. */
  fillNormal(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const u1 = 1 - this.nextUniform();
      const u2 = this.nextUniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }

  /** `n` integers uniform in [low, high). */
  fillRandint(n: number, low: number, high: number): Int32Array {
    const out = new Int32Array(n);
    const span = high - low;
    for (let i = 0; i < n; i++) out[i] = low + Math.floor(this.nextUniform() * span);
    return out;
  }
}

/** The generator random ops use when given none (torch.manualSeed seeds it). */
export const defaultGenerator = new Generator();
defaultGenerator.manualSeed(Date.now() & 0x7fffffff);
