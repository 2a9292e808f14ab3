/**
 * vmap's batching rules, one per op a tape records (a missing one fails type-checking). A rule
 * gets a tape entry (the op as it ran on one sample) and the batched form of its tensors, each
 * with the batch as its leading dim (or null: that tensor is the same for every sample), and
 * runs the op once over the whole batch: ordinary ops with their dims shifted past the batch dim.
 */
import { fail, fmtShape } from '../core/errors';
import { contiguousStrides, numel } from '../core/shape';
import type { SavedOperand, WindowCtx } from '../autograd/graph';
import { leadingWindow } from '../autograd/rules';
import { record } from '../autograd/graph';
import { binary, cast, copy, copyInto, unary, where, type Operand } from '../ops/elementwise';
import { argReduce, cumsum, reduce } from '../ops/reduce';
import { cat, contiguous, expand, flip, permute, reshape, select, slice, unsqueeze } from '../ops/views';
import { matmul } from '../ops/linalg';
import { gather, scatterAdd } from '../ops/indexing';
import { scatter } from '../ops/scatter';
import { pad } from '../ops/windows';
import { softmax, logSoftmax } from '../ops/composite';
import { cumExtreme, cumprod } from '../ops/scan';
import { transfer } from '../ops/transfer';
import { unfold } from '../ops/unfold';
import { sort } from '../ops/sort';
import { emptyTensor } from '../ops/make';
import { pool2dGrad, pool2dWithIndices } from '../ops/pool';
import { col2im, im2col } from '../ops/im2col';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS, type BinaryOp, type ReduceOp, type UnaryOp } from '../ops/op-types';
import type { Tensor } from '../tensor';
import { fromTable, type TapeEntry, type TapeOp } from './tape';

/** What a rule sees of the batch: its size, and each tensor's batched form (batch dim first), or null where it is not batched. */
export interface BatchEnv {
  readonly size: number;
  batched(t: Tensor): Tensor | null;
}

/** A rule's result: the batched output, and batched forms of other tensors the op made (max(dim)'s indices). */
export type Batched = Tensor | { out: Tensor; also: [Tensor, Tensor][] };
type BatchRule<P extends TapeOp> = (e: TapeEntry<P>, env: BatchEnv) => Batched;

/** The batched form of `t`, or `t` expanded along a new leading batch dim (a view: no copy). */
function lifted(t: Tensor, env: BatchEnv): Tensor {
  return env.batched(t) ?? expand(unsqueeze(t, 0), [env.size, ...t.shape]);
}

/** The batched form of `t` (of `rank` logical dims) with size-1 dims after the batch dim to reach `to` logical dims. */
function padRank(p: Tensor, rank: number, to: number): Tensor {
  let out = p;
  for (let k = rank; k < to; k++) out = unsqueeze(out, 1);
  return out;
}

/** An operand of an elementwise op over a result of `rank` dims: batched ones padded so they broadcast per sample. */
function aligned(t: Tensor, rank: number, env: BatchEnv): Tensor {
  const p = env.batched(t);
  return p ? padRank(p, t.ndim, rank) : t;
}

/** The entry's operands in order: tensor inputs (aligned) and the numbers it saved. */
function operands(e: TapeEntry<'where' | BinaryOp>, env: BatchEnv, first: number): Operand[] {
  let k = first;
  const side = (s: SavedOperand): Operand => (s === 'tensor' ? aligned(e.inputs[k++], e.out.ndim, env) : s);
  return [side(e.ctx.a), side(e.ctx.b)];
}

/** The one batched operand of a single-input op (its tape entry exists because it is batched). */
function only(e: TapeEntry, env: BatchEnv): Tensor {
  const p = env.batched(e.inputs[0]);
  if (!p) fail('vmap', `internal: the ${e.op} entry has no batched input`);
  return p;
}

const shift = (dims: readonly number[]) => dims.map((d) => d + 1);

