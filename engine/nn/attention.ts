/** nn.MultiheadAttention, as PyTorch's (parameters, state-dict keys, masks and printing). */
import { fail, fmtShape } from '../core/errors';
import * as create from '../ops/creation';
import type { Tensor } from '../tensor';
import * as F from '../functional/index';
import { scaledDotProductAttention } from '../functional/attention';
import { Linear } from './layers';
import { Module, Parameter } from './module';

/** PyTorch's name for the output projection of MultiheadAttention (a Linear). */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** Xavier (Glorot) uniform initialisation of a `[fanOut, fanIn]` weight. */
function xavierUniform(shape: number[]): Tensor {
  const bound = Math.sqrt(6 / (shape[0] + shape[1]));
  return Parameter(
    create
      .rand(shape)
      .mul(2 * bound)
      .sub(bound),
  );
}

/** Options of `MultiheadAttention.forward`, as PyTorch's keyword arguments. */
export interface MhaForwardOptions {
  /** `[N, S]`: true (or -inf when float) marks a key to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Whether to return the attention weights (false uses the fused attention op). */
  needWeights?: boolean;
  /** `[L, S]` or `[N * numHeads, L, S]`: true (bool) marks a pair that may not attend; a float mask is added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (else `[N, numHeads, L, S]`). */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask (attnMask must be given, as in PyTorch). */
  isCausal?: boolean;
}

/** Attention over several heads with learned input and output projections, as PyTorch's nn.MultiheadAttention. */
export class MultiheadAttention extends Module {
  /** The packed `[3 * embedDim, embedDim]` query/key/value projection (null when kdim or vdim differ). */
  in_proj_weight: Tensor | null = null;
  /** The query projection when kdim or vdim differ from embedDim. */
  q_proj_weight: Tensor | null = null;
  /** The key projection `[embedDim, kdim]` when kdim or vdim differ. */
  k_proj_weight: Tensor | null = null;
  /** The value projection `[embedDim, vdim]` when kdim or vdim differ. */
  v_proj_weight: Tensor | null = null;
  /** The packed `[3 * embedDim]` projection bias (null without bias). */
  in_proj_bias: Tensor | null = null;
  /** The output projection. */
  out_proj: NonDynamicallyQuantizableLinear;
  /** The size of each head (embedDim / numHeads). */
  readonly headDim: number;
  /** The dropout probability on the attention weights (in training mode). */
  readonly dropout: number;
  /** Whether inputs are `[N, L, E]` (else `[L, N, E]`). */
  readonly batchFirst: boolean;
  /** The key feature size. */
  readonly kdim: number;
  /** The value feature size. */
  readonly vdim: number;

