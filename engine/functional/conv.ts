/**
 * Convolutions and pooling (PyTorch's F.conv1d, conv2d, convTranspose2d, max/avg pools).
 *
 * A convolution is one gather of its patches, channels last (im2col, ops/windows.ts), and one
 * matmul with the weight laid out in the same order: a batched matmul over groups when groups > 1.
 * A transposed convolution is a matmul to columns (each input position times the weight) and one
 * col2im kernel that sums, for each output position, the columns landing on it.
 * The gradient of the patch gather is col2im and that of col2im the patch gather (ops/im2col.ts).
 */
import { fail, fmtShape } from '../core/errors';
import { toTypedArray } from '../core/dtype';
import { tensorFromData } from '../ops/make';
import { convPatches, transposedImage, unfold2d, windowGeometry, type Window2d } from '../ops/windows';
import { pool2dKernel, poolKernelApplies } from '../ops/pool';
import type { PoolWindow } from '../backends/backend';
import type { Tensor } from '../tensor';

type Ints = number | readonly number[];

/** Options of conv1d / conv2d: stride, padding (numbers, tuples, 'same' or 'valid'), dilation, groups. */
export interface ConvOptions {
  stride?: Ints;
  padding?: Ints | 'same' | 'valid';
  dilation?: Ints;
  groups?: number;
}

/** The options conv2d took before dilation and groups (kept for existing code). */
export type Conv2dOptions = ConvOptions;

/** Options of convTranspose1d / convTranspose2d. */
export interface ConvTransposeOptions {
  stride?: Ints;
  padding?: Ints;
  outputPadding?: Ints;
  groups?: number;
  dilation?: Ints;
}

/** Options of max pooling: stride (defaults to the kernel size), padding, dilation, ceil mode. */
export interface MaxPoolOptions {
  stride?: Ints;
  padding?: Ints;
  dilation?: Ints;
  ceilMode?: boolean;
}

/** Options of average pooling: stride (defaults to the kernel size), padding, ceil mode, whether padding counts, a fixed divisor. */
export interface AvgPoolOptions {
  stride?: Ints;
  padding?: Ints;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number;
}

/** The options max/avg pool 2d took before (kept for existing code). */
export type Pool2dOptions = MaxPoolOptions & AvgPoolOptions;

/** `v` as a pair of integers >= `min` (a number is used for both). */
export function ints2(op: string, name: string, v: Ints | undefined, fallback: [number, number], min: number): [number, number] {
  if (v === undefined) return fallback;
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if ((typeof v !== 'number' && v.length !== 2) || p.some((n) => !Number.isInteger(n) || n < min))
    fail(op, `${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`);
  return p;
}

/** `v` as one integer >= `min` (a number or a 1-tuple). */
export function int1(op: string, name: string, v: Ints | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : v.length === 1 ? v[0] : NaN;
  if (!Number.isInteger(n) || n < min) fail(op, `${name} must be an integer >= ${min} or a 1-tuple of one, got ${JSON.stringify(v)}`);
  return n;
}

function groupsOf(op: string, groups: number | undefined): number {
  const g = groups ?? 1;
  if (!Number.isInteger(g) || g < 1) fail(op, `groups must be a positive integer, got ${g}`);
  return g;
}

function checkBias(op: string, bias: Tensor | null | undefined, channels: number): void {
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== channels))
    fail(op, `bias must be [${channels}] (one per output channel), got shape ${fmtShape(bias.shape)}`);
}

/** `y` [N, G, P, Og] (+ bias) as NCHW [N, G * Og, oh, ow]. */
function groupedToNchw(y: Tensor, bias: Tensor | null | undefined, oh: number, ow: number): Tensor {
  const [n, g, , og] = y.shape;
  const biased = bias ? y.add(bias.reshape([g, 1, og])) : y;
  return biased.permute([0, 1, 3, 2]).reshape([n, g * og, oh, ow]);
}

