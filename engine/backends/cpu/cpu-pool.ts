/** The CPU backend's pooling and col2im loops (Backend.pool2d, pool2dGrad, col2im): plain loops, the reference the WebGPU kernels are checked against. */
import type { TypedArray } from '../../core/dtype';
import type { Col2imWindow, PoolOp, PoolWindow, View } from '../backend';

/** The divisor of an average window starting at (y0, x0) of an h x w plane (see PoolWindow). */
export function poolDivisor(w: PoolWindow, y0: number, x0: number, h: number, wd: number): number {
  if (w.divisorOverride > 0) return w.divisorOverride;
  const extent = (start: number, k: number, len: number, pad: number) => {
    const end = Math.min(start + k, len + pad);
    return w.countIncludePad ? end - start : Math.min(end, len) - Math.max(start, 0);
  };
  return extent(y0, w.kernel[0], h, w.padding[0]) * extent(x0, w.kernel[1], wd, w.padding[1]);
}

/** pool2d over contiguous planes: `src` [planes, h, w] from `input.offset`, into `dst` (and `idx` for max). */
export function poolLoop(op: PoolOp, input: View, src: TypedArray, dst: TypedArray, idx: TypedArray | null, out: View, w: PoolWindow): void {
  const [n, c, h, wd] = input.shape;
  const { outH, outW } = w;
  for (let p = 0; p < n * c; p++) {
    const base = input.offset + p * h * wd;
    for (let r = 0; r < outH; r++)
      for (let col = 0; col < outW; col++) {
        const y0 = r * w.stride[0] - w.padding[0];
        const x0 = col * w.stride[1] - w.padding[1];
        let best = -Infinity;
        let at = -1;
        let sum = 0;
        for (let ki = 0; ki < w.kernel[0]; ki++) {
          const y = y0 + ki * w.dilation[0];
          if (y < 0 || y >= h) continue;
          for (let kj = 0; kj < w.kernel[1]; kj++) {
            const x = x0 + kj * w.dilation[1];
            if (x < 0 || x >= wd) continue;
            const v = src[base + y * wd + x];
            sum += v;
            if (at < 0 || v > best || Number.isNaN(v)) {
              best = v;
              at = y * wd + x;
            }
          }
        }
        const o = out.offset + (p * outH + r) * outW + col;
        if (op === 'max') {
          dst[o] = best;
          idx![o] = at;
        } else dst[o] = sum / poolDivisor(w, y0, x0, h, wd);
      }
  }
}

/** pool2dGrad: each input element sums the gradients of the windows it sits in (max: where it is the argmax). */
export function poolGradLoop(
  op: PoolOp,
  grad: View,
  g: TypedArray,
  idx: TypedArray | null,
  indices: View | null,
  out: View,
  dst: TypedArray,
  w: PoolWindow,
): void {
  const [n, c, h, wd] = out.shape;
  const { outH, outW } = w;
  for (let p = 0; p < n * c; p++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < wd; x++) {
        let acc = 0;
        for (let ki = 0; ki < w.kernel[0]; ki++) {
          const ty = y + w.padding[0] - ki * w.dilation[0];
          if (ty < 0 || ty % w.stride[0] !== 0 || ty / w.stride[0] >= outH) continue;
          const r = ty / w.stride[0];
          for (let kj = 0; kj < w.kernel[1]; kj++) {
            const tx = x + w.padding[1] - kj * w.dilation[1];
            if (tx < 0 || tx % w.stride[1] !== 0 || tx / w.stride[1] >= outW) continue;
            const col = tx / w.stride[1];
            const o = (p * outH + r) * outW + col;
            if (op === 'max') {
              if (idx![indices!.offset + o] === y * wd + x) acc += g[grad.offset + o];
            } else acc += g[grad.offset + o] / poolDivisor(w, r * w.stride[0] - w.padding[0], col * w.stride[1] - w.padding[1], h, wd);
          }
        }
        dst[out.offset + (p * h + y) * wd + x] = acc;
      }
}

/** col2im: each plane position and channel sums the patch entries that read it. */
export function col2imLoop(cols: View, src: TypedArray, out: View, dst: TypedArray, w: Col2imWindow): void {
  const [b, l, ch] = out.shape;
  const [kh, kw] = w.kernel;
  const rows = w.outH * w.outW * kh * kw;
  for (let p = 0; p < b; p++)
    for (let at = 0; at < l; at++) {
      const y = Math.floor(at / w.planeW);
      const x = at % w.planeW;
      for (let c = 0; c < ch; c++) {
        let acc = 0;
        for (let ki = 0; ki < kh; ki++) {
          const ty = y - w.shift[0] - ki * w.dilation[0];
          if (ty < 0 || ty % w.stride[0] !== 0 || ty / w.stride[0] >= w.outH) continue;
          for (let kj = 0; kj < kw; kj++) {
            const tx = x - w.shift[1] - kj * w.dilation[1];
            if (tx < 0 || tx % w.stride[1] !== 0 || tx / w.stride[1] >= w.outW) continue;
            const row = (((ty / w.stride[0]) * w.outW + tx / w.stride[1]) * kh + ki) * kw + kj;
            acc += src[cols.offset + (p * rows + row) * ch + c];
          }
        }
        dst[out.offset + (p * l + at) * ch + c] = acc;
      }
    }
}
