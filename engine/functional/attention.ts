/** Scaled dot-product attention (PyTorch's F.scaled_dot_product_attention), composed from differentiable ops. */
import { fail, fmtShape } from '../core/errors';
import { arange } from '../ops/creation';
import type { Tensor } from '../tensor';
import { dropout } from './layers';
import { sdpaFused, sdpaFusedApplies } from '../ops/attention-op';

/** Options of `F.scaledDotProductAttention`, as PyTorch's keyword arguments. */
export interface SdpaOptions {
  /** Bool (true = takes part) or float (added to the scores), broadcast to `[..., L, S]`. */
  attnMask?: Tensor | null;
  /** Dropout probability applied to the attention weights (whenever > 0, as PyTorch). */
  dropoutP?: number;
  /** A lower-triangular mask, aligned top-left when L != S (as PyTorch). */
  isCausal?: boolean;
  /** Multiplies the scores; defaults to `1 / sqrt(E)`. */
  scale?: number | null;
}

/** The checked sizes of an attention call. */
export interface SdpaShape {
  /** Query length. */
  l: number;
  /** Key length. */
  s: number;
  /** Query/key feature size. */
  e: number;
  /** Value feature size. */
  ev: number;
  /** The scale multiplying the scores. */
  scale: number;
}

/** Validates q [..., L, E], k [..., S, E], v [..., S, Ev] and the options; returns the sizes. */
export function checkSdpa(q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions): SdpaShape {
  const op = 'scaledDotProductAttention';
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2)
    fail(op, `query, key and value need at least 2 dims ([..., L, E]), got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  for (const [name, t] of [
    ['query', q],
    ['key', k],
    ['value', v],
  ] as const)
    if (t.dtype !== 'float32' && t.dtype !== 'float16') fail(op, `${name} must be a float tensor, got ${t.dtype}`);
  for (const [name, t] of [
    ['key', k],
    ['value', v],
    ['attnMask', opts.attnMask],
  ] as const)
    if (t && t.device !== q.device) fail(op, `${name} is on ${t.device} but query is on ${q.device}: move them to one device`);
  const [l, e] = q.shape.slice(-2);
  const [s, ek] = k.shape.slice(-2);
  const [sv, ev] = v.shape.slice(-2);
  if (ek !== e) fail(op, `query ${fmtShape(q.shape)} and key ${fmtShape(k.shape)} must have the same last dim (E)`);
  if (sv !== s) fail(op, `key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)} must have the same length S (dim -2)`);
  const p = opts.dropoutP ?? 0;
  if (!(p >= 0 && p <= 1)) fail(op, `dropoutP must be between 0 and 1, got ${p}`);
  const mask = opts.attnMask;
  if (mask) {
    if (opts.isCausal) fail(op, 'attnMask must not be given when isCausal is true');
    if (mask.dtype !== 'bool' && mask.dtype !== q.dtype) fail(op, `attnMask must be bool or ${q.dtype} (as the query), got ${mask.dtype}`);
    const ms = mask.shape;
    const bad = ms.length < 2 || ms.length > Math.max(q.ndim, k.ndim) || [l, s].some((n, i) => ms[ms.length - 2 + i] !== n && ms[ms.length - 2 + i] !== 1);
    if (bad) fail(op, `attnMask ${fmtShape(ms)} must broadcast to the scores [..., ${l}, ${s}] (query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)})`);
  }
  const scale = opts.scale ?? 1 / Math.sqrt(e);
  if (!Number.isFinite(scale)) fail(op, `scale must be a finite number, got ${scale}`);
  return { l, s, e, ev, scale };
}

/** The causal mask `[L, S]` (true = takes part): key j at or before query i, aligned top-left. */
export function causalMask(l: number, s: number, device: Tensor['device']): Tensor {
  const rows = arange(0, l, 1, { device, dtype: 'int32' }).reshape([l, 1]);
  return arange(0, s, 1, { device, dtype: 'int32' }).le(rows);
}

/** The composed attention: `softmax(q @ k^T * scale + mask) @ v`; a row with every key masked gives zeros (PyTorch's safe softmax). */
export function sdpaComposed(q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions = {}): Tensor {
  const { l, s, scale } = checkSdpa(q, k, v, opts);
  let scores = q.matmul(k.transpose(-2, -1)).mul(scale);
  let mask = opts.isCausal ? causalMask(l, s, q.device) : opts.attnMask;
  let rowHasKey: Tensor | null = null;
  if (mask && mask.dtype === 'bool') {
    rowHasKey = mask.any(-1, true);
    mask = mask.logicalOr(rowHasKey.logicalNot());
    scores = scores.maskedFill(mask.logicalNot(), -Infinity);
  } else if (mask) {
    scores = scores.add(mask);
  }
  let attn = scores.softmax(-1);
  if (rowHasKey) attn = attn.mul(rowHasKey);
  const p = opts.dropoutP ?? 0;
  if (p > 0) attn = dropout(attn, p, true);
  return attn.matmul(v);
}

/** Attention of queries `q` [..., L, E] over keys `k` [..., S, E] and values `v` [..., S, Ev]: output [..., L, Ev], as PyTorch's. */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: SdpaOptions = {}): Tensor {
  const { scale } = checkSdpa(q, k, v, opts);
  // The fused kernels on WebGPU; the CPU runs the composed form (its fused loops are the kernels' reference).
  if (q.device === 'webgpu' && sdpaFusedApplies(q, k, v, opts)) return sdpaFused(q, k, v, { ...opts, scale });
  return sdpaComposed(q, k, v, opts);
}