/** The conv window of a kernel with padding (numbers, 'same' or 'valid'), stride and dilation. */
function convWindow(op: string, kernel: [number, number], opts: ConvOptions): Window2d {
  const stride = ints2(op, 'stride', opts.stride, [1, 1], 1);
  const dilation = ints2(op, 'dilation', opts.dilation, [1, 1], 1);
  if (opts.padding === 'valid') return { kernel, stride, padding: [0, 0], dilation };
  if (opts.padding === 'same') {
    if (stride.some((s) => s !== 1)) fail(op, `padding='same' is not supported for strided convolutions (stride ${stride})`);
    const total = [0, 1].map((d) => dilation[d] * (kernel[d] - 1));
    const before: [number, number] = [total[0] >> 1, total[1] >> 1];
    return { kernel, stride, padding: before, dilation, padAfter: [total[0] - before[0], total[1] - before[1]] };
  }
  if (typeof opts.padding === 'string') fail(op, `padding must be a number, a pair, 'same' or 'valid', got '${opts.padding}'`);
  return { kernel, stride, padding: ints2(op, 'padding', opts.padding, [0, 0], 0), dilation };
}

function conv2dAs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions, shown: (s: readonly number[]) => string): Tensor {
  const groups = groupsOf(op, opts.groups);
  const [o, cg, kh, kw] = weight.shape;
  if (o % groups !== 0) fail(op, `out channels ${o} of weight ${shown(weight.shape)} are not divisible by groups=${groups}`);
  if (x.ndim !== 4 || x.shape[1] !== cg * groups) {
    const g = groups === 1 ? '' : ` with groups=${groups}`;
    fail(op, `input ${shown(x.shape)} must be [N, ${cg * groups}, ${op === 'conv1d' ? 'L' : 'H, W'}] to match weight ${shown(weight.shape)}${g}`);
  }
  checkBias(op, bias, o);
  const window = convWindow(op, [kh, kw], opts);
  const n = x.shape[0];
  if (groups === 1) {
    const { patches, oh, ow } = convPatches(op, x, window);
    // The weight as [kh * kw * C, O], contiguous (a small copy), so both operands load as vec4 along their rows.
    let y = patches.matmul(weight.permute([2, 3, 1, 0]).reshape([kh * kw * cg, o]));
    if (bias) y = y.add(bias);
    return y.permute([0, 2, 1]).reshape([n, o, oh, ow]);
  }
  const { patches, oh, ow } = convPatches(op, x, window, groups);
  // Per group [kh * kw * C/g, O/g], in the patches' order: one batched matmul over groups.
  const w = weight
    .reshape([groups, o / groups, cg, kh, kw])
    .permute([0, 3, 4, 2, 1])
    .reshape([groups, kh * kw * cg, o / groups]);
  return groupedToNchw(patches.matmul(w), bias, oh, ow);
}

/**
 * 2-d convolution of `x` [N, C, H, W] by `weight` [O, C / groups, kh, kw] plus `bias` [O], with
 * stride, padding (numbers, pairs, 'same', 'valid'), dilation and groups in `opts`.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  if (weight.ndim !== 4) fail('conv2d', `weight must be [out, in / groups, kh, kw], got shape ${fmtShape(weight.shape)}`);
  return conv2dAs('conv2d', x, weight, bias, opts, fmtShape);
}

/** Wraps a number or 1-tuple option as the 2-d pair (1-d ops run as 2-d ones over a height-1 view). */
function widen(v: Ints | undefined, h: number): Ints | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return [h, v];
  return v.length === 1 ? [h, v[0]] : [h, NaN];
}

const drop2 = (s: readonly number[]) => fmtShape(s.length === 4 ? [s[0], s[1], s[3]] : s);

