/**
 * PyTorch's advanced indexing: `x.index([rows, ':', mask])` reads as one gather over the indexed
 * dims merged into one, and `indexPut` writes out of place. The index arithmetic (negative
 * indices, broadcasting, strides) runs on the host where the values are there (CPU tensors,
 * tensors made from JS data, masks), else on the device through gathers from small stride
 * tables, which check each index against its own dim (see planIndex for the layout rules).
 */
import { isFloating, type Device } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { broadcastStrides, contiguousStrides, numel } from '../core/shape';
import { viewOffsets } from '../backends/cpu/strided';
import type { Tensor } from '../tensor';
import { binary, where } from './elementwise';
import { indexByString } from './index-string';
import { planIndex, type AdvIndex, type BasicStep, type IndexItem, type IndexPlan, type IndexSpec } from './index-plan';
import { gather, scatterAdd } from './indexing';
import { assertLive, commonDevice, emptyTensor, tensorFromData } from './make';
import { expand, permute, reshape, select, slice, unsqueeze } from './views';

export type { IndexItem, IndexSpec, NestedIndex } from './index-plan';

/** Options of indexPut: `accumulate` adds the values (duplicates add up) instead of writing them. */
export interface IndexPutOptions {
  accumulate?: boolean;
}

/** `x.index(spec)`: a slice string (basic indexing, views), or PyTorch's advanced indexing with tensors, masks and lists. */
export function index(x: Tensor, spec: IndexSpec): Tensor {
  return typeof spec === 'string' ? indexByString(x, spec) : advancedIndex(x, spec);
}

function applySteps(x: Tensor, steps: readonly BasicStep[]): Tensor {
  let y = x;
  for (const s of steps) {
    if (s.kind === 'select') y = select(y, s.dim, s.index);
    else if (s.kind === 'slice') y = slice(y, s.dim, s.start, s.length, s.step);
    else y = unsqueeze(y, s.dim);
  }
  return y;
}

/** The basic steps applied to a contiguous tensor of `shape`: the layout, in its flat element positions. */
function stepLayout(shape: readonly number[], steps: readonly BasicStep[]): { shape: number[]; strides: number[]; offset: number } {
  const sh = [...shape];
  const st = contiguousStrides(shape);
  let offset = 0;
  for (const s of steps) {
    if (s.kind === 'select') {
      offset += s.index * st[s.dim];
      sh.splice(s.dim, 1);
      st.splice(s.dim, 1);
    } else if (s.kind === 'slice') {
      offset += s.start * st[s.dim];
      sh[s.dim] = s.length;
      st[s.dim] *= s.step;
    } else {
      sh.splice(s.dim, 0, 1);
      st.splice(s.dim, 0, 0);
    }
  }
  return { shape: sh, strides: st, offset };
}

/**
 * Where the result's dims come from: adjacent advanced dims put the broadcast dims in their place
 * (after `before`), separated ones put them first; `order` permutes the basic-indexed tensor to
 * [before..., advanced..., after...]. A 0-d index tensor PyTorch takes as an int (a select): it
 * adds no dim, and is left out when telling whether the others are adjacent.
 */
function arrange(plan: IndexPlan): { order: number[]; before: number[]; after: number[] } {
  const dims = plan.adv.map((a) => a.dim);
  const scalars = plan.adv.filter((a) => a.shape.length === 0).map((a) => a.dim);
  const shaped = scalars.length === dims.length ? dims : dims.filter((d) => !scalars.includes(d));
  const squeezed = shaped.map((d) => d - scalars.filter((s) => s < d).length);
  const adjacent = squeezed.every((d, i) => i === 0 || d === squeezed[i - 1] + 1);
  const rest = plan.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const before = adjacent ? rest.filter((d) => d < shaped[0]) : [];
  const after = rest.filter((d) => !before.includes(d));
  return { order: [...before, ...dims, ...after], before, after };
}

/** An advanced index as an int32 tensor on `device` (uploading host values where needed). */
function onDevice(a: AdvIndex, device: Device): Tensor {
  if (a.tensor && a.tensor.device === device) return a.tensor;
  return tensorFromData(device, a.host!, a.shape, 'int32');
}

/** sum_j wrap(index_j) * strides[j] over the broadcast shape `b`, for the indices whose values the host has. */
function hostSum(adv: readonly AdvIndex[], strides: readonly number[], b: readonly number[]): Int32Array {
  const out = new Int32Array(numel(b));
  adv.forEach((a, j) => {
    if (!a.host) return;
    const at = viewOffsets({ shape: b, strides: broadcastStrides(a.shape, contiguousStrides(a.shape), b), offset: 0 });
    for (let i = 0; i < out.length; i++) {
      const v = a.host[at[i]];
      out[i] += (v < 0 ? v + a.size : v) * strides[j];
    }
  });
  return out;
}