const unaryRule: BatchRule<UnaryOp> = (e, env) => unary(e.op, only(e, env));
const binaryRule: BatchRule<BinaryOp> = (e, env) => {
  const [a, b] = operands(e, env, 0);
  return binary(e.op, a, b);
};
const reduceRule: BatchRule<ReduceOp> = (e, env) => reduce(e.op, only(e, env), shift(e.ctx.dims), e.ctx.keepdim);

/** A batched tensor with the batch merged into its next dim (a pool's N, the planes' B): [size * n, ...]. */
function merged(p: Tensor): Tensor {
  return reshape(p, [p.shape[0] * p.shape[1], ...p.shape.slice(2)]);
}

/** The inverse of `merged`: the batch split back out in front. */
function unmerged(t: Tensor, env: BatchEnv): Tensor {
  return reshape(t, [env.size, t.shape[0] / env.size, ...t.shape.slice(1)]);
}

/** The 1-d window positions behind an im2col/col2im gather index ([B, J, C], the same along B and C). */
function windowPositions(index: Tensor): Tensor {
  return select(select(index, 0, 0), 1, 0);
}

/** Refused by name: the op has no batched form yet. */
const unbatchable =
  (what: string, hint: string): BatchRule<TapeOp> =>
  (e) =>
    fail('vmap', `no batching rule for ${what} (op '${e.op}'): ${hint}`);

/** A strided window of a batched contiguous-per-sample tensor: the same window in each sample. */
function sampleWindow(p: Tensor, w: WindowCtx, logical: Tensor): Tensor {
  const per = numel(logical.shape);
  const c = p.strides[0] === per && isSampleContiguous(p, logical) ? p : contiguous(p);
  return leadingWindow(c, 1, w);
}

/** Whether each sample of `p` is laid out contiguously (its batch stride may be anything). */
function isSampleContiguous(p: Tensor, logical: Tensor): boolean {
  const want = contiguousStrides(logical.shape);
  return logical.shape.every((s, k) => s === 1 || p.strides[k + 1] === want[k]);
}

