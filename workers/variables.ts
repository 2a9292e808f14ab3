// What the variables panel lists: every name the cells put in the kernel's scope, with its type and,
// for a tensor, its shape, dtype, device and size. Made from what the Worker already holds: no
// value is read back from the GPU to list it (clicking a row displays it, which does).
import { nn, optim, Tensor } from '../engine';
import type { CellScope } from './cell-runner';
import type { VariableSummary } from './protocol';

/** Longest preview of a number, string or other plain value. */
const PREVIEW_CHARS = 60;

/** Bytes per element as the dtype stores it (float16 two bytes, bool one). */
function bytesPerElement(dtype: string): number {
  if (dtype === 'float16') return 2;
  if (dtype === 'bool') return 1;
  return 4;
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

/** One name's summary; never throws (a getter that fails shows as an object). */
export function summarizeVariable(name: string, value: unknown): VariableSummary {
  if (value instanceof Tensor) {
    const disposed = value.disposed;
    return {
      name,
      kind: 'tensor',
      type: 'Tensor',
      detail: disposed ? 'disposed' : `${value.dtype} · ${value.device}`,
      shape: [...value.shape],
      dtype: value.dtype,
      device: value.device,
      bytes: disposed ? 0 : value.numel() * bytesPerElement(value.dtype),
    };
  }
  if (value instanceof nn.Module) {
    const params = value.parameters();
    const count = params.reduce((n, p) => n + p.numel(), 0);
    return { name, kind: 'module', type: className(value), detail: `${count.toLocaleString('en-US')} parameters` };
  }
  if (value instanceof optim.Optimizer) {
    const count = value.paramGroups.reduce((n, g) => n + g.params.length, 0);
    const lr = value.paramGroups[0]?.lr;
    return { name, kind: 'optimizer', type: className(value), detail: `${count} tensor${count === 1 ? '' : 's'}${lr === undefined ? '' : ` · lr ${lr}`}` };
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return { name, kind: 'value', type: typeof value, detail: clip(String(value)) };
  }
  if (typeof value === 'string') return { name, kind: 'value', type: 'string', detail: clip(JSON.stringify(value)) };
  if (value === undefined || value === null) return { name, kind: 'value', type: String(value), detail: '' };
  if (typeof value === 'function') {
    const isClass = /^class\b/.test(Function.prototype.toString.call(value));
    return { name, kind: 'function', type: isClass ? 'class' : 'function', detail: isClass ? '' : `${value.length} parameter${value.length === 1 ? '' : 's'}` };
  }
  if (Array.isArray(value)) return { name, kind: 'array', type: 'array', detail: `length ${value.length}` };
  if (typeof value === 'symbol') return { name, kind: 'value', type: 'symbol', detail: clip(String(value)) };
  if (value instanceof Map || value instanceof Set) return { name, kind: 'object', type: className(value), detail: `size ${value.size}` };
  return { name, kind: 'object', type: className(value as object), detail: '' };
}

/** The names cells declared (the scope's own, not the built-ins behind it), sorted by name. */
export function listVariables(scope: CellScope): VariableSummary[] {
  return Object.keys(scope)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      try {
        return summarizeVariable(name, scope[name]);
      } catch {
        return { name, kind: 'object', type: 'object', detail: '' } satisfies VariableSummary;
      }
    });
}
