/**
 * jvp's tangent rules, one per op a tape records (a missing one fails type-checking): given a
 * tape entry and the tangents of its inputs (null: zero), the tangent of its output (null: zero).
 * Written with ordinary tensor ops, so they are recorded where an outer transform follows them
 * (jacrev of jacfwd, vmap of jvp). Fused kernels without a formula here go through their
 * gradient rule twice ("double vjp": the vjp is linear in its cotangent u, and d<vjp(u), t>/du = J t).
 */
import { fail } from '../core/errors';
import { isFloating } from '../core/dtype';
import { isGradEnabled, withGradMode } from '../core/runtime';
import { record, type GradNodeOf, type GradOp, type SavedOperand } from '../autograd/graph';
import { inputGradients, windowOf } from '../autograd/rules';
import { grad as autogradGrad } from '../autograd/function';
import { binary, cast, copy, copyInto, unary, where } from '../ops/elementwise';
import { cumsum, reduce } from '../ops/reduce';
import { cat, expand, flip, permute, reshape, select, slice, stack, unsqueeze } from '../ops/views';
import { rnnStep } from '../ops/rnn-cell';
import { matmul } from '../ops/linalg';
import { gather, scatterAdd } from '../ops/indexing';
import { scatter } from '../ops/scatter';
import { pad } from '../ops/windows';
import { transfer } from '../ops/transfer';
import { unfold } from '../ops/unfold';
import { emptyTensor } from '../ops/make';
import { full } from '../ops/creation';
import { REDUCE_OPS, type BinaryOp, type ReduceOp, type UnaryOp } from '../ops/op-types';
import { Tensor } from '../tensor';
import { fromTable, Tape, tapeRecord, tapesOpen, withTape, type TapeEntry, type TapeOp } from './tape';

type Tan = (t: Tensor) => Tensor | null;
type TangentRule<P extends TapeOp> = (e: TapeEntry<P>, tan: Tan) => Tensor | null;

const zerosLike = (t: Tensor) => emptyTensor(t.device, t.shape, t.dtype, true);
/** A tangent of an operand, broadcast to the output's shape. */
const fit = (t: Tensor, out: Tensor) => (t.shape.length === out.shape.length && t.shape.every((s, k) => s === out.shape[k]) ? t : expand(t, out.shape));
const plus = (a: Tensor | null, b: Tensor | null): Tensor | null => (a && b ? binary('add', a, b) : (a ?? b));
const mul = (a: Tensor | number, b: Tensor | number) => binary('mul', a, b);

const unaryRule =
  (f: (t: Tensor, x: Tensor, out: Tensor) => Tensor | null): TangentRule<UnaryOp> =>
  (e, tan) => {
    const t = tan(e.inputs[0]);
    return t && f(t, e.inputs[0], e.out);
  };

const UNARY_TANGENTS: { [P in UnaryOp]: TangentRule<P> } = {
  neg: unaryRule((t) => unary('neg', t)),
  abs: unaryRule((t, x) => mul(t, unary('sign', x))),
  exp: unaryRule((t, _x, out) => mul(t, out)),
  log: unaryRule((t, x) => binary('div', t, x)),
  sqrt: unaryRule((t, _x, out) => binary('div', t, mul(out, 2))),
  rsqrt: unaryRule((t, _x, out) => mul(mul(t, binary('pow', out, 3)), -0.5)),
  sin: unaryRule((t, x) => mul(t, unary('cos', x))),
  cos: unaryRule((t, x) => unary('neg', mul(t, unary('sin', x)))),
  tanh: unaryRule((t, _x, out) => mul(t, binary('sub', 1, unary('square', out)))),
  sigmoid: unaryRule((t, _x, out) => mul(mul(t, out), binary('sub', 1, out))),
  relu: unaryRule((t, x) => mul(t, binary('gt', x, 0))),
  square: unaryRule((t, x) => mul(mul(t, x), 2)),
  reciprocal: unaryRule((t, _x, out) => unary('neg', mul(t, unary('square', out)))),
  erf: unaryRule((t, x) => mul(mul(t, unary('exp', unary('neg', unary('square', x)))), 2 / Math.sqrt(Math.PI))),
  sign: () => null,
  floor: () => null,
  ceil: () => null,
  round: () => null,
  expm1: unaryRule((t, _x, out) => mul(t, binary('add', out, 1))),
  log1p: unaryRule((t, x) => binary('div', t, binary('add', x, 1))),
  logicalNot: () => null,
};

