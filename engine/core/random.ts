/** Wick's seeded generator (xoshiro128**): the same seed gives the same values on every device. */
let state = new Uint32Array(4);

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

export function manualSeed(seed: number): void {
  const next = splitmix32(seed);
  state = new Uint32Array([next(), next(), next(), next()]);
}

manualSeed(Date.now() & 0x7fffffff);

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A uniform 32-bit unsigned integer. */
export function nextUint32(): number {
  const s = state;
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
export function nextUniform(): number {
  return (nextUint32() >>> 8) / 16777216;
}

export function fillUniform(n: number, low = 0, high = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * nextUniform();
  return out;
}

/** Standard normal values by the Box–Muller transform. */
export function fillNormal(n: number, mean = 0, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - nextUniform();
    const u2 = nextUniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

export function fillRandint(n: number, low: number, high: number): Int32Array {
  const out = new Int32Array(n);
  const span = high - low;
  for (let i = 0; i < n; i++) out[i] = low + Math.floor(nextUniform() * span);
  return out;
}
