/**
 * PyTorch's saved-tensor check. Each recorded op notes the version of every storage its gradient
 * rule will read (an input's values, or its own output's); an in-place write bumps the storage's
 * version (core/storage-ref.ts), and backward refuses a node whose saved values changed since,
 * naming the op that needed them and the in-place op that changed them.
 */
import { fail, fmtShape } from '../core/errors';
import type { StorageRef } from '../core/storage-ref';
import type { BinaryOp, ReduceOp, UnaryOp } from '../ops/op-types';
import type { Tensor } from '../tensor';
import type { GradCtx, GradOp } from './graph';

/**
 * What a rule reads besides its gradient: which inputs' values ('all', or by position) and whether
 * the output's; `unless` says when it reads none of its inputs after all (a binary op with a number).
 */
interface Reads<P extends GradOp = GradOp> {
  inputs: 'all' | readonly number[];
  output: boolean;
  unless?: (ctx: GradCtx[P]) => boolean;
}

const NOTHING: Reads = { inputs: [], output: false };
const INPUT: Reads = { inputs: 'all', output: false };
const OUTPUT: Reads = { inputs: [], output: true };
const BOTH: Reads = { inputs: 'all', output: true };

const UNARY_READS: { [P in UnaryOp]: Reads } = {
  neg: NOTHING,
  abs: INPUT,
  exp: OUTPUT,
  log: INPUT,
  sqrt: OUTPUT,
  rsqrt: OUTPUT,
  sin: INPUT,
  cos: INPUT,
  tanh: OUTPUT,
  sigmoid: OUTPUT,
  relu: INPUT,
  square: INPUT,
  reciprocal: OUTPUT,
  erf: INPUT,
  sign: NOTHING,
  floor: NOTHING,
  ceil: NOTHING,
  round: NOTHING,
  expm1: OUTPUT,
  log1p: INPUT,
  logicalNot: NOTHING,
};

const BINARY_READS: { [P in BinaryOp]: Reads<P> } = {
  add: NOTHING,
  sub: NOTHING,
  // x * 2 and x / 2 need no value to differentiate; 2 / x needs x.
  mul: { inputs: 'all', output: false, unless: (ctx) => ctx.a !== 'tensor' || ctx.b !== 'tensor' },
  div: { inputs: 'all', output: false, unless: (ctx) => ctx.b !== 'tensor' },
  pow: BOTH,
  maximum: INPUT,
  minimum: INPUT,
  eq: NOTHING,
  ne: NOTHING,
  lt: NOTHING,
  le: NOTHING,
  gt: NOTHING,
  ge: NOTHING,
  logicalAnd: NOTHING,
  logicalOr: NOTHING,
  atan2: INPUT,
};

const REDUCE_READS: { [P in ReduceOp]: Reads } = { sum: NOTHING, prod: BOTH, max: BOTH, min: BOTH };

/** What each recorded op's gradient rule (rules.ts) reads: one entry per op, or the table fails type-checking. */
export const RULE_READS: { [P in GradOp]: Reads<P> } = {
  ...UNARY_READS,
  ...BINARY_READS,
  ...REDUCE_READS,
  where: { inputs: [0], output: false },
  cast: NOTHING,
  copy: NOTHING,
  flip: NOTHING,
  cat: NOTHING,
  transfer: NOTHING,
  view: NOTHING,
  permute: NOTHING,
  expand: NOTHING,
  slice: NOTHING,
  select: NOTHING,
  argReduceValues: NOTHING,
  cumsum: NOTHING,
  matmul: INPUT,
  gather: NOTHING,
  scatterAdd: NOTHING,
  pad: NOTHING,
  softmax: OUTPUT,
  logSoftmax: OUTPUT,
  autogradFunction: NOTHING,
  scatterWindow: NOTHING,
  compiled: INPUT,
  asStrided: NOTHING,
  copySlices: NOTHING,
  scatter: NOTHING,
  unfold: NOTHING,
  cumprod: BOTH,
  // ---- recurrent cell step (#23) ----
  rnnStep: BOTH,
  rnnSequence: BOTH,
  // ---- attention (#23) ----
  attention: BOTH,
  // ---- conv and pool (#23) ----
  pool2d: NOTHING,
  pool2dGrad: NOTHING,
  im2col: NOTHING,
  col2im: NOTHING,
};

/** A storage a rule will read, its version when the op ran, and what it was to the op (for the error). */
export interface SavedVersion {
  readonly ref: StorageRef;
  readonly version: number;
  readonly role: string;
  readonly dtype: string;
  readonly shape: readonly number[];
}

function saved(t: Tensor, role: string): SavedVersion {
  return { ref: t.storageRef, version: t.storageRef.version, role, dtype: t.dtype, shape: t.shape };
}

const NONE: readonly SavedVersion[] = [];

/** The versions `op`'s rule depends on, noted when the op is recorded. */
export function savedVersions<P extends GradOp>(op: P, inputs: readonly Tensor[], out: Tensor, ctx: GradCtx[P]): readonly SavedVersion[] {
  const reads: Reads<P> = RULE_READS[op];
  if (reads === NOTHING || reads.unless?.(ctx)) return NONE;
  const list: SavedVersion[] = [];
  const positions = reads.inputs === 'all' ? inputs.map((_, k) => k) : reads.inputs;
  for (const k of positions) if (inputs[k]) list.push(saved(inputs[k], `input ${k}`));
  if (reads.output) list.push(saved(out, 'the output'));
  return list;
}

/** Refuses to differentiate `op` when a value its rule reads was changed in place after it ran. */
export function checkSavedVersions(pass: string, op: GradOp, list: readonly SavedVersion[] | undefined): void {
  for (const s of list ?? NONE) {
    if (s.ref.version === s.version) continue;
    fail(
      pass,
      `a tensor needed for a gradient was modified by an in-place operation: ${s.role} of ${op} (a ${s.dtype} tensor of shape ${fmtShape(s.shape)}) ` +
        `is at version ${s.ref.version}, but ${op} saved it at version ${s.version}; ${s.ref.lastInPlaceOp ?? 'an in-place op'} changed it. ` +
        `Compute out of place (e.g. ${(s.ref.lastInPlaceOp ?? 'add_').replace(/_$/, '')} instead of ${s.ref.lastInPlaceOp ?? 'add_'}), or clone() before the in-place op`,
    );
  }
}
