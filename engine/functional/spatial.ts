/**
 * Spatial functions (PyTorch's F.pad, interpolate, adaptiveAvgPool2d, unfold), composed from ops with
 * gradients: each padded or resampled dim is one indexSelect (pad, nearest) or one matmul by a small
 * resampling matrix (linear, bilinear, adaptive average pooling); unfold is one gather.
 */
import type { Device } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { outsideScope } from '../core/storage-ref';
import { full } from '../ops/creation';
import { gather, indexSelect } from '../ops/indexing';
import { forgetHostValues, tensorFromData } from '../ops/make';
import { cat } from '../ops/views';
import { pad as padBoth } from '../ops/windows';
import { Tensor } from '../tensor';

const constants = new Map<string, Tensor>();

/** A constant index or weight tensor on `device`, made once per key (outside any torch.scope, as windows.ts does). */
function constant(device: Device, key: string, make: () => { data: Int32Array | Float32Array; shape: number[] }): Tensor {
  const full = `${device}|${key}`;
  let c = constants.get(full);
  if (!c) {
    const { data, shape } = make();
    c = outsideScope(() => tensorFromData(device, data, shape, data instanceof Int32Array ? 'int32' : 'float32'));
    forgetHostValues(c.storageRef);
    if (constants.size > 512) constants.clear();
    constants.set(full, c);
  }
  return c;
}

function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) fail(op, `input must be a Tensor, got ${typeof x}`);
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** The source position along a dim of `size` for each of `size + before + after` output positions. */
function padIndex(mode: Exclude<PadMode, 'constant'>, size: number, before: number, after: number): Int32Array {
  const out = new Int32Array(size + before + after);
  for (let i = 0; i < out.length; i++) {
    const j = i - before;
    if (mode === 'replicate') out[i] = Math.min(Math.max(j, 0), size - 1);
    else if (mode === 'circular') out[i] = ((j % size) + size) % size;
    else out[i] = j < 0 ? -j : j >= size ? 2 * (size - 1) - j : j;
  }
  return out;
}

/**
 * Pads (or, with negative amounts, crops) the last dims of `x`: `pads` is `[left, right]` for the last dim,
 * then `[top, bottom]` for the one before, and so on. Modes: constant (`value`), reflect, replicate, circular.
 */
export function pad(x: Tensor, pads: readonly number[], opts: { mode?: PadMode; value?: number } = {}): Tensor {
  const op = 'pad';
  checkInput(op, x);
  const mode = opts.mode ?? 'constant';
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(mode))
    fail(op, `mode must be 'constant', 'reflect', 'replicate' or 'circular', got '${String(mode)}'`);
  if (!Array.isArray(pads) || pads.length % 2 !== 0 || pads.some((p) => !Number.isInteger(p)))
    fail(op, `pads must be an even-length list of integers, got ${JSON.stringify(pads)}`);
  if (pads.length / 2 > x.ndim) fail(op, `pads ${JSON.stringify(pads)} pad ${pads.length / 2} dims but the input ${fmtShape(x.shape)} has ${x.ndim}`);
  if (mode !== 'constant' && opts.value !== undefined && opts.value !== 0) fail(op, `a padding value is only used in constant mode, got mode '${mode}'`);
  let y = x;
  for (let k = 0; k < pads.length / 2; k++) {
    const dim = x.ndim - 1 - k;
    const [before, after] = [pads[2 * k], pads[2 * k + 1]];
    const size = x.shape[dim];
    if (before === 0 && after === 0) continue;
    if (size + before + after < 0) fail(op, `padding ${before}, ${after} of dim ${dim} (size ${size}) leaves a negative size`);
    if (mode === 'constant') {
      if (before < 0 || after < 0) y = y.narrow(dim, Math.max(-before, 0), size + Math.min(before, 0) + Math.min(after, 0));
      const side = (n: number) =>
        full(
          y.shape.map((s, d) => (d === dim ? n : s)),
          opts.value ?? 0,
          { dtype: x.dtype, device: x.device },
        );
      const parts = [...(before > 0 ? [side(before)] : []), y, ...(after > 0 ? [side(after)] : [])];
      if (parts.length > 1) y = cat(parts, dim);
      continue;
    }
    if (size === 0) fail(op, `${mode} padding needs a non-empty dim ${dim}, got input ${fmtShape(x.shape)}`);
    if (mode === 'reflect' && (before >= size || after >= size))
      fail(op, `reflect padding (${before}, ${after}) must be smaller than the size ${size} of dim ${dim} (input ${fmtShape(x.shape)})`);
    if (mode === 'circular' && (before > size || after > size))
      fail(op, `circular padding (${before}, ${after}) must be at most the size ${size} of dim ${dim} (input ${fmtShape(x.shape)})`);
    const idx = constant(x.device, `pad|${mode}|${size}|${before}|${after}`, () => ({
      data: padIndex(mode, size, before, after),
      shape: [size + before + after],
    }));
    y = indexSelect(y, dim, idx, op);
  }
  return y;
}

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** The output's spatial size (a number for every spatial dim, or one per dim). */
  size?: number | readonly number[];
  /** The factor each spatial dim is scaled by (output size = floor(input size * factor)). */
  scaleFactor?: number | readonly number[];
  /** 'nearest' (the default), 'linear' (3-D input) or 'bilinear' (4-D input). */
  mode?: InterpolateMode;
  /** For linear modes: whether the corner pixels' centres of input and output align (PyTorch's align_corners). */
  alignCorners?: boolean;
}

