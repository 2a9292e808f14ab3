/** Padding and sliding windows (im2col), the ground conv2d and pooling stand on. */
import type { Device } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { copyInto } from './elementwise';
import { full } from './creation';
import { gather } from './indexing';
import { col2im, im2col } from './im2col';
import { assertLive, forgetHostValues, tensorFromData } from './make';
import { outsideScope } from '../core/storage-ref';

/** `x` with `amount` elements of `value` added on both sides of each of its last dims. */
export function pad(x: Tensor, amount: readonly number[], value = 0): Tensor {
  assertLive('pad', [x]);
  if (amount.every((a) => a === 0)) return x;
  const lead = x.ndim - amount.length;
  const starts = x.shape.map((_, d) => (d < lead ? 0 : amount[d - lead]));
  const out = full(
    x.shape.map((s, d) => s + 2 * starts[d]),
    value,
    { dtype: x.dtype, device: x.device },
  );
  let window = out;
  starts.forEach((s, d) => (window = window.narrow(d, s, x.shape[d])));
  copyInto(window, x);
  return record(out, 'pad', [x], { starts, value });
}

export interface Window2d {
  kernel: [number, number];
  stride: [number, number];
  /** Padding before (and, without padAfter, after) the input along height and width. */
  padding: [number, number];
  /** The spacing between a window's taps (1: adjacent). */
  dilation?: [number, number];
  /** Padding after the input, where it differs from `padding` ('same' with an even kernel, ceil mode). */
  padAfter?: [number, number];
}

/** The window's padding as laid out: a symmetric pad of the larger side, and where windows start in it. */
function padLayout(w: Window2d): { pad: [number, number]; shift: [number, number] } {
  const after = w.padAfter ?? w.padding;
  const pad: [number, number] = [Math.max(w.padding[0], after[0]), Math.max(w.padding[1], after[1])];
  return { pad, shift: [pad[0] - w.padding[0], pad[1] - w.padding[1]] };
}

export function pair(op: string, name: string, v: number | readonly number[] | undefined, fallback: [number, number]): [number, number] {
  if (v === undefined) return fallback;
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((n) => !Number.isInteger(n) || n < 0)) fail(op, `${name} must be a non-negative integer or a pair of them, got ${JSON.stringify(v)}`);
  return p;
}

const windowIndexCache = new Map<string, Tensor>();

/** For each output position and window offset, the flat position it reads in the padded plane. */
function windowIndex(device: Device, hp: number, wp: number, oh: number, ow: number, w: Window2d): Tensor {
  const [dh, dw] = w.dilation ?? [1, 1];
  const { shift } = padLayout(w);
  const key = `${device}|${hp}|${wp}|${oh}|${ow}|${w.kernel}|${w.stride}|${dh},${dw}|${shift}`;
  let idx = windowIndexCache.get(key);
  if (!idx) {
    const [kh, kw] = w.kernel;
    const [sh, sw] = w.stride;
    const values = new Int32Array(oh * ow * kh * kw);
    let i = 0;
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let ki = 0; ki < kh; ki++) for (let kj = 0; kj < kw; kj++) values[i++] = (r * sh + ki * dh + shift[0]) * wp + (c * sw + kj * dw + shift[1]);
    // Cached across calls, so made outside any torch.scope (which would free it at its end).
    idx = outsideScope(() => tensorFromData(device, values, [values.length], 'int32'));
    forgetHostValues(idx.storageRef); // in range by construction: no need to check it per call
    windowIndexCache.set(key, idx);
  }
  return idx;
}

/** The padded plane's size and the number of window positions along each dim. */
export function windowGeometry(op: string, x: Tensor, w: Window2d): { hp: number; wp: number; oh: number; ow: number } {
  if (x.ndim !== 4) fail(op, `expected a 4-D input [N, C, H, W], got shape ${fmtShape(x.shape)}`);
  const [dh, dw] = w.dilation ?? [1, 1];
  const kh = dh * (w.kernel[0] - 1) + 1;
  const kw = dw * (w.kernel[1] - 1) + 1;
  const after = w.padAfter ?? w.padding;
  const { pad } = padLayout(w);
  const eh = x.shape[2] + w.padding[0] + after[0];
  const ew = x.shape[3] + w.padding[1] + after[1];
  if (kh > eh || kw > ew) {
    const dilated = dh > 1 || dw > 1 ? ` (dilated from ${w.kernel[0]}x${w.kernel[1]})` : '';
    fail(op, `kernel ${kh}x${kw}${dilated} is larger than the padded input ${eh}x${ew} (input shape ${fmtShape(x.shape)})`);
  }
  return { hp: x.shape[2] + 2 * pad[0], wp: x.shape[3] + 2 * pad[1], oh: Math.floor((eh - kh) / w.stride[0]) + 1, ow: Math.floor((ew - kw) / w.stride[1]) + 1 };
}