/**
 * sum_j wrap(index_j) * strides[j] as an int32 tensor of the broadcast shape `b` on `device`. An
 * index the host lacks is looked up in a table [0, s, 2s, ...] of its dim by a gather, which wraps
 * negative indices and reports one out of range against the user's dim.
 */
function flatIndex(op: string, adv: readonly AdvIndex[], strides: readonly number[], b: readonly number[], device: Device): Tensor {
  const parts: Tensor[] = [];
  if (adv.some((a) => a.host)) parts.push(tensorFromData(device, hostSum(adv, strides, b), b, 'int32'));
  const bx = b.length ? b : [1];
  adv.forEach((a, j) => {
    if (a.host) return;
    const table = tensorFromData(
      device,
      Int32Array.from({ length: a.size }, (_, i) => i * strides[j]),
      [a.size],
      'int32',
    );
    const rows = expand(reshape(table, [a.size, ...bx.slice(1).map(() => 1)]), [a.size, ...bx.slice(1)]);
    const idx = expand(reshape(a.tensor!, [...bx.slice(a.shape.length).map(() => 1), ...a.shape]), bx);
    parts.push(reshape(gather(rows, 0, idx, op, a.srcDim), b));
  });
  return parts.reduce((sum, t) => binary('add', sum, t));
}

/** `x.index(list or tensor)`: PyTorch's x[...] with int32 index tensors and bool masks, as one gather (differentiable). */
export function advancedIndex(x: Tensor, spec: Tensor | readonly IndexItem[]): Tensor {
  const op = 'index';
  assertLive(op, [x]);
  const plan = planIndex(op, x.shape, spec, x.device);
  const y = applySteps(x, plan.steps);
  if (!plan.adv.length) return y;
  const { adv, broadcast: b } = plan;
  const { order, before, after } = arrange(plan);
  const z = order.every((d, i) => d === i) ? y : permute(y, order);
  const sizesBefore = before.map((d) => y.shape[d]);
  const sizesAfter = after.map((d) => y.shape[d]);
  const sizes = adv.map((a) => a.size);
  // One index: the gather wraps and checks it; several: merged into one flat dim (row-major).
  const single = adv.length === 1;
  const merged = single ? z : reshape(z, [...sizesBefore, numel(sizes), ...sizesAfter]);
  const flat = single ? onDevice(adv[0], x.device) : flatIndex(op, adv, contiguousStrides(sizes), b, x.device);
  const nb = numel(b);
  const idx = expand(reshape(flat, [...sizesBefore.map(() => 1), nb, ...sizesAfter.map(() => 1)]), [...sizesBefore, nb, ...sizesAfter]);
  const out = gather(merged, before.length, idx, op, single ? adv[0].srcDim : before.length);
  return reshape(out, [...sizesBefore, ...b, ...sizesAfter]);
}

/**
 * The flat positions (in `x`'s row-major order) that `plan` addresses, as an int32 tensor of the
 * indexed shape, and their values where the host has them.
 */
function positions(op: string, x: Tensor, plan: IndexPlan): { shape: number[]; tensor: Tensor; host: Int32Array | null } {
  const lay = stepLayout(x.shape, plan.steps);
  const { adv, broadcast: b } = plan;
  const { before, after } = adv.length ? arrange(plan) : { before: lay.shape.map((_, d) => d), after: [] };
  const sizesBefore = before.map((d) => lay.shape[d]);
  const sizesAfter = after.map((d) => lay.shape[d]);
  const shape = [...sizesBefore, ...b, ...sizesAfter];
  // Each kept dim's part, with the basic steps' offset: [before..., after...] row-major.
  const restDims = [...before, ...after];
  const rest = viewOffsets({ shape: restDims.map((d) => lay.shape[d]), strides: restDims.map((d) => lay.strides[d]), offset: lay.offset });
  const strides = adv.map((a) => lay.strides[a.dim]);
  if (adv.every((a) => a.host)) {
    const advPart = hostSum(adv, strides, b);
    const na = numel(sizesAfter);
    const nb = advPart.length;
    const host = new Int32Array(numel(shape));
    for (let i = 0; i < host.length; i++) {
      const r = i % na;
      const k = Math.floor(i / na);
      host[i] = rest[Math.floor(k / nb) * na + r] + advPart[k % nb];
    }
    return { shape, tensor: tensorFromData(x.device, host, shape, 'int32'), host };
  }
  const advPart = reshape(flatIndex(op, adv, strides, b, x.device), [...sizesBefore.map(() => 1), ...b, ...sizesAfter.map(() => 1)]);
  const restPart = tensorFromData(x.device, rest, [...sizesBefore, ...b.map(() => 1), ...sizesAfter], 'int32');
  return { shape, tensor: binary('add', advPart, restPart), host: null };
}