type Side = Tensor | number;

/** The operands of a binary op or where (from `first` on) with their tangents (null for a number or no tangent). */
function sides(e: TapeEntry<BinaryOp | 'where'>, tan: Tan, first: number): [Side, Tensor | null, Side, Tensor | null] {
  let k = first;
  const side = (s: SavedOperand): [Side, Tensor | null] => {
    if (s !== 'tensor') return [s, null];
    const x = e.inputs[k++];
    return [x, isFloating(x.dtype) ? tan(x) : null];
  };
  const [a, ta] = side(e.ctx.a);
  const [b, tb] = side(e.ctx.b);
  return [a, ta, b, tb];
}

const binaryRule =
  (f: (a: Side, ta: Tensor | null, b: Side, tb: Tensor | null, out: Tensor) => Tensor | null): TangentRule<BinaryOp> =>
  (e, tan) => {
    const [a, ta, b, tb] = sides(e, tan, 0);
    if (!ta && !tb) return null;
    const t = f(a, ta, b, tb, e.out);
    return t && fit(t, e.out);
  };

/** maximum/minimum: the tangent of the winner; ties share both halves, as the gradient does. */
const extremum = (pick: 'gt' | 'lt'): TangentRule<BinaryOp> =>
  binaryRule((a, ta, b, tb) => {
    const wins = binary(pick, a, b);
    const ties = binary('eq', a, b);
    const zero = (t: Tensor | null) => t ?? 0;
    const one = where(wins, zero(ta), zero(tb));
    return where(ties, mul(binary('add', zero(ta), zero(tb)), 0.5), one);
  });

const noTangent = () => null;

const BINARY_TANGENTS: { [P in BinaryOp]: TangentRule<P> } = {
  add: binaryRule((_a, ta, _b, tb) => plus(ta, tb)),
  sub: binaryRule((_a, ta, _b, tb) => plus(ta, tb && unary('neg', tb))),
  mul: binaryRule((a, ta, b, tb) => plus(ta && mul(ta, b), tb && mul(a, tb))),
  div: binaryRule((_a, ta, b, tb, out) => plus(ta && binary('div', ta, b), tb && unary('neg', binary('div', mul(tb, out), b)))),
  pow: binaryRule((a, ta, b, tb, out) =>
    plus(
      ta && mul(mul(ta, b), binary('pow', a, typeof b === 'number' ? b - 1 : binary('sub', b, 1))),
      tb && typeof a !== 'number' ? mul(mul(tb, out), unary('log', a)) : tb && mul(mul(tb, out), Math.log(a as number)),
    ),
  ),
  maximum: extremum('gt'),
  minimum: extremum('lt'),
  eq: noTangent,
  ne: noTangent,
  lt: noTangent,
  le: noTangent,
  gt: noTangent,
  ge: noTangent,
  logicalAnd: noTangent,
  logicalOr: noTangent,
  atan2: binaryRule((a, ta, b, tb) => {
    const sq = (v: Side) => (typeof v === 'number' ? v * v : binary('mul', v, v));
    const den = binary('add', sq(a), sq(b));
    return binary('div', plus(ta && mul(ta, b), tb && unary('neg', mul(tb, a)))!, den);
  }),
};

/** The node a gradient rule reads, rebuilt from a tape entry. */
function nodeOf<P extends GradOp>(e: TapeEntry<P>, inputs: readonly Tensor[]): GradNodeOf<P> {
  return { op: e.op, inputs, ctx: e.ctx as GradNodeOf<P>['ctx'], released: false };
}

/** Reductions: each output element depends on its own set of inputs, so J t = sum(t * d out / d x) over the reduced dims. */
const reduceRule: TangentRule<ReduceOp> = (e, tan) => {
  const t = tan(e.inputs[0]);
  if (!t) return null;
  if (e.op === 'sum') return reduce('sum', t, e.ctx.dims, e.ctx.keepdim);
  const ones = full(e.out.shape, 1, { dtype: e.out.dtype, device: e.out.device });
  const [d] = inputGradients(nodeOf(e, e.inputs), ones, e.out);
  return reduce('sum', mul(t, d!), e.ctx.dims, e.ctx.keepdim);
};

