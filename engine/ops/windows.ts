/** Padding and sliding windows (im2col), the ground conv2d and pooling stand on. */
import type { Device } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { copyInto } from './elementwise';
import { full } from './creation';
import { gather } from './indexing';
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
  return record(out, 'pad', [x], { starts });
}

export interface Window2d {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
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
  const key = `${device}|${hp}|${wp}|${oh}|${ow}|${w.kernel}|${w.stride}`;
  let idx = windowIndexCache.get(key);
  if (!idx) {
    const [kh, kw] = w.kernel;
    const [sh, sw] = w.stride;
    const values = new Int32Array(oh * ow * kh * kw);
    let i = 0;
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++) for (let ki = 0; ki < kh; ki++) for (let kj = 0; kj < kw; kj++) values[i++] = (r * sh + ki) * wp + (c * sw + kj);
    // Cached across calls, so made outside any torch.scope (which would free it at its end).
    idx = outsideScope(() => tensorFromData(device, values, [values.length], 'int32'));
    forgetHostValues(idx.storageRef); // in range by construction: no need to check it per call
    windowIndexCache.set(key, idx);
  }
  return idx;
}

/** The padded plane's size and the number of window positions along each dim. */
function windowGeometry(op: string, x: Tensor, w: Window2d): { hp: number; wp: number; oh: number; ow: number } {
  if (x.ndim !== 4) fail(op, `expected a 4-D input [N, C, H, W], got shape ${fmtShape(x.shape)}`);
  const [kh, kw] = w.kernel;
  const hp = x.shape[2] + 2 * w.padding[0];
  const wp = x.shape[3] + 2 * w.padding[1];
  if (kh > hp || kw > wp) fail(op, `kernel ${kh}x${kw} is larger than the padded input ${hp}x${wp} (input shape ${fmtShape(x.shape)})`);
  return { hp, wp, oh: Math.floor((hp - kh) / w.stride[0]) + 1, ow: Math.floor((wp - kw) / w.stride[1]) + 1 };
}

/** Sliding windows of an NCHW tensor: [N, C, outH, outW, kh, kw]. */
export function unfold2d(op: string, x: Tensor, w: Window2d, padValue = 0): Tensor {
  const { hp, wp, oh, ow } = windowGeometry(op, x, w);
  const [n, c] = x.shape;
  const [kh, kw] = w.kernel;
  const padded = pad(x, w.padding, padValue);
  const idx = windowIndex(x.device, hp, wp, oh, ow, w);
  const planes = padded.reshape([n * c, hp * wp]);
  const cols = gather(planes, 1, idx.reshape([1, -1]).expand([n * c, oh * ow * kh * kw]));
  return cols.reshape([n, c, oh, ow, kh, kw]);
}

/**
 * A convolution's patches (im2col) of an NCHW tensor, channels last: [N, outH * outW, kh * kw * C],
 * one row per output position holding its window's positions with their C channels contiguous.
 * They are gathered from a channels-last copy of the padded input, so one gather writes the
 * matmul's operand in its final layout with reads and writes along C (windows in NCHW order would
 * need a strided permute of all N*C*outH*outW*kh*kw values after the gather).
 */
export function convPatches(op: string, x: Tensor, w: Window2d): { patches: Tensor; oh: number; ow: number } {
  const { hp, wp, oh, ow } = windowGeometry(op, x, w);
  const [n, c] = x.shape;
  const [kh, kw] = w.kernel;
  const channelsLast = pad(x.permute([0, 2, 3, 1]), [w.padding[0], w.padding[1], 0]);
  const planes = channelsLast.reshape([n, hp * wp, c]);
  const idx = windowIndex(x.device, hp, wp, oh, ow, w);
  const cols = gather(planes, 1, idx.reshape([1, -1, 1]).expand([n, oh * ow * kh * kw, c]));
  return { patches: cols.reshape([n, oh * ow, kh * kw * c]), oh, ow };
}
