/**
 * Gradient rules, one per recorded op (a missing one fails type-checking). A rule gets the
 * gradient of the node's output and returns one gradient per input (null where none flows).
 * Rules run with grad mode off and are written with ordinary tensor ops, as in micrograd; with
 * createGraph they run with grad mode on, so the ops they use are recorded (higher-order gradients).
 */
import { isFloating } from '../core/dtype';
import { isGradEnabled } from '../core/runtime';
import { fail } from '../core/errors';
import { slice } from '../ops/views';
import { binary, copyInto } from '../ops/elementwise';
import { emptyTensor, viewTensor } from '../ops/make';
import { full } from '../ops/creation';
import { gather, scatterAdd } from '../ops/indexing';
import { reduce } from '../ops/reduce';
import { rowSoftmaxGrad } from '../ops/row-softmax';
import { cumprodGrad } from '../ops/scan';
import { rnnStepGrad } from '../ops/rnn-cell';
import { rnnSequenceGrad } from '../ops/rnn-sequence';
import { sdpaFusedGrad } from '../ops/attention-op';
import type { BinaryOp, UnaryOp } from '../ops/op-types';
import type { Tensor } from '../tensor';
import { scatterGrad } from '../ops/scatter';
import { unfoldGrad } from '../ops/unfold';
import { pool2dGrad, pool2dGradGrad } from '../ops/pool';
import { col2im, col2imGrad } from '../ops/im2col';
import { record, type GradNodeOf, type GradOp, type SavedOperand, type WindowCtx, type WindowOf } from './graph';

/** The window `w` of each of the leading-dim slices of the contiguous `base` (no leading dims: the window itself). */
export function leadingWindow(base: Tensor, lead: number, w: WindowCtx): Tensor {
  return viewTensor(base, [...base.shape.slice(0, lead), ...w.shape], [...base.strides.slice(0, lead), ...w.strides], base.offset + w.offset);
}

type Grads = (Tensor | null)[];
/** The rule of op P: it reads what P saved, typed by `GradCtx[P]`. */
type Rule<P extends GradOp> = (g: Tensor, node: GradNodeOf<P>, out: Tensor) => Grads;

/** The window `w` of a contiguous copy of `t` (t itself when contiguous), recorded so gradients flow through it. */
export function windowOf(t: Tensor, w: WindowCtx): Tensor {
  const c = t.contiguous();
  return record(viewTensor(c, w.shape, w.strides, c.offset + w.offset), 'asStrided', [c], w);
}

/** Sums a broadcast gradient back down to `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const dims = g.shape.flatMap((s, i) => (i < lead || (shape[i - lead] === 1 && s !== 1) ? [i] : []));
  const summed = dims.length ? reduce('sum', g, dims, true) : g;
  return lead > 0 || dims.length ? summed.reshape(shape) : summed;
}

function zerosFor(x: Tensor): Tensor {
  return emptyTensor(x.device, x.shape, x.dtype, true);
}

/** A zero tensor shaped like `x` with `g` written into the window `window(zeros)`. */
function scatterIntoWindow(x: Tensor, g: Tensor, window: WindowOf): Tensor {
  const base = zerosFor(x);
  copyInto(window(base), g);
  return isGradEnabled() ? record(base, 'scatterWindow', [g], { window }) : base;
}

/** softmax's and logSoftmax's gradient: one fused kernel, or recorded ops when the gradient itself is differentiated. */
function softmaxGrad(g: Tensor, out: Tensor, dim: number, log: boolean): Tensor {
  if (!isGradEnabled()) return rowSoftmaxGrad(g, out, dim, log);
  return log ? g.sub(out.exp().mul(g.sum(dim, true))) : out.mul(g.sub(g.mul(out).sum(dim, true)));
}

const unaryRule =
  (f: (g: Tensor, x: Tensor, out: Tensor) => Tensor | null): Rule<UnaryOp> =>
  (g, node, out) => [f(g, node.inputs[0], out)];

