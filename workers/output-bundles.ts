// Cell values turned into the output bundles the page draws.
import { formatTensor, Tensor } from '../engine';
import { inspect } from './inspect';
import type { OutputBundle } from './protocol';

/** The view of a value shown as a cell's result or through `display(value)`. */
export async function valueBundle(value: unknown): Promise<OutputBundle> {
  if (value instanceof Tensor) {
    return { type: 'tensor', shape: [...value.shape], dtype: value.dtype, device: value.device, text: await formatTensor(value) };
  }
  return { type: 'text', stream: 'result', text: inspect(value) };
}

/** A `console` call: strings as they are, tensors with their values, the rest inspected. */
export async function logBundle(args: unknown[], stream: 'stdout' | 'stderr'): Promise<OutputBundle> {
  const parts = await Promise.all(
    args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Tensor ? formatTensor(arg) : inspect(arg))),
  );
  return { type: 'text', stream, text: parts.join(' ') };
}

export function errorBundle(error: unknown, line: number | null): OutputBundle {
  if (error instanceof Error) return { type: 'error', name: error.name, message: error.message, line };
  return { type: 'error', name: 'Error', message: `Uncaught ${inspect(error)}`, line };
}
