/**
 * Planning PyTorch's advanced indexing (`x.index([rows, ':', mask])`): the basic part (ints,
 * slices, None, '...') as view steps, and the advanced indices (int32 tensors, a bool mask's
 * coordinates) with the dims they address. Shapes only: advanced-index.ts runs the plan.
 */
import type { Device, TypedArray } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { checkDataDependent, vmapTracks } from '../func/tape';
import { broadcastShapes } from '../core/shape';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { viewOffsets } from '../backends/cpu/strided';
import { Tensor } from '../tensor';
import { tensor, type NestedValues } from './creation';
import { clampIndex, parsePart, type Part } from './index-string';
import { hostValuesOf } from './make';

/** Nested JS lists of ints (an index tensor) or of booleans (a mask), as PyTorch takes lists inside an index. */
export type NestedIndex = number | boolean | readonly NestedIndex[];

/**
 * An item of an index list: an int, one slice-string piece (':', '1:3', '::2', '...', 'None'),
 * null (None), an int32 or bool tensor, or a nested list of ints or booleans (taken as one).
 */
export type IndexItem = number | string | null | Tensor | readonly NestedIndex[];

/** What `x.index(...)` takes: a slice string, one index tensor or mask, or a list of items. */
export type IndexSpec = string | Tensor | readonly IndexItem[];

/** A view step of basic indexing, on the dim it applies to at that point. */
export type BasicStep =
  | { kind: 'select'; dim: number; index: number }
  | { kind: 'slice'; dim: number; start: number; length: number; step: number }
  | { kind: 'unsqueeze'; dim: number };

/** One advanced index: int32 values for dim `dim` of the tensor after the basic steps. */
export interface AdvIndex {
  dim: number;
  /** The dim of the tensor the user indexed, for messages. */
  srcDim: number;
  /** The size of the dim it indexes. */
  size: number;
  shape: number[];
  /** The index tensor as given (int32), null for a mask's coordinates. */
  tensor: Tensor | null;
  /** Its values in row-major order where the host has them (CPU tensors, tensors made from JS data, masks). */
  host: Int32Array | null;
}

/** A planned index: the basic view steps, then the advanced indices over the result of those. */
export interface IndexPlan {
  steps: BasicStep[];
  /** The shape after the basic steps. */
  shape: number[];
  adv: AdvIndex[];
  /** The advanced indices' broadcast shape. */
  broadcast: number[];
}

type Item = Part | { kind: 'tensor'; t: Tensor } | { kind: 'mask'; t: Tensor };

/** The values of `t` in row-major order where the host has them without waiting, else null. */
export function hostValues(t: Tensor): TypedArray | null {
  if (vmapTracks(t)) return null; // ---- torch.func (#24): inside vmap, a batched tensor's host values are one sample's ----
  const storage = t.storageRef.storage;
  const data = storage instanceof CpuStorage ? (storage.pending ? null : storage.data) : hostValuesOf(t.storageRef);
  if (!data) return null;
  const offsets = viewOffsets(t);
  const out = new (data.constructor as new (n: number) => TypedArray)(offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = data[offsets[i]];
  return out;
}

function toItems(op: string, spec: Tensor | readonly IndexItem[], device: Device): Item[] {
  const list: readonly IndexItem[] = spec instanceof Tensor ? [spec] : spec;
  if (!Array.isArray(list)) fail(op, `expected a slice string, a tensor or a list of indices, got ${typeof spec}`);
  return list.map((given): Item => {
    const item = Array.isArray(given) ? listTensor(op, given as readonly NestedIndex[]) : given;
    if (item === null) return { kind: 'newaxis' };
    if (typeof item === 'number') {
      if (!Number.isInteger(item)) fail(op, `index ${item} is not an integer`);
      return { kind: 'int', value: item };
    }
    if (typeof item === 'string') {
      if (item.includes(',')) fail(op, `'${item}' holds several components: give one per list item, or the whole spec as one string`);
      return parsePart(item, item);
    }
    if (item instanceof Tensor) {
      if (item.dtype !== 'int32' && item.dtype !== 'bool')
        fail(op, `index tensors must be int32 (indices) or bool (masks), got ${item.dtype} (convert with .int() or .bool())`);
      if (item.device !== device && item.device !== 'cpu')
        fail(op, `index tensors must be on the CPU or on the indexed tensor's device ('${device}'), got one on '${item.device}'`);
      // A 0-d int tensor whose value the host has is an int, as in PyTorch (a select, a view).
      const value = item.dtype === 'int32' && item.ndim === 0 ? hostValues(item) : null;
      if (value) return { kind: 'int', value: value[0] };
      return { kind: item.dtype === 'bool' ? 'mask' : 'tensor', t: item };
    }
    return fail(op, `unsupported index item ${String(item)} (use ints, slice strings like ':' or '1:3', null, '...', int32/bool tensors or lists)`);
  });
}

/** A nested list inside an index as a CPU tensor: bool for booleans, else int32 (its values must be integers). */
function listTensor(op: string, list: readonly NestedIndex[]): Tensor {
  const probe = tensor(list as NestedValues, { device: 'cpu' });
  if (probe.dtype === 'bool') return probe;
  if (!Array.from(probe.cpuValues()).every(Number.isInteger)) fail(op, `list indices must be integers or booleans, got ${JSON.stringify(list)}`);
  return tensor(list as NestedValues, { device: 'cpu', dtype: 'int32' });
}

function consumed(item: Item): number {
  if (item.kind === 'int' || item.kind === 'slice' || item.kind === 'tensor') return 1;
  return item.kind === 'mask' ? item.t.ndim : 0;
}

/** The coordinates of a mask's true values, one int32 list per mask dim. */
function nonzero(values: TypedArray, shape: readonly number[]): Int32Array[] {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i]) count++;
  const coords = shape.map(() => new Int32Array(count));
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    if (!values[i]) continue;
    let rest = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      coords[d][k] = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
    }
    k++;
  }
  return coords;
}

