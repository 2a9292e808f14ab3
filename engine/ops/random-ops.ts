/**
 * Random ops that take `{ generator }` (API.md §5): randint's two forms, randperm, multinomial,
 * bernoulli, normal, and fillRandom for in-place initialisers. Values are drawn on the host from
 * the generator (the same seed gives the same values on every device); multinomial finds its
 * categories on the tensor's device (cumsum and a binary-search kernel), reading nothing back.
 */
import { isFloating, toTypedArray, type DType } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { broadcastShapes, numel } from '../core/shape';
import { getDefaultDevice, withGradMode } from '../core/runtime';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { viewOffsets } from '../backends/cpu/strided';
import type { Generator } from '../core/generator';
import type { Tensor } from '../tensor';
import { generatorOf, randint as randintRange, type RandomOptions } from './creation';
import { copyInto } from './elementwise';
import { assertLive, tensorFromData } from './make';
import { cat } from './views';
import { scatter, searchsorted } from './scatter';
import { tapeRandom } from '../func/tape';

/** torch.randint(low, high, shape, opts) or torch.randint(high, shape, opts): integers uniform in [low, high). */
export function randint(
  lowOrHigh: number,
  highOrShape: number | readonly number[],
  shapeOrOpts?: readonly number[] | RandomOptions,
  opts?: RandomOptions,
): Tensor {
  if (Array.isArray(highOrShape)) {
    if (shapeOrOpts !== undefined && (typeof shapeOrOpts !== 'object' || Array.isArray(shapeOrOpts)))
      fail('randint', 'expected randint(high, shape, options?) or randint(low, high, shape, options?)');
    return randintRange(0, lowOrHigh, highOrShape as readonly number[], (shapeOrOpts as RandomOptions | undefined) ?? {});
  }
  if (!Array.isArray(shapeOrOpts))
    fail('randint', `expected a shape (an array of sizes) after low and high, got ${shapeOrOpts === undefined ? 'nothing' : typeof shapeOrOpts}`);
  return randintRange(lowOrHigh, highOrShape as number, shapeOrOpts as readonly number[], opts ?? {});
}

/** A random permutation of 0..n-1 (int32 unless `dtype` says otherwise). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) fail('randperm', `n must be a non-negative integer, got ${n}`);
  const g = generatorOf('randperm', opts);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.nextUniform() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const dtype = opts.dtype ?? 'int32';
  const t = tensorFromData(opts.device ?? getDefaultDevice(), toTypedArray(perm, dtype), [n], dtype);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/** The values of a CPU tensor where they can be read now (not still arriving from a GPU), else null: value checks run only then. */
function hostFloats(t: Tensor): ArrayLike<number> | null {
  const storage = t.storageRef.storage;
  if (!(storage instanceof CpuStorage) || storage.pending) return null;
  const data = storage.data;
  return Array.from(viewOffsets({ shape: t.shape, strides: t.strides, offset: t.offset }), (o) => data[o]);
}

/** Options of multinomial. */
export interface MultinomialOptions {
  replacement?: boolean;
  generator?: Generator;
}

/**
 * `numSamples` category indices per row of `probs` (1-D or 2-D, unnormalised non-negative
 * weights), drawn with or without replacement. On a GPU the weights are never read back: rows are
 * prefix-summed there and each draw's category found by binary search; without replacement each
 * drawn category's weight is zeroed (a scatter) before the next draw. Invalid weights (negative,
 * NaN, an all-zero row) are errors where the values sit on the CPU; on a GPU they are not read,
 * so not detected (as PyTorch's CUDA kernels, which assert on the device).
 */
