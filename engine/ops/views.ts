/** Shape ops. Those PyTorch makes views share storage here too; the rest copy. */
import { fail, fmtShape } from '../core/errors';
import { inferShape, normalizeDim, normalizeDims, numel, viewStrides } from '../core/shape';
import { record, type GradCtx } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { copy, copyInto } from './elementwise';
import { assertLive, commonDevice, emptyTensor, viewTensor } from './make';

function asView<P extends 'view' | 'permute' | 'expand' | 'slice' | 'select'>(
  op: P,
  x: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  ctx: GradCtx[P],
): Tensor {
  assertLive(op, [x]);
  const out = viewTensor(x, shape, strides, offset);
  out.viewBase = x.viewBase ?? x;
  return record(out, op, [x], ctx);
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('view', shape, x.numel(), x.shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (!strides)
    fail(
      'view',
      `shape ${fmtShape(target)} is not compatible with input of shape ${fmtShape(x.shape)} and strides ${fmtShape(x.strides)} (a dimension spans two non-contiguous parts); use .reshape(...) instead`,
    );
  return asView('view', x, target, strides, x.offset, { inputShape: x.shape });
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('reshape', shape, x.numel(), x.shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides) return asView('view', x, target, strides, x.offset, { inputShape: x.shape });
  return view(copy(x), target);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) fail('permute', `expected ${x.ndim} dims for a tensor of shape ${fmtShape(x.shape)}, got ${fmtShape(dims)}`);
  const norm = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(norm).size !== norm.length) fail('permute', `dims ${fmtShape(dims)} repeat a dimension`);
  return asView(
    'permute',
    x,
    norm.map((d) => x.shape[d]),
    norm.map((d) => x.strides[d]),
    x.offset,
    { dims: norm },
  );
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim < 2 && dim0 === dim1) return x;
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const dims = [...Array(x.ndim).keys()];
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return permute(x, dims);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  return asView('view', x, shape, strides, x.offset, { inputShape: x.shape });
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.flatMap((s, i) => (s === 1 ? [i] : [])) : normalizeDims('squeeze', dim, x.ndim);
  const keep = x.shape.map((s, i) => !(s === 1 && dims.includes(i)));
  return asView(
    'view',
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    x.offset,
    { inputShape: x.shape },
  );
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) fail('flatten', `startDim ${startDim} comes after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) fail('expand', `the number of sizes ${fmtShape(sizes)} must be at least the tensor's dims (shape ${fmtShape(x.shape)})`);
  const lead = sizes.length - x.ndim;
  const shape: number[] = [];
  const strides: number[] = [];
  sizes.forEach((size, i) => {
    const own = i >= lead ? x.shape[i - lead] : 1;
    const target = size === -1 ? own : size;
    if (i < lead && size === -1) fail('expand', `-1 is not allowed in a new leading dimension (sizes ${fmtShape(sizes)})`);
    if (own !== target && own !== 1)
      fail('expand', `the expanded size ${target} must match the existing size ${own} at dimension ${i} (shape ${fmtShape(x.shape)} to ${fmtShape(sizes)})`);
    shape.push(target);
    strides.push(i < lead || own !== target ? 0 : x.strides[i - lead]);
  });
  return asView('expand', x, shape, strides, x.offset, { inputShape: x.shape });
}