export const BATCH_RULES: { [P in TapeOp]: BatchRule<P> } = {
  ...fromTable(UNARY_OPS, unaryRule),
  ...fromTable(BINARY_OPS, binaryRule),
  ...fromTable(REDUCE_OPS, reduceRule),
  where: (e, env) => {
    const cond = aligned(e.inputs[0], e.out.ndim, env);
    const [a, b] = operands(e, env, 1);
    return where(cond, a, b);
  },
  cast: (e, env) => cast(only(e, env), e.out.dtype),
  // A copy onto a tensor that is already batched is an in-place write (inplace.ts records one so): it is replayed in place.
  copy: (e, env) => {
    const src = lifted(e.inputs[0], env);
    const dst = env.batched(e.out);
    if (!dst) return copy(src);
    copyInto(dst, src);
    return dst;
  },
  transfer: (e, env) => transfer(only(e, env), e.out.device),
  flip: (e, env) => flip(only(e, env), shift(e.ctx.dims)),
  cat: (e, env) =>
    cat(
      e.inputs.map((t) => lifted(t, env)),
      e.ctx.dim + 1,
    ),
  view: (e, env) => reshape(only(e, env), [env.size, ...e.out.shape]),
  permute: (e, env) => permute(only(e, env), [0, ...shift(e.ctx.dims)]),
  expand: (e, env) => expand(padRank(only(e, env), e.ctx.inputShape.length, e.out.ndim), [env.size, ...e.out.shape]),
  slice: (e, env) => slice(only(e, env), e.ctx.dim + 1, e.ctx.start, e.out.shape[e.ctx.dim], e.ctx.step),
  select: (e, env) => select(only(e, env), e.ctx.dim + 1, e.ctx.index),
  argReduceValues: (e, env) => {
    const p = only(e, env);
    if (e.inputs[0].ndim === 0) return { out: copy(p), also: [[e.ctx.indices, emptyTensor(p.device, [env.size], 'int32', true)]] };
    const r = argReduce(e.ctx.op, p, e.ctx.dim + 1);
    return { out: r.values, also: [[e.ctx.indices, r.indices]] };
  },
  cumsum: (e, env) => cumsum(only(e, env), e.ctx.dim + 1),
  matmul: (e, env) => {
    const [a, b] = e.inputs;
    let pa = env.batched(a);
    let pb = env.batched(b);
    // A batched vector becomes a row (a) or a column (b) matrix per sample; the result is reshaped back.
    let ra = a.ndim;
    let rb = b.ndim;
    if (pa && ra === 1) {
      pa = unsqueeze(pa, 1);
      ra = 2;
    }
    if (pb && rb === 1) {
      pb = unsqueeze(pb, 2);
      rb = 2;
    }
    if (pb && !pa && a.ndim === 1) return reshape(matmul(unsqueeze(a, 0), pb), [env.size, ...e.out.shape]);
    // Only the left side batched against one matrix (a layer's weight): the batch folds into the rows, one plain matmul.
    if (pa && !pb && b.ndim <= 2) return reshape(matmul(reshape(pa, [-1, a.shape[a.ndim - 1]]), b), [env.size, ...e.out.shape]);
    const rank = Math.max(ra, rb);
    // A contraction over one element (a per-sample outer product, as a weight's gradient is) is a broadcast multiply: one pointwise kernel.
    if (a.ndim >= 2 && b.ndim >= 2 && a.shape[a.ndim - 1] === 1) {
      const left = pa ? padRank(pa, ra, rank) : a;
      const right = pb ? padRank(pb, rb, rank) : b;
      return reshape(binary('mul', left, right), [env.size, ...e.out.shape]);
    }
    const out = matmul(pa ? padRank(pa, ra, rank) : a, pb ? padRank(pb, rb, rank) : b);
    return reshape(out, [env.size, ...e.out.shape]);
  },
  gather: (e, env) => gather(lifted(e.inputs[0], env), e.ctx.dim + 1, lifted(e.ctx.index, env)),
  scatterAdd: (e, env) => scatterAdd(lifted(e.inputs[0], env), e.ctx.dim + 1, lifted(e.ctx.index, env), lifted(e.inputs[1], env)),
  pad: (e, env) => pad(only(e, env), [0, ...e.ctx.starts], e.ctx.value),
  softmax: (e, env) => softmax(only(e, env), e.ctx.dim + 1),
  logSoftmax: (e, env) => logSoftmax(only(e, env), e.ctx.dim + 1),
  cumprod: (e, env) => cumprod(only(e, env), e.ctx.dim + 1),
  asStrided: (e, env) => {
    const p = contiguous(only(e, env));
    const w = e.ctx;
    return record(leadingWindow(p, 1, w), 'asStrided', [p], {
      shape: [env.size, ...w.shape],
      strides: [numel(e.inputs[0].shape), ...w.strides],
      offset: w.offset,
    });
  },
  // The root after an in-place write through a view: replayed in place on the batched root.
  copySlices: (e, env) => {
    const root = env.batched(e.out);
    const values = lifted(e.inputs[1], env);
    if (root && isSampleContiguous(root, e.out)) {
      copyInto(leadingWindow(root, 1, e.ctx), values);
      return root;
    }
    const base = copy(lifted(e.inputs[0], env));
    copyInto(sampleWindow(base, e.ctx, e.out), values);
    return base;
  },
  scatterWindow: (e, env) => {
    const g = only(e, env);
    const base = emptyTensor(g.device, [env.size, ...e.out.shape], g.dtype, true);
    const window = e.ctx.window;
    copyInto(window(base, 1), g);
    return record(base, 'scatterWindow', [g], { window: (b, lead = 0) => window(b, lead + 1) });
  },
  scatter: (e, env) => {
    const x = lifted(e.inputs[0], env);
    const index = lifted(e.ctx.index, env);
    return scatter(x, e.ctx.dim + 1, index, e.inputs.length > 1 ? lifted(e.inputs[1], env) : e.ctx.value!);
  },
  unfold: (e, env) => unfold(only(e, env), e.ctx.dim + 1, e.ctx.size, e.ctx.step),
  // ---- tape-only ops ----
  detach: (e, env) => only(e, env).detach(),
  lift: (e, env) => only(e, env),
  sortIndices: (e, env) => sort(only(e, env), { dim: e.ctx.dim + 1, descending: e.ctx.descending }).indices,
  scanIndices: (e, env) => cumExtreme(e.ctx.op, only(e, env), e.ctx.dim + 1).indices,
  random: (e, env) => e.ctx.draw([env.size, ...e.out.shape]),
  // ---- fused kernels without a batched form yet ----
  autogradFunction: unbatchable('a torch.autograd.Function', 'call its forward ops directly inside vmap, or loop over the batch'),
  compiled: unbatchable('a torch.compile function', 'vmap the plain function and compile the result: torch.compile(torch.func.vmap(f))'),
  rnnStep: unbatchable('the fused recurrent step (RNN, LSTM, GRU)', 'pass the batch to the layer as its batch dim instead of vmapping over it'),
  rnnSequence: unbatchable('the fused recurrent sequence (RNN, LSTM, GRU)', 'pass the batch to the layer as its batch dim instead of vmapping over it'),
  attention: unbatchable('fused scaledDotProductAttention', 'pass the batch as the leading batch dim of q, k and v instead of vmapping over it'),
  // ---- pools and convolutions: the batch folds into their own leading dim (N, or the planes' B) ----
  pool2d: (e, env) => {
    const r = pool2dWithIndices('pool2d', e.ctx.kind, merged(only(e, env)), e.ctx.window);
    const out = unmerged(r.out, env);
    return e.ctx.indices && r.indices ? { out, also: [[e.ctx.indices, unmerged(r.indices, env)]] } : out;
  },
  pool2dGrad: (e, env) => {
    // The kernel reads the argmax flat: a batch-expanded (stride 0) index is copied out.
    const indices = e.ctx.indices && contiguous(merged(lifted(e.ctx.indices, env)));
    const g = merged(only(e, env));
    return unmerged(pool2dGrad(e.ctx.kind, g, indices, [g.shape[0], ...e.out.shape.slice(1)], e.ctx.window), env);
  },
  im2col: (e, env) => unmerged(im2col(merged(only(e, env)), windowPositions(e.ctx.index), e.ctx.window), env),
  col2im: (e, env) => {
    const g = merged(only(e, env));
    const [, j, c] = g.shape;
    const index = expand(reshape(windowPositions(e.ctx.index), [1, -1, 1]), [g.shape[0], j, c]);
    return unmerged(col2im(g, e.ctx.window, index, [g.shape[0], ...e.ctx.planeShape.slice(1)]), env);
  },
};

/** Runs the batching rule of one tape entry and checks what it made: [size, ...the sample's shape]. */
export function batchEntry(e: TapeEntry, env: BatchEnv): { out: Tensor; also: [Tensor, Tensor][] } {
  const rule = BATCH_RULES[e.op] as BatchRule<TapeOp>;
  const r = rule(e, env);
  const result = 'also' in r ? r : { out: r, also: [] };
  let out = result.out;
  const want = [env.size, ...e.out.shape];
  if (out.shape.length !== want.length || out.shape.some((s, k) => s !== want[k]))
    fail('vmap', `internal: the batching rule of '${e.op}' made shape ${fmtShape(out.shape)}, expected ${fmtShape(want)}`);
  if (out.dtype !== e.out.dtype) out = cast(out, e.out.dtype);
  return { out, also: result.also };
}