/** 1-d convolution of `x` [N, C, L] by `weight` [O, C / groups, k] plus `bias` [O] (run as conv2d over a height-1 view). */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  const op = 'conv1d';
  if (weight.ndim !== 3) fail(op, `weight must be [out, in / groups, k], got shape ${fmtShape(weight.shape)}`);
  if (x.ndim !== 3) fail(op, `expected a 3-D input [N, C, L], got shape ${fmtShape(x.shape)}`);
  int1(op, 'stride', opts.stride, 1, 1);
  int1(op, 'dilation', opts.dilation, 1, 1);
  const padding = typeof opts.padding === 'string' ? opts.padding : widen(int1(op, 'padding', opts.padding, 0, 0), 0);
  const span = int1(op, 'dilation', opts.dilation, 1, 1) * (weight.shape[2] - 1) + 1;
  const padded = x.shape[2] + (typeof padding === 'string' ? (padding === 'same' ? span - 1 : 0) : 2 * (padding as number[])[1]);
  if (span > padded) fail(op, `kernel ${span} (weight ${fmtShape(weight.shape)}) is larger than the padded input ${padded} (input shape ${fmtShape(x.shape)})`);
  const opts2 = { stride: widen(opts.stride, 1), dilation: widen(opts.dilation, 1), padding, groups: opts.groups };
  return conv2dAs(op, x.unsqueeze(2), weight.unsqueeze(2), bias, opts2, drop2).squeeze(2);
}

function convTranspose2dAs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions): Tensor {
  const groups = groupsOf(op, opts.groups);
  const [c, og, kh, kw] = weight.shape;
  const show = op === 'convTranspose1d' ? drop2 : fmtShape;
  if (c % groups !== 0) fail(op, `in channels ${c} of weight ${show(weight.shape)} are not divisible by groups=${groups}`);
  if (x.ndim !== 4 || x.shape[1] !== c)
    fail(op, `input ${show(x.shape)} must be [N, ${c}, ${op === 'convTranspose1d' ? 'L' : 'H, W'}] to match weight ${show(weight.shape)}`);
  checkBias(op, bias, og * groups);
  const stride = ints2(op, 'stride', opts.stride, [1, 1], 1);
  const dilation = ints2(op, 'dilation', opts.dilation, [1, 1], 1);
  const outputPadding = ints2(op, 'outputPadding', opts.outputPadding, [0, 0], 0);
  if (outputPadding.some((p, d) => p >= stride[d] && p >= dilation[d]))
    fail(op, `outputPadding ${outputPadding} must be smaller than either stride ${stride} or dilation ${dilation}`);
  const window = { kernel: [kh, kw] as [number, number], stride, padding: ints2(op, 'padding', opts.padding, [0, 0], 0), dilation, outputPadding };
  const [n, , h, wd] = x.shape;
  const cg = c / groups;
  const size = (d: 0 | 1, len: number) => (len - 1) * stride[d] - 2 * window.padding[d] + dilation[d] * (window.kernel[d] - 1) + outputPadding[d] + 1;
  if (size(0, h) <= 0 || size(1, wd) <= 0)
    fail(
      op,
      `output size ${size(0, h)}x${size(1, wd)} is not positive (input shape ${show(x.shape)}, weight ${show(weight.shape)}, padding ${window.padding})`,
    );
  // Columns: each input position times the weight, per group [H * W, Cg] @ [Cg, kh * kw * Og] (one batched matmul).
  const xl = x
    .permute([0, 2, 3, 1])
    .reshape([n, h * wd, groups, cg])
    .permute([0, 2, 1, 3]);
  const wl = weight
    .reshape([groups, cg, og, kh, kw])
    .permute([0, 1, 3, 4, 2])
    .reshape([groups, cg, kh * kw * og]);
  const cols = xl.matmul(wl).reshape([n * groups, h * wd * kh * kw, og]);
  const { image, oh, ow } = transposedImage(cols, h, wd, window);
  const y = image
    .reshape([n, groups, oh, ow, og])
    .permute([0, 1, 4, 2, 3])
    .reshape([n, groups * og, oh, ow]);
  return bias ? y.add(bias.reshape([1, -1, 1, 1])) : y;
}