/** Elements start..start+length (every `step`-th) of `dim`: a view. */
export function slice(x: Tensor, dim: number, start: number, length: number, step = 1): Tensor {
  const d = normalizeDim('narrow', dim, x.ndim);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = length;
  strides[d] = x.strides[d] * step;
  return asView('slice', x, shape, strides, x.offset + start * x.strides[d], { dim: d, start, step });
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size)
    fail('narrow', `start ${start} and length ${length} exceed dimension ${d} of size ${size} (shape ${fmtShape(x.shape)})`);
  return slice(x, d, s, length);
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) fail('select', 'cannot select from a 0-d tensor');
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size)
    fail('select', `index ${index} is out of range for dimension ${d} of size ${size} (shape ${fmtShape(x.shape)})`);
  const i = index < 0 ? index + size : index;
  return asView(
    'select',
    x,
    x.shape.filter((_, k) => k !== d),
    x.strides.filter((_, k) => k !== d),
    x.offset + i * x.strides[d],
    { dim: d, index: i },
  );
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) fail('chunk', `chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim('chunk', dim, x.ndim);
  const size = x.shape[d];
  const step = Math.ceil(size / chunks);
  const out: Tensor[] = [];
  for (let s = 0; s < size || (size === 0 && out.length === 0); s += Math.max(step, 1)) {
    out.push(narrow(x, d, s, Math.min(step, size - s)));
    if (size === 0) break;
  }
  return out;
}

export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const size = x.shape[d];
  const sizes =
    typeof splitSize === 'number' ? Array.from({ length: Math.ceil(size / splitSize) }, (_, i) => Math.min(splitSize, size - i * splitSize)) : [...splitSize];
  if (sizes.reduce((a, b) => a + b, 0) !== size) fail('split', `sizes ${fmtShape(sizes)} do not add up to ${size} (dimension ${d} of ${fmtShape(x.shape)})`);
  let start = 0;
  return sizes.map((len) => {
    const part = narrow(x, d, start, len);
    start += len;
    return part;
  });
}

export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : copy(x);
}

/** A reversed copy along `dims` (PyTorch's flip copies, it is not a view). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const ds = normalizeDims('flip', dims, x.ndim);
  let offset = x.offset;
  const strides = x.strides.map((s, d) => {
    if (!ds.includes(d)) return s;
    offset += (x.shape[d] - 1) * s;
    return -s;
  });
  const reversed = viewTensor(x, x.shape, strides, offset);
  return record(copy(reversed), 'flip', [x], { dims: ds });
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) fail('cat', 'expected a non-empty list of tensors');
  assertLive('cat', tensors);
  const device = commonDevice('cat', tensors);
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  const ref = parts[0] ?? tensors[0];
  const d = normalizeDim('cat', dim, ref.ndim);
  const dtype = parts.reduce((dt, t) => (t.dtype === 'float32' || dt === 'float32' ? 'float32' : t.dtype === 'int32' ? 'int32' : dt), ref.dtype);
  parts.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, k) => k !== d && s !== ref.shape[k])) {
      fail('cat', `sizes must match except in dimension ${d}: tensor 0 has shape ${fmtShape(ref.shape)} and tensor ${i} has shape ${fmtShape(t.shape)}`);
    }
  });
  const shape = [...ref.shape];
  shape[d] = parts.reduce((n, t) => n + t.shape[d], 0);
  const out = emptyTensor(device, shape, dtype);
  let start = 0;
  for (const t of parts) {
    const strides = [...out.strides];
    const window = viewTensor(out, t.shape, strides, start * out.strides[d]);
    copyInto(window, t);
    start += t.shape[d];
  }
  return record(out, 'cat', parts, { dim: d, sizes: parts.map((t) => t.shape[d]) });
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) fail('stack', 'expected a non-empty list of tensors');
  const shape = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (t.shape.length !== shape.length || t.shape.some((s, k) => s !== shape[k]))
      fail('stack', `expects each tensor to be equal size, but got ${fmtShape(shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`);
  });
  const d = normalizeDim('stack', dim, shape.length + 1);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) fail('repeat', `number of repeat dims ${sizes.length} can not be smaller than the tensor's dims ${x.ndim}`);
  const padded = [...Array(sizes.length - x.ndim).fill(1), ...x.shape];
  const base = reshape(x, padded);
  const interleaved: number[] = [];
  const expanded: number[] = [];
  padded.forEach((s, i) => {
    interleaved.push(1, s);
    expanded.push(sizes[i], s);
  });
  const out = reshape(
    expand(reshape(base, interleaved), expanded),
    padded.map((s, i) => s * sizes[i]),
  );
  return out.isContiguous() && out.storageRef === x.storageRef ? copy(out) : out;
}
