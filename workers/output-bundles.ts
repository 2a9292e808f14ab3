// Cell values turned into the output bundles the page draws. Only a tensor needs an async step
// (reading its values back); everything else is made at once, so it can be posted at once.
import { compiledInfo, formatTensor, nn, Tensor } from '../engine';
import { autogradGraph } from './autograd-graph';
import { inspect } from './inspect';
import { moduleBundle } from './module-tree';
import { plotBundle } from './plot-bundle';
import type { ChromeTrace, OutputBundle, ProfileRow } from './protocol';
import { tableBundle } from './table-bundle';
import { summarizeTensor } from './tensor-summary';

type Made = OutputBundle | Promise<OutputBundle>;

/** What `display(value)` shows: tensors, modules, compiled graphs, profiles, tables, plots, or text. */
export function displayBundle(value: unknown): Made {
  if (value instanceof Tensor && value.gradFn) return autogradBundle(value);
  return richBundle(value) ?? memoryBundle(value) ?? plotBundle(value) ?? textResult(value);
}

/**
 * What a cell's value shows: as `display`, except that an array of numbers stays text (a cell
 * ending in `x.shape` wants `[2, 3]`, not a chart); `display(values)` plots it.
 */
export function resultBundle(value: unknown): Made {
  return richBundle(value) ?? textResult(value);
}

function richBundle(value: unknown): Made | null {
  if (value instanceof Tensor) return summarizeTensor(value).then((summary) => ({ type: 'tensor', ...summary }));
  const compiled = compiledInfo(value);
  if (compiled) {
    const graphs = compiled.views();
    if (graphs.length > 0) return { type: 'graph', name: compiled.name, graphs };
  }
  if (value instanceof nn.Module) return moduleBundle(value);
  return profileBundle(value) ?? tableBundle(value);
}

/** `display(loss)`: the tensor, and the autograd graph that made it (walked to a bounded size). */
function autogradBundle(value: Tensor): Promise<OutputBundle> {
  const walked = autogradGraph(value)!;
  return summarizeTensor(value).then((summary) => ({ type: 'autograd-graph', tensor: { type: 'tensor', ...summary }, ...walked }));
}

/** `torch.memory()`'s result: exactly the three counts. */
function memoryBundle(value: unknown): OutputBundle | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value).sort().join(',');
  const { liveTensors, liveBytes, pooledBytes } = value as Record<string, unknown>;
  if (keys !== 'liveBytes,liveTensors,pooledBytes' || typeof liveTensors !== 'number' || typeof liveBytes !== 'number' || typeof pooledBytes !== 'number')
    return null;
  return { type: 'memory', liveTensors, liveBytes, pooledBytes };
}

/** A string is shown as its text (its lines kept), not as a quoted literal; other values inspected. */
function textResult(value: unknown): OutputBundle {
  return { type: 'text', stream: 'result', text: typeof value === 'string' ? value : inspect(value) };
}

/** A `torch.profile` result: an object with a `kernels` list of named dispatches and a `table()`. */
function profileBundle(value: unknown): OutputBundle | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kernels, table } = value as { kernels?: unknown; table?: unknown };
  if (!Array.isArray(kernels) || typeof table !== 'function') return null;
  if (!kernels.every((k) => typeof k === 'object' && k !== null && typeof (k as { name?: unknown }).name === 'string')) return null;
  const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const rows: ProfileRow[] = kernels.map((k: Record<string, unknown>) => ({
    name: k.name as string,
    gpuMs: numberOrNull(k.gpuMs),
    cpuMs: numberOrNull(k.cpuMs),
    flops: numberOrNull(k.flops),
    bytes: numberOrNull(k.bytes),
    device: typeof k.device === 'string' ? k.device : undefined,
    startMs: numberOrNull(k.startMs),
    op: typeof k.op === 'string' ? k.op : undefined,
    line: typeof k.line === 'string' ? k.line : null,
  }));
  const { wallMs, hasTimestamps, timestampQuantumMs, timestampCostMs, shadersCompiled, compileMs } = value as {
    wallMs?: unknown;
    hasTimestamps?: unknown;
    timestampQuantumMs?: unknown;
    timestampCostMs?: unknown;
    shadersCompiled?: unknown;
    compileMs?: unknown;
  };
  const text = String((table as () => unknown).call(value));
  const { chromeTrace } = value as { chromeTrace?: unknown };
  const trace = typeof chromeTrace === 'function' ? (chromeTrace.call(value) as ChromeTrace) : null;
  return {
    type: 'profile',
    kernels: rows,
    text,
    wallMs: numberOrNull(wallMs),
    hasTimestamps: hasTimestamps === true,
    trace,
    timestampQuantumMs: numberOrNull(timestampQuantumMs),
    timestampCostMs: numberOrNull(timestampCostMs),
    shadersCompiled: numberOrNull(shadersCompiled) ?? 0,
    compileMs: numberOrNull(compileMs) ?? 0,
  };
}

/**
 * A `console` call, as a browser console prints it: strings as they are (with `%s %d %i %f %o %O
 * %j` filled in from the arguments when the first one is a string), tensors with their values,
 * the rest inspected.
 */
export function logBundle(args: unknown[], stream: 'stdout' | 'stderr'): Made {
  const parts = substitute(args).map((arg) => (typeof arg === 'string' ? arg : arg instanceof Tensor ? formatTensor(arg) : inspect(arg)));
  const text = (strings: string[]): OutputBundle => ({ type: 'text', stream, text: strings.join(' ') });
  return parts.every((p): p is string => typeof p === 'string') ? text(parts) : Promise.all(parts).then(text);
}

function substitute(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (typeof first !== 'string' || !first.includes('%')) return args;
  let used = 0;
  const filled = first.replace(/%([sdifoOjc%])/g, (match, spec: string) => {
    if (spec === '%') return '%';
    if (used >= rest.length) return match;
    const arg = rest[used++];
    switch (spec) {
      case 'd':
      case 'i':
        return typeof arg === 'number' ? String(Math.trunc(arg)) : String(parseInt(String(arg), 10));
      case 'f':
        return String(typeof arg === 'number' ? arg : parseFloat(String(arg)));
      case 's':
        return typeof arg === 'string' ? arg : inspect(arg);
      case 'c':
        return ''; // CSS has no meaning in a text output
      default:
        return inspect(arg);
    }
  });
  return [filled, ...rest.slice(used)];
}