const UNARY_RULES: { [P in UnaryOp]: Rule<P> } = {
  neg: unaryRule((g) => g.neg()),
  abs: unaryRule((g, x) => g.mul(x.sign())),
  exp: unaryRule((g, _x, out) => g.mul(out)),
  log: unaryRule((g, x) => g.div(x)),
  sqrt: unaryRule((g, _x, out) => g.div(out.mul(2))),
  rsqrt: unaryRule((g, _x, out) => g.mul(out.pow(3)).mul(-0.5)),
  sin: unaryRule((g, x) => g.mul(x.cos())),
  cos: unaryRule((g, x) => g.mul(x.sin()).neg()),
  tanh: unaryRule((g, _x, out) => g.mul(out.square().neg().add(1))),
  sigmoid: unaryRule((g, _x, out) => g.mul(out).mul(out.neg().add(1))),
  relu: unaryRule((g, x) => g.mul(x.gt(0))),
  square: unaryRule((g, x) => g.mul(x).mul(2)),
  reciprocal: unaryRule((g, _x, out) => g.mul(out.square()).neg()),
  erf: unaryRule((g, x) => g.mul(x.square().neg().exp()).mul(2 / Math.sqrt(Math.PI))),
  sign: unaryRule((g) => g.mul(0)),
  floor: unaryRule((g) => g.mul(0)),
  ceil: unaryRule((g) => g.mul(0)),
  round: unaryRule((g) => g.mul(0)),
  expm1: unaryRule((g, _x, out) => g.mul(out.add(1))),
  log1p: unaryRule((g, x) => g.div(x.add(1))),
  logicalNot: () => [null],
};

type Side = Tensor | number;

/**
 * Gradients of a binary op for its left and right operand: none for a number, and none computed
 * for a tensor that does not require grad (`want`), as PyTorch's needs_input_grad.
 */
const binaryRule =
  (f: (g: Tensor, a: Side, b: Side, out: Tensor, want: readonly [boolean, boolean]) => [Tensor | null, Tensor | null]): Rule<BinaryOp> =>
  (g, node, out) => {
    const tensors = [...node.inputs];
    const operand = (saved: SavedOperand): Side => (saved === 'tensor' ? tensors.shift()! : saved);
    const a = operand(node.ctx.a);
    const b = operand(node.ctx.b);
    const wants = (v: Side) => typeof v !== 'number' && v.requiresGrad && isFloating(v.dtype);
    const want: readonly [boolean, boolean] = [wants(a), wants(b)];
    const [ga, gb] = f(g, a, b, out, want);
    const grads: Grads = [];
    if (typeof a !== 'number') grads.push(ga && want[0] ? sumToShape(ga, a.shape) : null);
    if (typeof b !== 'number') grads.push(gb && want[1] ? sumToShape(gb, b.shape) : null);
    return grads;
  };

const asTensor = (v: Side, like: Tensor): Tensor => (typeof v === 'number' ? like.mul(0).add(v) : v);
const noGrad = (_g: Tensor, node: { inputs: readonly Tensor[] }): Grads => node.inputs.map(() => null);

/** Ties share the gradient equally, as PyTorch's maximum/minimum do. */
const extremumRule = (pick: 'gt' | 'lt'): Rule<BinaryOp> =>
  binaryRule((g, a, b, _out, want) => {
    const at = asTensor(a, g);
    const bt = asTensor(b, g);
    const tie = at.eq(bt);
    const half = g.mul(0.5);
    return [want[0] ? binary('add', g.mul(at[pick](bt)), half.mul(tie)) : null, want[1] ? binary('add', g.mul(bt[pick](at)), half.mul(tie)) : null];
  });

const BINARY_RULES: { [P in BinaryOp]: Rule<P> } = {
  add: binaryRule((g) => [g, g]),
  sub: binaryRule((g, _a, _b, _out, want) => [g, want[1] ? g.neg() : null]),
  mul: binaryRule((g, a, b, _out, want) => [want[0] ? g.mul(b) : null, want[1] ? g.mul(a) : null]),
  div: binaryRule((g, a, b, _out, want) => [want[0] ? g.div(b) : null, want[1] && typeof b !== 'number' ? g.mul(a).div(b.square()).neg() : null]),
  pow: binaryRule((g, a, b, out, want) => [
    !want[0] ? null : typeof b === 'number' ? g.mul(asTensor(a, g).pow(b - 1)).mul(b) : g.mul(b).mul(asTensor(a, g).pow(b.sub(1))),
    !want[1] || typeof b === 'number' ? null : g.mul(out).mul(asTensor(a, g).log()),
  ]),
  maximum: extremumRule('gt'),
  minimum: extremumRule('lt'),
  eq: noGrad,
  ne: noGrad,
  lt: noGrad,
  le: noGrad,
  gt: noGrad,
  ge: noGrad,
  logicalAnd: noGrad,
  logicalOr: noGrad,
  atan2: binaryRule((g, a, b, _out, want) => {
    const [at, bt] = [asTensor(a, g), asTensor(b, g)];
    const r2 = at.square().add(bt.square());
    return [want[0] ? g.mul(bt).div(r2) : null, want[1] ? g.mul(at).div(r2).neg() : null];
  }),
};

