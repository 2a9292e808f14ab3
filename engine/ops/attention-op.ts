/**
 * scaledDotProductAttention as one recorded op (`attention`): the backend's fused kernels forward
 * (saving the output and each row's logsumexp) and backward (scores recomputed per tile). The
 * composed form (functional/attention.ts) is the reference and the fallback.
 */
import { isTracing, isGradEnabled } from '../core/runtime';
import type { AttentionParams } from '../backends/backend';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { arange } from './creation';
import { emptyTensor, viewOf, assertLive } from './make';

/** The largest head dim (E and Ev) the fused kernels take. */
export const FUSED_MAX_HEAD_DIM = 128;

/** What the fused op saves for its gradient. */
export interface AttentionCtx {
  /** The mask broadcast to [N, H, L, S] (bool: true takes part; float: added), or null. */
  mask: Tensor | null;
  scale: number;
  causal: boolean;
  /** Each query row's logsumexp of its scaled, masked scores [N, H, L]. */
  lse: Tensor;
}

interface FusedOptions {
  attnMask?: Tensor | null;
  dropoutP?: number;
  isCausal?: boolean;
}

/** Whether the fused op takes these inputs (else the composed form runs): float32, no dropout, head dims up to 128, batch dims equal and at most 2, a mask without grad. */
export function sdpaFusedApplies(q: Tensor, k: Tensor, v: Tensor, opts: FusedOptions): boolean {
  if (isTracing() || (opts.dropoutP ?? 0) > 0) return false;
  if (![q, k, v].every((t) => t.dtype === 'float32' && t.ndim === q.ndim && t.ndim >= 2 && t.ndim <= 4)) return false;
  const lead = q.shape.slice(0, -2).join();
  if (k.shape.slice(0, -2).join() !== lead || v.shape.slice(0, -2).join() !== lead) return false;
  if (q.shape[q.ndim - 1] > FUSED_MAX_HEAD_DIM || v.shape[v.ndim - 1] > FUSED_MAX_HEAD_DIM) return false;
  if (q.numel() === 0 || k.numel() === 0 || v.numel() === 0) return false;
  const [n, h] = to4Shape(q.shape);
  if (n > 65535 || h > 65535) return false;
  const m = opts.attnMask;
  // A float mask that requires grad takes the composed path (the fused op passes no gradient to the mask).
  return !m || ((m.dtype === 'bool' || m.dtype === 'float32') && !m.requiresGrad && m.ndim <= 4 && m.ndim <= q.ndim);
}

function to4Shape(shape: readonly number[]): number[] {
  return [...new Array<number>(4 - shape.length).fill(1), ...shape];
}

/** `t` as a 4-d view (leading dims of 1) whose last dim has unit stride. */
function as4d(t: Tensor): Tensor {
  let x = t;
  while (x.ndim < 4) x = x.unsqueeze(0);
  return x.strides[3] === 1 || x.shape[3] === 1 ? x : x.contiguous();
}

/** The fused attention of validated inputs (see sdpaFusedApplies); `scale` already resolved. */
export function sdpaFused(q: Tensor, k: Tensor, v: Tensor, opts: FusedOptions & { scale: number }): Tensor {
  assertLive('scaledDotProductAttention', [q, k, v]);
  const [q4, k4, v4] = [as4d(q), as4d(k), as4d(v)];
  const [n, h, l] = q4.shape;
  const s = k4.shape[2];
  const ev = v4.shape[3];
  let mask: Tensor | null = null;
  if (opts.attnMask) {
    let m = opts.attnMask;
    while (m.ndim < 4) m = m.unsqueeze(0);
    mask = m.expand([n, h, l, s]);
  }
  const out = emptyTensor(q.device, [n, h, l, ev], 'float32');
  const lse = emptyTensor(q.device, [n, h, l], 'float32');
  const p: AttentionParams = { scale: opts.scale, causal: !!opts.isCausal };
  q.backend.attention(viewOf(q4), viewOf(k4), viewOf(v4), mask && viewOf(mask), viewOf(out), viewOf(lse), p);
  const recorded = record(out, 'attention', [q4, k4, v4], { mask, scale: p.scale, causal: p.causal, lse });
  return recorded.reshape([...q.shape.slice(0, -1), ev]);
}

/** The gradients of the fused op's inputs [q4, k4, v4] for the gradient `g` of its output `out`. */
export function sdpaFusedGrad(g: Tensor, inputs: readonly Tensor[], out: Tensor, ctx: AttentionCtx): (Tensor | null)[] {
  const [q, k, v] = inputs;
  if (isGradEnabled()) return composedGrad(g, q, k, v, ctx);
  const dout = g.strides[3] === 1 && g.dtype === 'float32' ? g : g.to('float32').contiguous();
  const [dq, dk, dv] = [q, k, v].map((t) => emptyTensor(t.device, t.shape, 'float32'));
  q.backend.attentionBackward(
    {
      q: viewOf(q),
      k: viewOf(k),
      v: viewOf(v),
      mask: ctx.mask && viewOf(ctx.mask),
      out: viewOf(out),
      lse: viewOf(ctx.lse),
      dout: viewOf(dout),
      dq: viewOf(dq),
      dk: viewOf(dk),
      dv: viewOf(dv),
    },
    { scale: ctx.scale, causal: ctx.causal },
  );
  return [q.requiresGrad ? dq : null, k.requiresGrad ? dk : null, v.requiresGrad ? dv : null];
}

/** The same gradients from recorded ops (for higher-order gradients): P recomputed by a differentiable softmax. */
function composedGrad(g: Tensor, q: Tensor, k: Tensor, v: Tensor, ctx: AttentionCtx): Tensor[] {
  let scores = q.matmul(k.transpose(-2, -1)).mul(ctx.scale);
  const [l, s] = [q.shape[2], k.shape[2]];
  let keep: Tensor | null = null;
  if (ctx.causal) keep = arange(0, s, 1, { device: q.device }).le(arange(0, l, 1, { device: q.device }).reshape([l, 1]));
  if (ctx.mask && ctx.mask.dtype === 'bool') keep = ctx.mask;
  if (ctx.mask && ctx.mask.dtype !== 'bool') scores = scores.add(ctx.mask);
  if (keep) scores = scores.maskedFill(keep.logicalNot(), -Infinity);
  // A row with no key (logsumexp -inf) passes nothing: softmax it as zeros, then zero it.
  const empty = ctx.lse.unsqueeze(-1).eq(-Infinity);
  const probs = scores.maskedFill(empty, 0).softmax(-1).maskedFill(empty, 0);
  const dv = probs.transpose(-2, -1).matmul(g);
  const dp = g.matmul(v.transpose(-2, -1));
  const ds = probs.mul(dp.sub(dp.mul(probs).sum(-1, true))).mul(ctx.scale);
  return [ds.matmul(k), ds.transpose(-2, -1).matmul(q), dv];
}