/**
 * Transposed 2-d convolution (the gradient of conv2d with respect to its input) of `x` [N, C, H, W]
 * by `weight` [C, O / groups, kh, kw] plus `bias` [O]; output size (H - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  if (weight.ndim !== 4) fail('convTranspose2d', `weight must be [in, out / groups, kh, kw], got shape ${fmtShape(weight.shape)}`);
  return convTranspose2dAs('convTranspose2d', x, weight, bias, opts);
}

/** Transposed 1-d convolution of `x` [N, C, L] by `weight` [C, O / groups, k] plus `bias` [O]. */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  const op = 'convTranspose1d';
  if (weight.ndim !== 3) fail(op, `weight must be [in, out / groups, k], got shape ${fmtShape(weight.shape)}`);
  if (x.ndim !== 3) fail(op, `expected a 3-D input [N, C, L], got shape ${fmtShape(x.shape)}`);
  const one = (name: string, v: Ints | undefined, min: number) => (v === undefined ? undefined : [min === 0 ? 0 : 1, int1(op, name, v, 0, min)]);
  const opts2 = {
    stride: one('stride', opts.stride, 1),
    padding: one('padding', opts.padding, 0),
    outputPadding: one('outputPadding', opts.outputPadding, 0),
    dilation: one('dilation', opts.dilation, 1),
    groups: opts.groups,
  };
  return convTranspose2dAs(op, x.unsqueeze(2), weight.unsqueeze(2), bias, opts2).squeeze(2);
}

/** A pool's window: output sizes by floor or ceil (a last window must start inside the input or its left padding). */
function poolWindow(op: string, x: Tensor, kernel: [number, number], opts: MaxPoolOptions): Window2d {
  const stride = ints2(op, 'stride', opts.stride, kernel, 1);
  const padding = ints2(op, 'padding', opts.padding, [0, 0], 0);
  const dilation = ints2(op, 'dilation', opts.dilation, [1, 1], 1);
  const span = [0, 1].map((d) => dilation[d] * (kernel[d] - 1) + 1);
  if (padding.some((p, d) => p > span[d] / 2)) fail(op, `padding ${padding} should be at most half of the kernel size ${kernel}`);
  const window: Window2d = { kernel, stride, padding, dilation };
  if (!opts.ceilMode || x.ndim !== 4) return window;
  const after = [0, 1].map((d) => {
    const size = x.shape[2 + d];
    let out = Math.ceil((size + 2 * padding[d] - span[d]) / stride[d]) + 1;
    if ((out - 1) * stride[d] >= size + padding[d]) out--;
    return Math.max(padding[d], (out - 1) * stride[d] + span[d] - size - padding[d]);
  });
  return { ...window, padAfter: [after[0], after[1]] };
}

/** 2-d max pooling over `[N, C, H, W]` (stride defaults to the kernel size). */
export function maxPool2d(x: Tensor, kernelSize: Ints, opts: MaxPoolOptions = {}): Tensor {
  return maxPoolAs('maxPool2d', x, ints2('maxPool2d', 'kernelSize', kernelSize, [1, 1], 1), opts);
}

/** The pooling kernel's description of `window` over `x` (output size as the windows give it). */
function kernelWindow(op: string, x: Tensor, window: Window2d, avg: AvgPoolOptions): PoolWindow {
  const { oh, ow } = windowGeometry(op, x, window);
  const { kernel, stride, padding } = window;
  const dilation = window.dilation ?? [1, 1];
  return { kernel, stride, padding, dilation, outH: oh, outW: ow, countIncludePad: avg.countIncludePad ?? true, divisorOverride: avg.divisorOverride ?? 0 };
}

function maxPoolAs(op: string, x: Tensor, kernel: [number, number], opts: MaxPoolOptions): Tensor {
  const window = poolWindow(op, x, kernel, opts);
  if (poolKernelApplies(x)) return pool2dKernel(op, 'max', x, kernelWindow(op, x, window, {}));
  const cols = unfold2d(op, x, window, -Infinity);
  return cols.reshape([...cols.shape.slice(0, 4), kernel[0] * kernel[1]]).max(-1).values;
}