/** The double-vjp tangent: for fused kernels whose gradient rule is itself differentiable. */
const viaVjp: TangentRule<GradOp> = (e, tan) => {
  const ts = e.inputs.map((x) => (isFloating(x.dtype) ? tan(x) : null));
  if (ts.every((t) => !t)) return null;
  const follow = tapesOpen() || (isGradEnabled() && ts.some((t) => t?.requiresGrad));
  return withGradMode(true, () => {
    const u = zerosLike(e.out).requiresGrad_();
    const inputs = e.inputs.map((x) => {
      const a = new Tensor(x.storageRef, x.shape, x.strides, x.offset, x.dtype);
      a.requiresGrad = isFloating(x.dtype);
      return a;
    });
    const vs = inputGradients(nodeOf(e, inputs), u, e.out);
    let s: Tensor | null = null;
    vs.forEach((v, i) => {
      const t = ts[i];
      if (v && t) s = plus(s, reduce('sum', mul(v, t), undefined));
    });
    if (!s || !(s as Tensor).requiresGrad) return null;
    const [jt] = autogradGrad([s], [u], { createGraph: follow, allowUnused: true });
    return jt;
  });
};

/**
 * rnnSequence's tangent: its gradient runs fused kernels that record nothing (no double vjp), so
 * the sequence is re-run step by step on a tape of its own (each fused step has a double-vjp
 * tangent) and the tangents are pushed through that tape.
 */
const rnnSequenceTangent: TangentRule<'rnnSequence'> = (e, tan) => {
  const ts = e.inputs.map((x) => (isFloating(x.dtype) ? tan(x) : null));
  if (ts.every((t) => !t)) return null;
  const { mode, hasC, hasBias } = e.ctx;
  const tape = new Tape('jvp');
  const xs = e.inputs.map((x) => {
    if (isGradEnabled() && x.requiresGrad) return reshape(x, x.shape);
    const a = new Tensor(x.storageRef, x.shape, x.strides, x.offset, x.dtype);
    if (tapesOpen()) tapeRecord('lift', [x], {}, a);
    return a;
  });
  xs.forEach((a) => tape.track(a));
  const out = withTape(tape, false, () => {
    const [gx, h0] = xs;
    const w = xs[hasC ? 3 : 2];
    const b = hasBias ? xs[xs.length - 1] : null;
    let [h, c]: [Tensor, Tensor | null] = [h0, hasC ? xs[2] : null];
    const rows = [stack(c ? [h, c] : [h])];
    for (let k = 0; k < gx.shape[0]; k++) {
      [h, c] = rnnStep(mode, select(gx, 0, k), h, c, w, b);
      rows.push(stack(c ? [h, c] : [h]));
    }
    return stack(rows);
  });
  const tangent = new Map<Tensor, Tensor>();
  xs.forEach((a, i) => ts[i] && tangent.set(a, ts[i]!));
  for (const entry of tape.entries) {
    const t = tangentOf(entry, (x) => tangent.get(x) ?? null);
    if (t) tangent.set(entry.out, t);
    else tangent.delete(entry.out);
  }
  return tangent.get(out) ?? null;
};

const single =
  <P extends TapeOp>(f: (t: Tensor, e: TapeEntry<P>) => Tensor | null): TangentRule<P> =>
  (e, tan) => {
    const t = tan(e.inputs[0]);
    return t && f(t, e);
  };