function maskValues(op: string, mask: Tensor): TypedArray {
  checkDataDependent(op, [mask]); // ---- torch.func (#24) ----
  const values = hostValues(mask);
  if (values) return values;
  if (mask.device === 'cpu') fail(op, `the mask's values are still arriving from another device: await mask.data() first`);
  return fail(
    op,
    "a bool mask's true values decide the result's shape, and this mask's values are on the GPU only (computed there, or too big for a host copy), " +
      'which cannot be read synchronously: ' +
      'read it first (const m = mask.cpu(); await m.data(); then x.index(m)), or use x.maskedFill(mask, v) or torch.where(mask, a, b) for a result of the same shape',
  );
}

/** Plans `spec` (not a string) over a tensor of `shape` on `device`; errors name `op`. */
export function planIndex(op: string, shape: readonly number[], spec: Tensor | readonly IndexItem[], device: Device): IndexPlan {
  const items = toItems(op, spec, device);
  if (items.filter((p) => p.kind === 'ellipsis').length > 1) fail(op, `an index can hold only one '...'`);
  const uses = items.reduce((n, p) => n + consumed(p), 0);
  if (uses > shape.length) fail(op, `too many indices for a tensor of ${shape.length} dimensions (shape ${fmtShape(shape)}): ${uses} given`);
  const expanded: Item[] = [];
  for (const p of items) {
    if (p.kind === 'ellipsis') for (let i = 0; i < shape.length - uses; i++) expanded.push({ kind: 'slice' });
    else expanded.push(p);
  }
  const cur = [...shape];
  const steps: BasicStep[] = [];
  const adv: AdvIndex[] = [];
  let dim = 0;
  let src = 0;
  for (const p of expanded) {
    switch (p.kind) {
      case 'int': {
        const size = cur[dim];
        if (p.value < -size || p.value >= size) fail(op, `index ${p.value} is out of bounds for dimension ${src} with size ${size}`);
        steps.push({ kind: 'select', dim, index: p.value < 0 ? p.value + size : p.value });
        cur.splice(dim, 1);
        src++;
        break;
      }
      case 'newaxis':
        steps.push({ kind: 'unsqueeze', dim });
        cur.splice(dim, 0, 1);
        dim++;
        break;
      case 'slice': {
        const size = cur[dim];
        const step = p.step ?? 1;
        if (step <= 0) fail(op, `slice step must be greater than zero, got ${step}`);
        const start = clampIndex(p.start, size, 0);
        const stop = Math.max(clampIndex(p.stop, size, size), start);
        const length = Math.ceil((stop - start) / step);
        steps.push({ kind: 'slice', dim, start, length, step });
        cur[dim] = length;
        dim++;
        src++;
        break;
      }
      case 'tensor': {
        const host = hostValues(p.t);
        if (!host && p.t.device !== device)
          fail(op, `the index tensor's values are still arriving from another device: await its data() first, or move it with .to('${device}')`);
        adv.push({ dim, srcDim: src, size: cur[dim], shape: [...p.t.shape], tensor: p.t, host: host as Int32Array | null });
        dim++;
        src++;
        break;
      }
      case 'mask': {
        const m = p.t;
        const values = maskValues(op, m);
        if (m.ndim === 0) {
          // A 0-d mask adds a dim of size 1, indexed by [0] (true) or by nothing (false).
          steps.push({ kind: 'unsqueeze', dim });
          cur.splice(dim, 0, 1);
          const host = values[0] ? Int32Array.of(0) : new Int32Array(0);
          adv.push({ dim, srcDim: src, size: 1, shape: [host.length], tensor: null, host });
          dim++;
          break;
        }
        m.shape.forEach((s, k) => {
          if (s !== cur[dim + k])
            fail(
              op,
              `the shape of the mask ${fmtShape(m.shape)} at index ${k} does not match the shape of the indexed tensor ${fmtShape(cur)} at index ${dim + k}`,
            );
        });
        const coords = nonzero(values, m.shape);
        coords.forEach((host, k) => adv.push({ dim: dim + k, srcDim: src + k, size: cur[dim + k], shape: [host.length], tensor: null, host }));
        dim += m.ndim;
        src += m.ndim;
        break;
      }
      case 'ellipsis':
        break;
    }
  }
  for (const a of adv) {
    if (!a.host) continue;
    for (const v of a.host) if (v < -a.size || v >= a.size) fail(op, `index ${v} is out of bounds for dimension ${a.srcDim} with size ${a.size}`);
  }
  const broadcast = adv.length ? broadcastShapes(op, ...adv.map((a) => a.shape)) : [];
  return { steps, shape: cur, adv, broadcast };
}
