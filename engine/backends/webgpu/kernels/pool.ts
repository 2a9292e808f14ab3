/** The pooling kernels (Backend.pool2d and pool2dGrad): one invocation per output element forward, per input element backward. */
import type { PoolOp } from '../../backend';
import { ENTRY_ARGS, LINEAR_ID, metaDecl, PRELUDE } from '../wgsl-common';
import { WORKGROUP } from '../tuning';

/**
 * Metadata of both kernels: [n, srcOffset, outOffset, indicesOffset, H, W, outH, outW, kh, kw,
 * strideH, strideW, padH, padW, dilationH, dilationW, countIncludePad, divisorOverride].
 */
export const POOL_META_WORDS = 18;

/** An average window's divisor, as PoolWindow defines it. */
const DIVISOR = /* wgsl */ `
fn pool_divisor(y0: i32, x0: i32) -> f32 {
  if (mdi(17u) > 0) { return f32(mdi(17u)); }
  let h = mdi(4u);
  let w = mdi(5u);
  var ys = y0;
  var xs = x0;
  var ye = min(y0 + mdi(8u), h + mdi(12u));
  var xe = min(x0 + mdi(9u), w + mdi(13u));
  if (md(16u) == 0u) {
    ys = max(ys, 0);
    xs = max(xs, 0);
    ye = min(ye, h);
    xe = min(xe, w);
  }
  return f32((ye - ys) * (xe - xs));
}`;

/** pool2d: each invocation reduces one window (max keeps the first largest, a NaN winning, and its position). */
export function poolSource(op: PoolOp): string {
  const max = op === 'max';
  return `${PRELUDE}
${metaDecl(POOL_META_WORDS)}
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${max ? '@group(0) @binding(3) var<storage, read_write> indices: array<i32>;' : DIVISOR}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
  let oh = md(6u);
  let ow = md(7u);
  let plane = i32(i / (oh * ow));
  let rc = i % (oh * ow);
  let h = mdi(4u);
  let w = mdi(5u);
  let base = mdi(1u) + plane * h * w;
  let y0 = i32(rc / ow) * mdi(10u) - mdi(12u);
  let x0 = i32(rc % ow) * mdi(11u) - mdi(13u);
  ${max ? 'var best = -wick_inf();\n  var at = -1;' : 'var sum = 0.0;'}
  for (var ki = 0; ki < mdi(8u); ki++) {
    let y = y0 + ki * mdi(14u);
    if (y < 0 || y >= h) { continue; }
    for (var kj = 0; kj < mdi(9u); kj++) {
      let x = x0 + kj * mdi(15u);
      if (x < 0 || x >= w) { continue; }
      let v = src[u32(base + y * w + x)];
      ${max ? 'if (at < 0 || v > best || wick_isnan(v)) {\n        best = v;\n        at = y * w + x;\n      }' : 'sum += v;'}
    }
  }
  ${max ? 'out[md(2u) + i] = best;\n  indices[md(3u) + i] = at;' : 'out[md(2u) + i] = sum / pool_divisor(y0, x0);'}
}
`;
}

/** pool2dGrad: each invocation sums, for one input element, the gradients of the windows it sits in. */
export function poolGradSource(op: PoolOp): string {
  const max = op === 'max';
  return `${PRELUDE}
${metaDecl(POOL_META_WORDS)}
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${max ? '@group(0) @binding(3) var<storage, read> indices: array<i32>;' : DIVISOR}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
  let h = mdi(4u);
  let w = mdi(5u);
  let oh = mdi(6u);
  let ow = mdi(7u);
  let plane = i32(i / u32(h * w));
  let p = i32(i % u32(h * w));
  let y = p / w;
  let x = p % w;
  var acc = 0.0;
  for (var ki = 0; ki < mdi(8u); ki++) {
    let ty = y + mdi(12u) - ki * mdi(14u);
    if (ty < 0 || ty % mdi(10u) != 0) { continue; }
    let r = ty / mdi(10u);
    if (r >= oh) { continue; }
    for (var kj = 0; kj < mdi(9u); kj++) {
      let tx = x + mdi(13u) - kj * mdi(15u);
      if (tx < 0 || tx % mdi(11u) != 0) { continue; }
      let c = tx / mdi(11u);
      if (c >= ow) { continue; }
      let o = (plane * oh + r) * ow + c;
      ${max ? 'if (indices[u32(mdi(3u) + o)] == p) { acc += grad[u32(mdi(1u) + o)]; }' : 'acc += grad[u32(mdi(1u) + o)] / pool_divisor(r * mdi(10u) - mdi(12u), c * mdi(11u) - mdi(13u));'}
    }
  }
  out[md(2u) + i] = acc;
}
`;
}

/**
 * col2im: one invocation per element of the plane gradient [B, L, C], summing the patch entries
 * that read its position (channels innermost, so neighbouring invocations read neighbouring words).
 * Metadata: [n, colsOffset, outOffset, C, planeW, outH, outW, kh, kw, strideH, strideW,
 * dilationH, dilationW, shiftH, shiftW, L].
 */
export function col2imSource(): string {
  return `${metaDecl(16)}
@group(0) @binding(1) var<storage, read> cols: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
  let ch = mdi(3u);
  let pw = mdi(4u);
  let oh = mdi(5u);
  let ow = mdi(6u);
  let kh = mdi(7u);
  let kw = mdi(8u);
  let l = mdi(15u);
  let plane = i32(i / u32(l * ch));
  let at = i32(i % u32(l * ch)) / ch;
  let c = i32(i % u32(ch));
  let y = at / pw;
  let x = at % pw;
  let base = mdi(1u) + plane * oh * ow * kh * kw * ch + c;
  var acc = 0.0;
  for (var ki = 0; ki < kh; ki++) {
    let ty = y - mdi(13u) - ki * mdi(11u);
    if (ty < 0 || ty % mdi(9u) != 0) { continue; }
    let r = ty / mdi(9u);
    if (r >= oh) { continue; }
    for (var kj = 0; kj < kw; kj++) {
      let tx = x - mdi(14u) - kj * mdi(12u);
      if (tx < 0 || tx % mdi(10u) != 0) { continue; }
      let col = tx / mdi(10u);
      if (col >= ow) { continue; }
      acc += cols[u32(base + (((r * ow + col) * kh + ki) * kw + kj) * ch)];
    }
  }
  out[md(2u) + i] = acc;
}
`;
}