/** `[in, out]`: the weights of linear interpolation from `inSize` to `outSize` positions, as PyTorch computes the source positions. */
function linearWeights(inSize: number, outSize: number, alignCorners: boolean, scale: number | undefined): Float32Array {
  const w = new Float32Array(inSize * outSize);
  const ratio = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scale !== undefined && scale > 0 ? 1 / scale : inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? o * ratio : Math.max((o + 0.5) * ratio - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const lambda = src - i0;
    w[i0 * outSize + o] += 1 - lambda;
    w[i1 * outSize + o] += lambda;
  }
  return w;
}

/** The source position of each output position for nearest interpolation (PyTorch's floor(dst * scale), scale in float32). */
function nearestIndex(inSize: number, outSize: number, scale: number | undefined): Int32Array {
  const ratio = Math.fround(scale !== undefined && scale > 0 ? Math.fround(1 / scale) : Math.fround(inSize / outSize));
  return Int32Array.from({ length: outSize }, (_, o) => Math.min(Math.floor(Math.fround(o * ratio)), inSize - 1));
}

function perDim(op: string, name: string, v: number | readonly number[], n: number): number[] {
  const list = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (list.length !== n || list.some((s) => typeof s !== 'number' || !(s > 0)))
    fail(op, `${name} must be a positive number or a list of ${n} of them (one per spatial dim), got ${JSON.stringify(v)}`);
  return list;
}

/** Resizes the spatial dims (all after the first two) of `x` [N, C, ...] to `size`, or by `scaleFactor`: nearest, linear or bilinear. */
export function interpolate(x: Tensor, opts: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  checkInput(op, x);
  const mode = opts.mode ?? 'nearest';
  if (x.ndim < 3 || x.ndim > 5) fail(op, `expected a 3-D, 4-D or 5-D input [N, C, ...spatial], got shape ${fmtShape(x.shape)}`);
  const spatial = x.ndim - 2;
  const wantDims = { nearest: spatial, linear: 1, bilinear: 2 }[mode];
  if (wantDims === undefined) fail(op, `mode must be 'nearest', 'linear' or 'bilinear', got '${String(mode)}'`);
  if (wantDims !== spatial) fail(op, `mode '${mode}' expects a ${wantDims + 2}-D input, got shape ${fmtShape(x.shape)}`);
  if (mode === 'nearest' && opts.alignCorners !== undefined) fail(op, `alignCorners only applies to the linear modes, not '${mode}'`);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) fail(op, 'give exactly one of size and scaleFactor');
  const scales = opts.scaleFactor !== undefined ? perDim(op, 'scaleFactor', opts.scaleFactor, spatial) : undefined;
  const sizes = opts.size !== undefined ? perDim(op, 'size', opts.size, spatial) : scales!.map((s, i) => Math.floor(x.shape[2 + i] * s));
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0))
    fail(op, `output sizes must be positive integers, got ${JSON.stringify(sizes)} for input ${fmtShape(x.shape)}`);
  const align = opts.alignCorners ?? false;
  let y = x;
  for (let i = spatial - 1; i >= 0; i--) {
    const dim = 2 + i;
    const [inSize, outSize, scale] = [x.shape[dim], sizes[i], scales?.[i]];
    if (mode === 'nearest') {
      if (inSize === outSize) continue;
      const idx = constant(x.device, `nearest|${inSize}|${outSize}|${scale}`, () => ({ data: nearestIndex(inSize, outSize, scale), shape: [outSize] }));
      y = indexSelect(y, dim, idx, op);
      continue;
    }
    const w = constant(x.device, `linear|${inSize}|${outSize}|${align}|${scale}`, () => ({
      data: linearWeights(inSize, outSize, align, scale),
      shape: [inSize, outSize],
    }));
    // The resampled dim last, times the [in, out] weights: one matmul per dim.
    y = dim === x.ndim - 1 ? y.matmul(w) : y.transpose(dim, -1).matmul(w).transpose(dim, -1);
  }
  return y;
}