/** 2-d average pooling over `[N, C, H, W]` (stride defaults to the kernel size; countIncludePad, ceilMode, divisorOverride as PyTorch's). */
export function avgPool2d(x: Tensor, kernelSize: Ints, opts: AvgPoolOptions = {}): Tensor {
  return avgPoolAs('avgPool2d', x, ints2('avgPool2d', 'kernelSize', kernelSize, [1, 1], 1), opts);
}

function avgPoolAs(op: string, x: Tensor, kernel: [number, number], opts: AvgPoolOptions): Tensor {
  const window = poolWindow(op, x, kernel, { stride: opts.stride, padding: opts.padding, ceilMode: opts.ceilMode });
  if (opts.divisorOverride !== undefined && !(Number.isInteger(opts.divisorOverride) && opts.divisorOverride > 0))
    fail(op, `divisorOverride must be a positive integer, got ${opts.divisorOverride}`);
  if (poolKernelApplies(x)) return pool2dKernel(op, 'avg', x, kernelWindow(op, x, window, opts));
  const cols = unfold2d(op, x, window, 0);
  const windows = cols.reshape([...cols.shape.slice(0, 4), kernel[0] * kernel[1]]);
  const includePad = opts.countIncludePad ?? true;
  if (opts.divisorOverride !== undefined) return windows.sum(-1).div(opts.divisorOverride);
  if (includePad && !opts.ceilMode) return windows.mean(-1);
  // Each window's divisor (windows clipped at the padded input's end; without countIncludePad, at the input's).
  const [oh, ow] = cols.shape.slice(2, 4);
  const counts = (d: 0 | 1, out: number) =>
    Array.from({ length: out }, (_, r) => {
      const size = x.shape[2 + d];
      const start = r * window.stride[d] - window.padding[d];
      const end = Math.min(start + kernel[d], size + window.padding[d]);
      return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
    });
  const [ch, cw] = [counts(0, oh), counts(1, ow)];
  const divisor = toTypedArray(
    Array.from({ length: oh * ow }, (_, i) => ch[Math.floor(i / ow)] * cw[i % ow]),
    x.dtype,
  );
  return windows.sum(-1).div(tensorFromData(x.device, divisor, [oh, ow], x.dtype));
}

/** A 1-d pool's options widened to the 2-d pool over a height-1 view. */
function widenPool<T extends MaxPoolOptions & AvgPoolOptions>(op: string, opts: T): T {
  return {
    ...opts,
    stride: opts.stride === undefined ? undefined : [1, int1(op, 'stride', opts.stride, 1, 1)],
    padding: [0, int1(op, 'padding', opts.padding, 0, 0)],
    dilation: [1, int1(op, 'dilation', opts.dilation, 1, 1)],
  };
}

function check1d(op: string, x: Tensor): void {
  if (x.ndim !== 3) fail(op, `expected a 3-D input [N, C, L], got shape ${fmtShape(x.shape)}`);
}

/** 1-d max pooling over `[N, C, L]` (stride defaults to the kernel size). */
export function maxPool1d(x: Tensor, kernelSize: Ints, opts: MaxPoolOptions = {}): Tensor {
  const op = 'maxPool1d';
  check1d(op, x);
  const k = int1(op, 'kernelSize', kernelSize, 1, 1);
  const o = widenPool(op, opts);
  return maxPoolAs(op, x.unsqueeze(2), [1, k], { ...o, stride: o.stride ?? [1, k] }).squeeze(2);
}

/** 1-d average pooling over `[N, C, L]` (stride defaults to the kernel size; countIncludePad, ceilMode as PyTorch's). */
export function avgPool1d(x: Tensor, kernelSize: Ints, opts: AvgPoolOptions = {}): Tensor {
  const op = 'avgPool1d';
  check1d(op, x);
  const k = int1(op, 'kernelSize', kernelSize, 1, 1);
  const o = widenPool(op, opts);
  return avgPoolAs(op, x.unsqueeze(2), [1, k], { ...o, stride: o.stride ?? [1, k] }).squeeze(2);
}