/** max/min over dims: the gradient is shared evenly among the elements equal to the extremum. */
const extremumReduceRule: Rule<'max' | 'min'> = (g, node, out) => {
  const x = node.inputs[0];
  const { dims, keepdim } = node.ctx;
  const keep = (t: Tensor) => (keepdim ? t : t.reshape(x.shape.map((s, i) => (dims.includes(i) ? 1 : s))));
  const mask = x.eq(keep(out)).float();
  return [mask.div(reduce('sum', mask, dims, true)).mul(keep(g))];
};

export const GRAD_RULES: { [P in GradOp]: Rule<P> } = {
  ...UNARY_RULES,
  ...BINARY_RULES,
  sum: (g, node) => {
    const x = node.inputs[0];
    const { dims, keepdim } = node.ctx;
    const kept = keepdim ? g : g.reshape(x.shape.map((s, i) => (dims.includes(i) ? 1 : s)));
    return [kept.expand(x.shape).contiguous()];
  },
  prod: (g, node, out) => {
    const x = node.inputs[0];
    const { dims, keepdim } = node.ctx;
    const keep = (t: Tensor) => (keepdim ? t : t.reshape(x.shape.map((s, i) => (dims.includes(i) ? 1 : s))));
    // At a zero, out / x is 0/0: the gradient there is the product of the others (not 0 for a lone zero), as PyTorch's.
    const zero = x.eq(0);
    const lone = reduce('prod', x.maskedFill(zero, 1), dims, true).mul(reduce('sum', zero, dims, true).eq(1));
    return [keep(g).mul(keep(out).div(x).maskedFill(zero, 0).add(lone.mul(zero)))];
  },
  max: extremumReduceRule,
  min: extremumReduceRule,
  where: (g, node) => {
    const [cond, ...operands] = node.inputs;
    const mask = cond.bool();
    const side = (t: Tensor, dropWhere: Tensor) => (isFloating(t.dtype) && t.requiresGrad ? sumToShape(g.maskedFill(dropWhere, 0), t.shape) : null);
    const grads: Grads = [null];
    const [first, second] = operands;
    if (node.ctx.a === 'tensor') grads.push(side(first, mask.logicalNot()));
    if (node.ctx.b === 'tensor') grads.push(side(node.ctx.a === 'tensor' ? second : first, mask));
    return grads;
  },
  cast: (g, node) => [isFloating(node.inputs[0].dtype) ? g.to(node.inputs[0].dtype) : null],
  copy: (g) => [g],
  flip: (g, node) => [g.flip(node.ctx.dims)],
  cat: (g, node) => g.split(node.ctx.sizes, node.ctx.dim),
  transfer: (g, node) => [g.to(node.inputs[0].device)],
  view: (g, node) => [g.reshape(node.ctx.inputShape)],
  permute: (g, node) => {
    const { dims } = node.ctx;
    const inverse = dims.map((_, i) => dims.indexOf(i));
    return [g.permute(inverse)];
  },
  expand: (g, node) => [sumToShape(g, node.ctx.inputShape)],
  slice: (g, node) => {
    const { dim, start, step } = node.ctx;
    const x = node.inputs[0];
    return [scatterIntoWindow(x, g, (base, lead = 0) => slice(base, dim + lead, start, g.shape[dim], step))];
  },
  select: (g, node) => {
    const { dim, index } = node.ctx;
    return [scatterIntoWindow(node.inputs[0], g, (base, lead = 0) => base.select(dim + lead, index))];
  },
  pad: (g, node) => {
    const { starts } = node.ctx;
    let window = g;
    starts.forEach((s, d) => (window = window.narrow(d, s, node.inputs[0].shape[d])));
    return [window];
  },
  argReduceValues: (g, node) => {
    const x = node.inputs[0];
    const { dim, indices } = node.ctx;
    const idx = x.ndim === 0 ? indices : indices.unsqueeze(dim);
    const src = x.ndim === 0 ? g : g.unsqueeze(dim);
    if (x.ndim === 0) return [g];
    return [scatterAdd(zerosFor(x), dim, idx, src)];
  },
  cumsum: (g, node) => {
    const { dim } = node.ctx;
    return [g.flip(dim).cumsum(dim).flip(dim)];
  },
  matmul: (g, node) => {
    const [a, b] = node.inputs;
    return [a.requiresGrad ? g.matmul(b.transpose(-1, -2)) : null, b.requiresGrad ? a.transpose(-1, -2).matmul(g) : null];
  },
  gather: (g, node) => {
    const { dim, index } = node.ctx;
    return [scatterAdd(zerosFor(node.inputs[0]), dim, index, g)];
  },
  compiled: (g, node) => {
    // Grad mode is on in a rule only under createGraph: a compiled backward records nothing, so it cannot be differentiated again.
    if (isGradEnabled())
      fail(
        'autograd.grad',
        'createGraph through a torch.compile function: its backward is compiled and records nothing; call the function uncompiled to differentiate its gradient',
      );
    return node.ctx.backward(g);
  },
  softmax: (g, node, out) => [softmaxGrad(g, out, node.ctx.dim, false)],
  logSoftmax: (g, node, out) => [softmaxGrad(g, out, node.ctx.dim, true)],
  autogradFunction: (g, node) => node.ctx.backward(g),
  scatterWindow: (g, node) => [node.ctx.window(g).contiguous()],
  asStrided: (g, node) => {
    const w = node.ctx;
    return [scatterIntoWindow(node.inputs[0], g, (base, lead = 0) => leadingWindow(base, lead, w))];
  },
  copySlices: (g, node) => {
    const [base, values] = node.inputs;
    const keep = full(base.shape, 1, { dtype: g.dtype, device: g.device });
    copyInto(viewTensor(keep, node.ctx.shape, node.ctx.strides, node.ctx.offset), full([], 0, { dtype: g.dtype, device: g.device }));
    return [base.requiresGrad ? g.mul(keep) : null, values.requiresGrad ? windowOf(g, node.ctx) : null];
  },
  scatterAdd: (g, node) => {
    const { dim, index } = node.ctx;
    return [g, node.inputs[1].requiresGrad ? gather(g, dim, index) : null];
  },
  // ---- composite ops ----
  scatter: (g, node) => scatterGrad(g, node.inputs, node.ctx.dim, node.ctx.index),
  unfold: (g, node) => [unfoldGrad(g, node.inputs[0], node.ctx.dim, node.ctx.size, node.ctx.step)],
  // ---- sort and scan ----
  cumprod: (g, node, out) => [cumprodGrad(g, node.inputs[0], out, node.ctx.dim)],
  // ---- recurrent cell step (#23) ----
  rnnStep: (g, node, out) => rnnStepGrad(g, node.inputs, node.ctx, out),
  rnnSequence: (g, node, out) => rnnSequenceGrad(g, node.inputs, node.ctx, out),
  // ---- attention (#23) ----
  attention: (g, node, out) => sdpaFusedGrad(g, node.inputs, out, node.ctx),
  // ---- conv and pool (#23) ----
  pool2d: (g, node) => [pool2dGrad(node.ctx.kind, g, node.ctx.indices, node.ctx.inputShape, node.ctx.window)],
  pool2dGrad: (g, node) => [pool2dGradGrad(node.ctx.kind, g, node.ctx.indices, node.ctx.window)],
  im2col: (g, node) => [col2im(g, node.ctx.window, node.ctx.index, node.ctx.planeShape)],
  col2im: (g, node) => [col2imGrad(g, node.ctx.window, node.ctx.index)],
};

/** The gradients of `node`'s inputs given `g`, the gradient of its output `out`, by the rule of its op. */
export function inputGradients<P extends GradOp>(node: GradNodeOf<P>, g: Tensor, out: Tensor): Grads {
  const rule: Rule<P> = GRAD_RULES[node.op];
  return rule(g, node, out);
}