  constructor(
    /** The model's feature size. */
    readonly embedDim: number,
    /** The number of heads (must divide embedDim). */
    readonly numHeads: number,
    opts: { dropout?: number; bias?: boolean; batchFirst?: boolean; kdim?: number; vdim?: number } = {},
  ) {
    super();
    if (!Number.isInteger(embedDim) || embedDim <= 0 || !Number.isInteger(numHeads) || numHeads <= 0)
      fail('MultiheadAttention', `embedDim and numHeads must be positive integers, got ${embedDim} and ${numHeads}`);
    if (embedDim % numHeads !== 0) fail('MultiheadAttention', `embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) fail('MultiheadAttention', `dropout must be between 0 and 1, got ${this.dropout}`);
    this.batchFirst = opts.batchFirst ?? false;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    const bias = opts.bias ?? true;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = xavierUniform([3 * embedDim, embedDim]);
    } else {
      this.q_proj_weight = xavierUniform([embedDim, embedDim]);
      this.k_proj_weight = xavierUniform([embedDim, this.kdim]);
      this.v_proj_weight = xavierUniform([embedDim, this.vdim]);
    }
    this.in_proj_bias = bias ? Parameter(create.full([3 * embedDim], 0)) : null;
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias });
    if (this.out_proj.bias) this.out_proj.bias = Parameter(create.full([embedDim], 0));
  }

  /** Projects query, key and value (one matmul for self-attention with packed weights). */
  private project(query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor] {
    const e = this.embedDim;
    const b = (i: number) => (this.in_proj_bias ? this.in_proj_bias.narrow(0, i * e, e) : null);
    if (this.in_proj_weight) {
      if (query === key && key === value) return F.linear(query, this.in_proj_weight, this.in_proj_bias).chunk(3, -1) as [Tensor, Tensor, Tensor];
      const w = (i: number) => this.in_proj_weight!.narrow(0, i * e, e);
      return [F.linear(query, w(0), b(0)), F.linear(key, w(1), b(1)), F.linear(value, w(2), b(2))];
    }
    return [F.linear(query, this.q_proj_weight!, b(0)), F.linear(key, this.k_proj_weight!, b(1)), F.linear(value, this.v_proj_weight!, b(2))];
  }

  /** Attends `query` [N, L, E] over `key` [N, S, kdim] / `value` [N, S, vdim] (or `[L, N, E]` without batchFirst): `[output, weights]`. */
  override forward(query: Tensor, key: Tensor, value: Tensor, opts: MhaForwardOptions = {}): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const batched = query.ndim === 3;
    if (!batched && query.ndim !== 2) fail(op, `query must be [L, E] or 3-d, got ${fmtShape(query.shape)}`);
    if (key.ndim !== query.ndim || value.ndim !== query.ndim)
      fail(op, `query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have the same number of dims`);
    // Internally batch first: [N, L, E].
    const toNLE = (t: Tensor) => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const [q0, k0, v0] = [toNLE(query), toNLE(key), toNLE(value)];
    const [n, l] = q0.shape;
    const s = k0.shape[1];
    if (q0.shape[2] !== this.embedDim) fail(op, `query's last dim must be embedDim ${this.embedDim}, got ${fmtShape(query.shape)}`);
    if (k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim || v0.shape[1] !== s || k0.shape[0] !== n || v0.shape[0] !== n)
      fail(
        op,
        `key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} do not match kdim ${this.kdim}, vdim ${this.vdim} and query ${fmtShape(query.shape)}`,
      );
    const selfAttn = query === key && key === value;
    let [q, k, v] = this.project(q0, selfAttn ? q0 : k0, selfAttn ? q0 : v0);
    const h = this.numHeads;
    const d = this.headDim;
    const heads = (t: Tensor, len: number) => t.reshape([n, len, h, d]).transpose(1, 2);
    [q, k, v] = [heads(q, l), heads(k, s), heads(v, s)];
    const { mask, causal } = this.mergeMasks(opts, n, l, s, batched);
    const needWeights = opts.needWeights ?? true;
    const p = this.training ? this.dropout : 0;
    let out: Tensor;
    let weights: Tensor | null = null;
    if (!needWeights) {
      out = scaledDotProductAttention(q, k, v, { attnMask: mask, isCausal: causal, dropoutP: p });
    } else {
      let scores = q.mul(1 / Math.sqrt(d)).matmul(k.transpose(-2, -1));
      if (mask) scores = mask.dtype === 'bool' ? scores.maskedFill(mask.logicalNot(), -Infinity) : scores.add(mask);
      weights = scores.softmax(-1);
      if (p > 0) weights = F.dropout(weights, p, true);
      out = weights.matmul(v);
      if (opts.averageAttnWeights ?? true) weights = weights.mean(1);
      if (!batched) weights = weights.squeeze(0);
    }
    out = this.out_proj.forward(out.transpose(1, 2).reshape([n, l, this.embedDim]));
    out = !batched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    return [out, weights];
  }

  /** One mask for SDPA ([N or 1, H or 1, L, S], bool = takes part, or float added) from attnMask and keyPaddingMask. */
  private mergeMasks(opts: MhaForwardOptions, n: number, l: number, s: number, batched: boolean): { mask: Tensor | null; causal: boolean } {
    const op = 'MultiheadAttention';
    let attn = opts.attnMask ?? null;
    const kpm = opts.keyPaddingMask ?? null;
    if (opts.isCausal && !attn) fail(op, 'isCausal is only a hint: attnMask must be given too (as in PyTorch)');
    if (opts.isCausal && !kpm && opts.needWeights === false) return { mask: null, causal: true };
    const parts: Tensor[] = [];
    if (attn) {
      if (attn.ndim === 2) {
        if (attn.shape[0] !== l || attn.shape[1] !== s) fail(op, `2-d attnMask must be [${l}, ${s}], got ${fmtShape(attn.shape)}`);
      } else if (attn.ndim === 3) {
        if (attn.shape.join() !== [n * this.numHeads, l, s].join())
          fail(op, `3-d attnMask must be [${n * this.numHeads}, ${l}, ${s}] (N * numHeads, L, S), got ${fmtShape(attn.shape)}`);
        attn = attn.reshape([n, this.numHeads, l, s]);
      } else fail(op, `attnMask must be 2-d or 3-d, got ${fmtShape(attn.shape)}`);
      parts.push(attn);
    }
    if (kpm) {
      const want = batched ? [n, s] : [s];
      if (kpm.shape.join() !== want.join()) fail(op, `keyPaddingMask must be ${fmtShape(want)}, got ${fmtShape(kpm.shape)}`);
      parts.push(kpm.reshape([n, 1, 1, s]));
    }
    if (parts.length === 0) return { mask: null, causal: false };
    for (const m of parts) if (m.dtype !== 'bool' && m.dtype !== 'float32') fail(op, `masks must be bool or float32, got ${m.dtype}`);
    // PyTorch's bool masks mark what may NOT attend; SDPA's bool masks mark what takes part.
    if (parts.every((m) => m.dtype === 'bool')) return { mask: parts.map((m) => m.logicalNot()).reduce((a, b) => a.logicalAnd(b)), causal: false };
    const asFloat = (m: Tensor) => (m.dtype === 'bool' ? create.full(m.shape, 0, { device: m.device }).maskedFill(m, -Infinity) : m);
    return { mask: parts.map(asFloat).reduce((a, b) => a.add(b)), causal: false };
  }
}