export function multinomial(probs: Tensor, numSamples: number, opts: MultinomialOptions = {}): Tensor {
  const op = 'multinomial';
  if (typeof probs !== 'object' || probs === null || typeof probs.shape !== 'object') fail(op, 'probs must be a tensor');
  assertLive(op, [probs]);
  const g = generatorOf(op, opts);
  const replacement = opts.replacement ?? false;
  if (probs.ndim !== 1 && probs.ndim !== 2) fail(op, `prob_dist must be 1 or 2 dim, got shape ${fmtShape(probs.shape)}`);
  if (!isFloating(probs.dtype)) fail(op, `prob_dist must be a floating tensor, got ${probs.dtype}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) fail(op, `cannot sample numSamples <= 0 samples (got ${numSamples})`);
  const rows = probs.ndim === 1 ? 1 : probs.shape[0];
  const cats = probs.shape[probs.ndim - 1];
  if (cats === 0) fail(op, 'prob_dist has no categories');
  if (!replacement && numSamples > cats) fail(op, `cannot sample numSamples > prob_dist.size(-1) samples without replacement (${numSamples} > ${cats})`);
  const host = hostFloats(probs);
  if (host) {
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      let positive = 0;
      for (let c = 0; c < cats; c++) {
        const w = host[r * cats + c];
        if (!(w >= 0) || w === Infinity) fail(op, `probability tensor contains either inf, nan or element < 0 (row ${r}, category ${c}: ${w})`);
        sum += w;
        if (w > 0) positive++;
      }
      if (!(sum > 0)) fail(op, `invalid multinomial distribution (sum of probabilities <= 0) in row ${r}`);
      if (!replacement && positive < numSamples)
        fail(
          op,
          `invalid multinomial distribution (with replacement=False, not enough non-negative category to sample): row ${r} has ${positive} non-zero categories, ${numSamples} samples asked`,
        );
    }
  }
  return withGradMode(false, () => {
    let weights = (probs.ndim === 1 ? probs.reshape([1, cats]) : probs).to('float32');
    const draw = (w: Tensor, count: number) => {
      const cdf = w.cumsum(1);
      const total = cdf.narrow(1, cats - 1, 1);
      const u = tensorFromData(probs.device, g.fillUniform(rows * count), [rows, count], 'float32');
      const picked = searchsorted(cdf, u.mul(total), { right: true });
      // Round-off can put u * total at the total itself: the last category with weight takes it.
      const lastPositive = searchsorted(cdf, total, { right: false });
      return picked.minimum(lastPositive);
    };
    let samples: Tensor;
    if (replacement) samples = draw(weights, numSamples);
    else {
      const picks: Tensor[] = [];
      for (let s = 0; s < numSamples; s++) {
        const pick = draw(weights, 1);
        picks.push(pick);
        if (s + 1 < numSamples) weights = scatter(weights, 1, pick, 0);
      }
      samples = picks.length === 1 ? picks[0] : cat(picks, 1);
    }
    return probs.ndim === 1 ? samples.reshape([numSamples]) : samples;
  });
}

/** Options of bernoulli and normal: the generator to draw from. */
export interface GeneratorOptions {
  generator?: Generator;
}

/** 1 with probability p (each element of `p`, or the number `p` over `input`'s shape), else 0, in the input's dtype. */
export function bernoulli(input: Tensor, p?: number | GeneratorOptions, opts: GeneratorOptions = {}): Tensor {
  const op = 'bernoulli';
  if (typeof input !== 'object' || input === null || typeof input.shape !== 'object') fail(op, 'input must be a tensor');
  assertLive(op, [input]);
  const o = typeof p === 'object' && p !== null ? p : opts;
  const g = generatorOf(op, o);
  const dtype: DType = isFloating(input.dtype) ? input.dtype : 'float32';
  return withGradMode(false, () => {
    const draw = (shape: readonly number[]) => tensorFromData(input.device, g.fillUniform(numel(shape)), shape, 'float32');
    const u = tapeRandom('bernoulli', draw(input.shape), draw);
    if (typeof p === 'number') {
      if (!(p >= 0 && p <= 1)) fail(op, `p must be in [0, 1], got ${p}`);
      return u.lt(p).to(dtype);
    }
    if (!isFloating(input.dtype)) fail(op, `the probabilities must be a floating tensor, got ${input.dtype}`);
    const host = hostFloats(input);
    const bad = host && Array.from(host).find((v) => !(v >= 0 && v <= 1));
    if (host && bad !== undefined) fail(op, `expected all probabilities in [0, 1], got ${bad}`);
    return u.lt(input).to(dtype);
  });
}

/**
 * Normal samples, as PyTorch's overloads: normal(meanTensor, stdTensor), normal(meanTensor, std = 1),
 * normal(mean, stdTensor), normal(mean, std, size, opts). Shapes broadcast; the result records no gradient.
 */
export function normal(
  mean: Tensor | number,
  std: Tensor | number = 1,
  size?: readonly number[] | (RandomOptions & GeneratorOptions),
  opts: RandomOptions = {},
): Tensor {
  const op = 'normal';
  const isT = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && typeof (v as Tensor).shape === 'object';
  const o: RandomOptions = size !== undefined && !Array.isArray(size) ? (size as RandomOptions) : opts;
  const g = generatorOf(op, o);
  if (!isT(mean) && typeof mean !== 'number') fail(op, `mean must be a tensor or a number, got ${typeof mean}`);
  if (!isT(std) && typeof std !== 'number') fail(op, `std must be a tensor or a number, got ${typeof std}`);
  if (typeof std === 'number' && !(std >= 0)) fail(op, `expects std >= 0.0, but found std ${std}`);
  if (isT(std)) {
    const host = hostFloats(std);
    const bad = host && Array.from(host).find((v) => !(v >= 0));
    if (host && bad !== undefined) fail(op, `expects all elements of std >= 0.0, got ${bad}`);
  }
  if (!isT(mean) && !isT(std)) {
    if (!Array.isArray(size)) fail(op, 'normal(mean, std) with two numbers needs a size: normal(mean, std, [sizes], options?)');
    const shape = size as readonly number[];
    if (shape.some((s) => !Number.isInteger(s) || s < 0)) fail(op, `sizes must be non-negative integers, got ${fmtShape(shape)}`);
    const dtype = o.dtype ?? 'float32';
    return tensorFromData(o.device ?? getDefaultDevice(), toTypedArray(g.fillNormal(numel(shape), mean, std), dtype), shape, dtype);
  }
  const tensors = [mean, std].filter(isT);
  const device = tensors[0].device;
  if (tensors.some((t) => t.device !== device)) fail(op, `expected mean and std on the same device, got '${tensors[0].device}' and '${tensors[1].device}'`);
  const shape = broadcastShapes(op, ...tensors.map((t) => t.shape));
  return withGradMode(false, () => {
    const z = tensorFromData(device, g.fillNormal(numel(shape)), shape, 'float32');
    const scaled = isT(std) ? z.mul(std) : z.mul(std);
    return isT(mean) ? scaled.add(mean) : scaled.add(mean);
  });
}

/**
 * Writes random values into `t` (any view, e.g. for x.uniform_() and x.normal_()): 'uniform' in
 * [a, b), or 'normal' with mean a and std b, drawn from `generator` (the default one if none).
 * Returns `t`. It records nothing: in-place callers bump versions themselves.
 */
export function fillRandom(t: Tensor, kind: 'uniform' | 'normal', a: number, b: number, generator?: Generator): Tensor {
  const op = kind === 'uniform' ? 'uniform_' : 'normal_';
  assertLive(op, [t]);
  const g = generatorOf(op, { generator });
  if (kind === 'normal' && !(b >= 0)) fail(op, `expects std >= 0.0, but found std ${b}`);
  if (kind === 'uniform' && !(a <= b)) fail(op, `expects to return a [from, to) range, but found from=${a} > to=${b}`);
  const values = kind === 'uniform' ? g.fillUniform(t.numel(), a, b) : g.fillNormal(t.numel(), a, b);
  const src = tensorFromData(t.device, toTypedArray(values, t.dtype), t.shape, t.dtype);
  copyInto(t, src);
  return t;
}