/**
 * PyTorch's index_put, out of place: a copy of `x` with `values` (broadcast to the indexed shape)
 * written at `indices` (the forms x.index takes), or added there with `{ accumulate: true }`
 * (duplicates add up). Without accumulate, duplicate positions get the mean of their values
 * (PyTorch leaves which one wins undefined). Differentiable in `x` and `values`.
 */
export function indexPut(x: Tensor, indices: IndexSpec, values: Tensor | number, opts: IndexPutOptions = {}): Tensor {
  const op = 'indexPut';
  assertLive(op, [x]);
  if (!isFloating(x.dtype)) fail(op, `supports floating tensors, got ${x.dtype}`);
  const mask = soleMask(indices);
  if (mask && (typeof values === 'number' || values.ndim === 0)) return maskPut(op, x, mask, values, opts.accumulate ?? false);
  const spec = typeof indices === 'string' ? (indices.trim() === '' ? [] : indices.split(',')) : indices;
  const plan = planIndex(op, x.shape, spec, x.device);
  const v = typeof values === 'number' ? tensorFromData(x.device, Float32Array.of(values), [], 'float32').to(x.dtype) : values;
  assertLive(op, [v]);
  commonDevice(op, [x, v]);
  if (v.dtype !== x.dtype) fail(op, `values must have the tensor's dtype ${x.dtype}, got ${v.dtype} (convert with .to('${x.dtype}'))`);
  const pos = positions(op, x, plan);
  const lead = pos.shape.length - v.ndim;
  if (lead < 0 || v.shape.some((s, i) => s !== 1 && s !== pos.shape[lead + i]))
    fail(op, `values of shape ${fmtShape(v.shape)} cannot be broadcast to the indexed shape ${fmtShape(pos.shape)}`);
  const n = x.numel();
  const flatX = reshape(x, [n]);
  const flatP = reshape(pos.tensor, [-1]);
  const flatV = reshape(expand(v, pos.shape), [-1]);
  if (opts.accumulate) return reshape(scatterAdd(flatX, 0, flatP, flatV, op, 0), x.shape);
  const zeros = emptyTensor(x.device, [n], x.dtype, true);
  let written: Tensor;
  let count: Tensor | null = null;
  if (pos.host) {
    const hits = new Float32Array(n);
    for (const p of pos.host) hits[p]++;
    written = tensorFromData(
      x.device,
      Uint8Array.from(hits, (h) => (h > 0 ? 1 : 0)),
      [n],
      'bool',
    );
    if (hits.some((h) => h > 1))
      count = tensorFromData(
        x.device,
        hits.map((h) => Math.max(h, 1)),
        [n],
        'float32',
      ).to(x.dtype);
  } else {
    const ones = expand(tensorFromData(x.device, Float32Array.of(1), [1], 'float32').to(x.dtype), [flatP.numel()]);
    const hits = scatterAdd(zeros, 0, flatP, ones, op, 0);
    written = hits.gt(0);
    count = hits.maximum(1);
  }
  let sums = scatterAdd(zeros, 0, flatP, flatV, op, 0);
  if (count) sums = binary('div', sums, count);
  return reshape(where(written, sums, flatX), x.shape);
}

/** The bool tensor when `indices` is one mask alone (`mask` or `[mask]`), else null. */
function soleMask(indices: IndexSpec): Tensor | null {
  const only = Array.isArray(indices) ? (indices.length === 1 ? indices[0] : null) : indices;
  return typeof only === 'object' && only !== null && !Array.isArray(only) && 'dtype' in only && only.dtype === 'bool' ? only : null;
}

/**
 * `x[mask] = v` (or `+= v`) with one value: a where over the mask broadcast to x's shape, so the
 * mask's values are never needed on the host (a mask computed on the GPU works, as `x[x > 0] = 0`).
 */
function maskPut(op: string, x: Tensor, mask: Tensor, value: Tensor | number, accumulate: boolean): Tensor {
  assertLive(op, typeof value === 'number' ? [mask] : [mask, value]);
  commonDevice(op, typeof value === 'number' ? [x, mask] : [x, mask, value]);
  if (mask.ndim > x.ndim || mask.shape.some((s, k) => s !== x.shape[k]))
    fail(op, `the mask of shape ${fmtShape(mask.shape)} does not match the leading dims of the tensor of shape ${fmtShape(x.shape)}`);
  const spread = reshape(mask, [...mask.shape, ...x.shape.slice(mask.ndim).map(() => 1)]);
  const written = accumulate ? binary('add', x, value) : value;
  const out = where(spread, written, x);
  return out.dtype === x.dtype ? out : out.to(x.dtype);
}
