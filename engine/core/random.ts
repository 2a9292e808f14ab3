/** The global random stream: torch.defaultGenerator (core/generator.ts), which torch.manualSeed seeds. */
import { defaultGenerator, type Generator } from './generator';

/** Seeds the default generator (as torch.manual_seed) and returns it. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** A uniform 32-bit unsigned integer from the default generator. */
export function nextUint32(): number {
  return defaultGenerator.nextUint32();
}

/** Uniform in [0, 1) with 24 bits, exactly representable in float32. */
export function nextUniform(): number {
  return defaultGenerator.nextUniform();
}

export function fillUniform(n: number, low = 0, high = 1): Float32Array {
  return defaultGenerator.fillUniform(n, low, high);
}

/** Standard normal values by the Box–Muller transform. */
export function fillNormal(n: number, mean = 0, std = 1): Float32Array {
  return defaultGenerator.fillNormal(n, mean, std);
}

export function fillRandint(n: number, low: number, high: number): Int32Array {
  return defaultGenerator.fillRandint(n, low, high);
}