/** `[in, out]`: averaging weights of PyTorch's adaptive pooling windows (start floor(o*in/out), end ceil((o+1)*in/out)). */
function adaptiveWeights(inSize: number, outSize: number): Float32Array {
  const w = new Float32Array(inSize * outSize);
  for (let o = 0; o < outSize; o++) {
    const start = Math.floor((o * inSize) / outSize);
    const end = Math.ceil(((o + 1) * inSize) / outSize);
    for (let i = start; i < end; i++) w[i * outSize + o] = 1 / (end - start);
  }
  return w;
}

/** Average pooling of `[N, C, H, W]` (or `[C, H, W]`) to an output of `outputSize` (a number, or `[h, w]` with null keeping that dim), with windows as PyTorch chooses them. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkInput(op, x);
  if (x.ndim !== 3 && x.ndim !== 4) fail(op, `expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got shape ${fmtShape(x.shape)}`);
  const [h, w] = x.shape.slice(-2);
  const sizes = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0] ?? h, outputSize[1] ?? w];
  if ((typeof outputSize !== 'number' && outputSize.length !== 2) || sizes.some((s) => !Number.isInteger(s) || s <= 0))
    fail(op, `outputSize must be a positive integer or a pair of them, got ${JSON.stringify(outputSize)}`);
  if (h === 0 || w === 0) fail(op, `expected a non-empty input, got shape ${fmtShape(x.shape)}`);
  const [oh, ow] = sizes;
  const ww = constant(x.device, `adaptive|${w}|${ow}`, () => ({ data: adaptiveWeights(w, ow), shape: [w, ow] }));
  const wh = constant(x.device, `adaptive|${h}|${oh}`, () => ({ data: adaptiveWeights(h, oh), shape: [h, oh] }));
  return wh.t().matmul(x.matmul(ww));
}

export interface UnfoldOptions {
  /** The spacing between the kernel's taps (1). */
  dilation?: number | readonly number[];
  /** Zeros added on each side (0). */
  padding?: number | readonly number[];
  /** The step between windows (1). */
  stride?: number | readonly number[];
}

function pairOf(op: string, name: string, v: number | readonly number[] | undefined, fallback: number, min: number): [number, number] {
  const p = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [...v];
  if (p.length !== 2 || p.some((n) => !Number.isInteger(n) || n < min))
    fail(op, `${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`);
  return [p[0], p[1]];
}

/** im2col: the sliding windows of `x` [N, C, H, W] as columns, `[N, C * kh * kw, L]` (L the number of window positions). */
export function unfold(x: Tensor, kernelSize: number | readonly number[], opts: UnfoldOptions = {}): Tensor {
  const op = 'unfold';
  checkInput(op, x);
  if (x.ndim !== 4) fail(op, `expected a 4-D input [N, C, H, W], got shape ${fmtShape(x.shape)}`);
  const [kh, kw] = pairOf(op, 'kernelSize', kernelSize, 1, 1);
  const [dh, dw] = pairOf(op, 'dilation', opts.dilation, 1, 1);
  const [ph, pw] = pairOf(op, 'padding', opts.padding, 0, 0);
  const [sh, sw] = pairOf(op, 'stride', opts.stride, 1, 1);
  const [n, c, h, w] = x.shape;
  const [hp, wp] = [h + 2 * ph, w + 2 * pw];
  const oh = Math.floor((hp - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wp - dw * (kw - 1) - 1) / sw) + 1;
  if (oh <= 0 || ow <= 0) fail(op, `kernel ${kh}x${kw} (dilation ${dh}x${dw}) is larger than the padded input ${hp}x${wp} (input ${fmtShape(x.shape)})`);
  const positions = oh * ow;
  const idx = constant(x.device, `unfold|${hp}|${wp}|${kh}|${kw}|${dh}|${dw}|${sh}|${sw}`, () => {
    const data = new Int32Array(kh * kw * positions);
    let i = 0;
    for (let ki = 0; ki < kh; ki++)
      for (let kj = 0; kj < kw; kj++) for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) data[i++] = (r * sh + ki * dh) * wp + (q * sw + kj * dw);
    return { data, shape: [1, data.length] };
  });
  const planes = padBoth(x, [ph, pw]).reshape([n * c, hp * wp]);
  return gather(planes, 1, idx.expand([n * c, kh * kw * positions]), op).reshape([n, c * kh * kw, positions]);
}
