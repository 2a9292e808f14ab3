/** `x.index(':, 1:3, ::2')`: NumPy/PyTorch basic indexing from a slice string, as views. */
import { fail, fmtShape } from '../core/errors';
import type { Tensor } from '../tensor';
import { select, slice, unsqueeze } from './views';

/** One component of a slice string: an int, a slice, '...' or None. */
export type Part =
  { kind: 'int'; value: number } | { kind: 'slice'; start?: number; stop?: number; step?: number } | { kind: 'ellipsis' } | { kind: 'newaxis' };

function parseInt10(text: string, spec: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^[+-]?\d+$/.test(t)) fail('index', `'${t}' is not an integer in '${spec}'`);
  return Number(t);
}

/** Parses one component (`raw`, no comma) of the slice string `spec`. */
export function parsePart(raw: string, spec: string): Part {
  const p = raw.trim();
  if (p === '...') return { kind: 'ellipsis' };
  if (p === 'None' || p === 'null') return { kind: 'newaxis' };
  if (!p.includes(':')) {
    const value = parseInt10(p, spec);
    if (value === undefined) fail('index', `empty index in '${spec}'`);
    return { kind: 'int', value };
  }
  const bits = p.split(':');
  if (bits.length > 3) fail('index', `'${p}' has too many colons in '${spec}'`);
  return {
    kind: 'slice',
    start: parseInt10(bits[0], spec),
    stop: parseInt10(bits[1], spec),
    step: bits.length === 3 ? parseInt10(bits[2], spec) : undefined,
  };
}

function parse(spec: string): Part[] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((raw) => parsePart(raw, spec));
}

/** A slice bound resolved against a dim of `size` (negative from the end, clamped), or `fallback` when absent. */
export function clampIndex(v: number | undefined, size: number, fallback: number): number {
  if (v === undefined) return fallback;
  const i = v < 0 ? v + size : v;
  return Math.min(Math.max(i, 0), size);
}

export function indexByString(x: Tensor, spec: string): Tensor {
  const parts = parse(spec);
  if (parts.filter((p) => p.kind === 'ellipsis').length > 1) fail('index', `'${spec}' has more than one '...'`);
  const consuming = parts.filter((p) => p.kind === 'int' || p.kind === 'slice').length;
  if (consuming > x.ndim) fail('index', `too many indices for a tensor of ${x.ndim} dimensions: '${spec}'`);
  const expanded: Part[] = [];
  for (const p of parts) {
    if (p.kind === 'ellipsis') for (let i = 0; i < x.ndim - consuming; i++) expanded.push({ kind: 'slice' });
    else expanded.push(p);
  }
  let out = x;
  let dim = 0;
  let src = 0; // the dimension of x the next int or slice indexes, for messages
  for (const p of expanded) {
    switch (p.kind) {
      case 'int': {
        const size = out.shape[dim];
        if (p.value < -size || p.value >= size)
          fail('index', `index ${p.value} is out of range for dimension ${src} of size ${size} in '${spec}' (shape ${fmtShape(x.shape)})`);
        out = select(out, dim, p.value);
        src++;
        break;
      }
      case 'newaxis':
        out = unsqueeze(out, dim);
        dim++;
        break;
      case 'slice': {
        const size = out.shape[dim];
        const step = p.step ?? 1;
        if (step <= 0) fail('index', `step must be greater than zero, got ${step} in '${spec}'`);
        const start = clampIndex(p.start, size, 0);
        const stop = Math.max(clampIndex(p.stop, size, size), start);
        out = slice(out, dim, start, Math.ceil((stop - start) / step), step);
        dim++;
        src++;
        break;
      }
      case 'ellipsis':
        break;
    }
  }
  return out;
}