/** Sliding windows of an NCHW tensor: [N, C, outH, outW, kh, kw]. */
export function unfold2d(op: string, x: Tensor, w: Window2d, padValue = 0): Tensor {
  const { hp, wp, oh, ow } = windowGeometry(op, x, w);
  const [n, c] = x.shape;
  const [kh, kw] = w.kernel;
  const padded = pad(x, padLayout(w).pad, padValue);
  const idx = windowIndex(x.device, hp, wp, oh, ow, w);
  const planes = padded.reshape([n * c, hp * wp]);
  const cols = gather(planes, 1, idx.reshape([1, -1]).expand([n * c, oh * ow * kh * kw]));
  return cols.reshape([n, c, oh, ow, kh, kw]);
}

/** `planes` [N, L, C] as [N * groups, L, C / groups]: each group's channels as a batch of its own (a copy when groups > 1). */
function groupPlanes(planes: Tensor, groups: number): Tensor {
  if (groups === 1) return planes;
  const [n, l, c] = planes.shape;
  return planes
    .reshape([n, l, groups, c / groups])
    .permute([0, 2, 1, 3])
    .reshape([n * groups, l, c / groups]);
}

/**
 * A convolution's patches (im2col) of an NCHW tensor, channels last: [N, outH * outW, kh * kw * C],
 * one row per output position holding its window's positions with their C channels contiguous.
 * They are gathered from a channels-last copy of the padded input, so one gather writes the
 * matmul's operand in its final layout with reads and writes along C (windows in NCHW order would
 * need a strided permute of all N*C*outH*outW*kh*kw values after the gather).
 * With groups > 1 they come per group: [N, groups, outH * outW, kh * kw * C / groups].
 */
export function convPatches(op: string, x: Tensor, w: Window2d, groups = 1): { patches: Tensor; oh: number; ow: number } {
  const { hp, wp, oh, ow } = windowGeometry(op, x, w);
  const [n, c] = x.shape;
  const [kh, kw] = w.kernel;
  const { pad: p } = padLayout(w);
  const channelsLast = pad(x.permute([0, 2, 3, 1]), [p[0], p[1], 0]);
  const planes = groupPlanes(channelsLast.reshape([n, hp * wp, c]), groups);
  const idx = windowIndex(x.device, hp, wp, oh, ow, w);
  const cg = c / groups;
  const { shift } = padLayout(w);
  const cols = im2col(planes, idx, { kernel: w.kernel, stride: w.stride, dilation: w.dilation ?? [1, 1], shift, outH: oh, outW: ow, planeH: hp, planeW: wp });
  const patches = groups === 1 ? cols.reshape([n, oh * ow, kh * kw * c]) : cols.reshape([n, groups, oh * ow, kh * kw * cg]);
  return { patches, oh, ow };
}

/** A transposed convolution's geometry: kernel, stride, padding, dilation and the extra size on the far side. */
export interface TransposedWindow2d {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  outputPadding: [number, number];
}

/**
 * A transposed convolution's output, channels last ([B, outH, outW, O]), from its columns `cols`
 * [B, H * W * kh * kw, O] (each input position's contribution to each kernel tap, input @ weight):
 * one col2im kernel sums, for every output position, the columns that land on it (input position
 * i and tap k land at i * stride - padding + k * dilation), over a plane that starts `padding`
 * before the output; the output is a window of it.
 */
export function transposedImage(cols: Tensor, h: number, w: number, t: TransposedWindow2d): { image: Tensor; oh: number; ow: number } {
  const [b, , o] = cols.shape;
  const span = (d: 0 | 1, len: number) => (len - 1) * t.stride[d] + t.dilation[d] * (t.kernel[d] - 1) + 1;
  const [oh, ow] = [span(0, h) - 2 * t.padding[0] + t.outputPadding[0], span(1, w) - 2 * t.padding[1] + t.outputPadding[1]];
  const [ph, pw] = [Math.max(span(0, h), t.padding[0] + oh), Math.max(span(1, w), t.padding[1] + ow)];
  const idx = windowIndex(cols.device, ph, pw, h, w, { kernel: t.kernel, stride: t.stride, padding: [0, 0], dilation: t.dilation });
  const window = { kernel: t.kernel, stride: t.stride, dilation: t.dilation, shift: [0, 0] as const, outH: h, outW: w, planeH: ph, planeW: pw };
  const plane = col2im(cols, window, idx.reshape([1, -1, 1]).expand([b, idx.shape[0], o]), [b, ph * pw, o]);
  return { image: plane.reshape([b, ph, pw, o]).narrow(1, t.padding[0], oh).narrow(2, t.padding[1], ow), oh, ow };
}