export const TANGENT_RULES: { [P in TapeOp]: TangentRule<P> } = {
  ...UNARY_TANGENTS,
  ...BINARY_TANGENTS,
  ...fromTable(REDUCE_OPS, reduceRule),
  where: (e, tan) => {
    const [, ta, , tb] = sides(e, tan, 1);
    if (!ta && !tb) return null;
    return fit(where(e.inputs[0], ta ?? 0, tb ?? 0), e.out);
  },
  cast: single((t, e) => (isFloating(e.out.dtype) ? cast(t, e.out.dtype) : null)),
  copy: single((t) => copy(t)),
  transfer: single((t, e) => transfer(t, e.out.device)),
  flip: single((t, e) => flip(t, e.ctx.dims)),
  cat: (e, tan) => {
    const ts = e.inputs.map(tan);
    if (ts.every((t) => !t)) return null;
    return cat(
      ts.map((t, i) => t ?? zerosLike(e.inputs[i])),
      e.ctx.dim,
    );
  },
  view: single((t, e) => reshape(t, e.out.shape)),
  permute: single((t, e) => permute(t, e.ctx.dims)),
  expand: single((t, e) => expand(t, e.out.shape)),
  slice: single((t, e) => slice(t, e.ctx.dim, e.ctx.start, e.out.shape[e.ctx.dim], e.ctx.step)),
  select: single((t, e) => select(t, e.ctx.dim, e.ctx.index)),
  argReduceValues: single((t, e) => (e.inputs[0].ndim === 0 ? t : reshape(gather(t, e.ctx.dim, unsqueeze(e.ctx.indices, e.ctx.dim)), e.out.shape))),
  cumsum: single((t, e) => cumsum(t, e.ctx.dim)),
  matmul: (e, tan) => {
    const [a, b] = e.inputs;
    const [ta, tb] = [tan(a), tan(b)];
    return plus(ta && matmul(ta, b), tb && matmul(a, tb));
  },
  gather: single((t, e) => gather(t, e.ctx.dim, e.ctx.index)),
  scatterAdd: (e, tan) => {
    const [x, src] = e.inputs;
    const [tx, ts] = [tan(x), tan(src)];
    if (!tx && !ts) return null;
    return ts ? scatterAdd(tx ?? zerosLike(x), e.ctx.dim, e.ctx.index, ts) : tx;
  },
  pad: single((t, e) => pad(t, e.ctx.starts, 0)),
  softmax: single((t, e) => mul(e.out, binary('sub', t, reduce('sum', mul(e.out, t), [e.ctx.dim], true)))),
  logSoftmax: single((t, e) => binary('sub', t, reduce('sum', mul(unary('exp', e.out), t), [e.ctx.dim], true))),
  scatterWindow: single((t, e) => {
    const base = zerosLike(e.out);
    copyInto(e.ctx.window(base), t);
    return isGradEnabled() ? record(base, 'scatterWindow', [t], { window: e.ctx.window }) : base;
  }),
  asStrided: single((t, e) => windowOf(t, e.ctx)),
  copySlices: (e, tan) => {
    const [base, values] = e.inputs;
    const [tb, tv] = [tan(base), tan(values)];
    if (!tb && !tv) return null;
    const out = copy(tb ?? zerosLike(base));
    copyInto(windowOf(out, e.ctx), tv ?? zerosLike(values));
    return out;
  },
  scatter: (e, tan) => {
    const [x, src] = e.inputs;
    const tx = tan(x);
    const ts = src ? tan(src) : null;
    if (!tx && !ts) return null;
    return scatter(tx ?? zerosLike(x), e.ctx.dim, e.ctx.index, src ? (ts ?? zerosLike(src)) : 0);
  },
  unfold: single((t, e) => unfold(t, e.ctx.dim, e.ctx.size, e.ctx.step)),
  cumprod: viaVjp,
  // ---- tape-only ops ----
  detach: noTangent,
  lift: single((t) => t),
  sortIndices: noTangent,
  scanIndices: noTangent,
  random: noTangent,
  // ---- fused kernels: through their gradient rules ----
  autogradFunction: viaVjp,
  compiled: (e) => fail('jvp', `no tangent rule through a torch.compile function (op '${e.op}'): its backward is compiled; jvp the plain function instead`),
  rnnStep: viaVjp,
  rnnSequence: rnnSequenceTangent,
  attention: viaVjp,
  pool2d: viaVjp,
  pool2dGrad: viaVjp,
  im2col: viaVjp,
  col2im: viaVjp,
};

/** The tangent of one entry's output, checked against the output's shape. */
export function tangentOf(e: TapeEntry, tan: Tan): Tensor | null {
  const rule = TANGENT_RULES[e.op] as TangentRule<TapeOp>;
  const t = rule(e, tan);
  if (!t) return null;
  if (t.shape.length !== e.out.shape.length || t.shape.some((s, k) => s !== e.out.shape[k]))
    fail('jvp', `internal: the tangent rule of '${e.op}' made shape [${t.shape.join(', ')}], expected [${e.out.shape.join(', ')}]`);
  return t.dtype === e.out.dtype ? t : cast(t, e.out.dtype);
}
