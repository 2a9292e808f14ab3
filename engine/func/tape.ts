/**
 * The tape of torch.func's vmap and jvp. While a transform runs its function, every op applied
 * to a tensor the tape tracks is written down (the op, its inputs, what it saved, its output):
 * the same record autograd keeps, taken whether or not gradients are on. vmap then replays the
 * tape with a batching rule per op (func/batching.ts), jvp with a tangent rule per op
 * (func/tangents.ts). Tapes nest: an op goes on every open tape tracking one of its tensors,
 * except that an op vmap's sample run records is not for outer tapes (they see vmap's batched
 * replay of it instead); what the sample run computes apart from the batch, they do see.
 */
import type { GradCtx } from '../autograd/graph';
import type { Tensor } from '../tensor';
import type { StorageRef } from '../core/storage-ref';
import type { ScanOp } from '../backends/backend';
import { fail, fmtShape } from '../core/errors';

/** Ops that only a tape records: they have no gradient, but a batched or tangent value flows through them. */
export interface TapeOnlyCtx {
  /** `x.detach()`: the same values, no gradient and no tangent. */
  detach: Record<string, never>;
  /** The input a torch.func.grad differentiates with respect to: the same values, for every transform outside it. */
  lift: Record<string, never>;
  /** The indices of sort (the values are a recorded gather). */
  sortIndices: { dim: number; descending: boolean };
  /** The indices of cummax/cummin. */
  scanIndices: { op: Extract<ScanOp, 'max' | 'min'>; dim: number };
  /** A random tensor made inside vmap with randomness 'different': `draw(shape)` makes another of any shape. */
  random: { name: string; draw: (shape: readonly number[]) => Tensor };
}

export type TapeCtx = GradCtx & TapeOnlyCtx;
export type TapeOp = keyof TapeCtx;

export interface TapeEntry<P extends TapeOp = TapeOp> {
  readonly op: P;
  readonly inputs: readonly Tensor[];
  readonly ctx: TapeCtx[P];
  readonly out: Tensor;
}

/** A rule table's rows for a list of ops that share one rule (the unary ops, say). */
export function fromTable<K extends string, R>(keys: readonly K[], rule: R): { [P in K]: R } {
  return Object.fromEntries(keys.map((k) => [k, rule])) as { [P in K]: R };
}

export type Randomness = 'error' | 'same' | 'different';

export class Tape {
  readonly entries: TapeEntry[] = [];
  readonly tracked = new Set<Tensor>();
  /** The storages of vmap's inputs: its samples are views of them, so writing into one in place would change the caller's tensor. */
  readonly inputStorages = new Set<StorageRef>();
  /** How many times each tracked root was rewritten in place (copy/copySlices onto a tensor already tracked). */
  readonly rewrites = new Map<Tensor, number>();
  /** For each tracked view, its root's rewrite count when the tape last derived it. */
  readonly seenRewrites = new Map<Tensor, number>();
  /** While true (vmap's sample run), ops this tape records are hidden from tapes opened before it. */
  isolating = false;
  constructor(
    readonly kind: 'vmap' | 'jvp',
    readonly randomness: Randomness = 'error',
  ) {}

  track(t: Tensor): void {
    this.tracked.add(t);
  }

  tracks(t: Tensor): boolean {
    return this.tracked.has(t);
  }
}

const open: Tape[] = [];

/** Runs `fn` with `tape` open (isolating outer tapes when `isolate`). */
export function withTape<T>(tape: Tape, isolate: boolean, fn: () => T): T {
  open.push(tape);
  tape.isolating = isolate;
  try {
    return fn();
  } finally {
    tape.isolating = false;
    open.pop();
  }
}

/** Whether any tape is open (a cheap check for the op paths). */
export function tapesOpen(): boolean {
  return open.length > 0;
}

/** The open tapes, innermost first. */
function* reachable(): Generator<Tape> {
  for (let i = open.length - 1; i >= 0; i--) yield open[i];
}

function touches(tape: Tape, inputs: readonly Tensor[], ctx: object): boolean {
  for (const t of inputs) if (tape.tracked.has(t)) return true;
  for (const v of Object.values(ctx)) if (tape.tracked.has(v as Tensor)) return true;
  return false;
}

/** Called by `record` for every op (grad mode on or off): puts it on each open tape that tracks one of its tensors. */
export function tapeRecord(op: TapeOp, inputs: readonly Tensor[], ctx: object, out: Tensor): void {
  for (const tape of reachable()) {
    if (!touches(tape, inputs, ctx)) continue;
    for (const x of inputs) refreshView(tape, x);
    if ((op === 'copy' || op === 'copySlices') && tape.tracks(out)) tape.rewrites.set(out, (tape.rewrites.get(out) ?? 0) + 1);
    tape.entries.push({ op, inputs, ctx, out } as TapeEntry);
    tape.track(out);
    if (out.viewBase) tape.seenRewrites.set(out, tape.rewrites.get(out.viewBase) ?? 0);
    // max(dim)/min(dim) record their values; the indices come out of the same kernel.
    if (op === 'argReduceValues') tape.track((ctx as TapeCtx['argReduceValues']).indices);
    // A max pool's argmax per window comes out of the same kernel.
    if (op === 'pool2d' && (ctx as TapeCtx['pool2d']).indices) tape.track((ctx as TapeCtx['pool2d']).indices!);
    if (tape.isolating) return;
  }
}

/**
 * A view whose root was rewritten in place after the tape derived the view (a write through
 * another view, or into the root): its values are now a window of the root's, so the tape
 * derives it anew (asStrided of the root), as autograd does (TensorBase.followBase).
 */
function refreshView(tape: Tape, x: Tensor): void {
  const root = x.viewBase;
  if (!root || !tape.tracks(x) || !tape.tracks(root)) return;
  const now = tape.rewrites.get(root) ?? 0;
  if ((tape.seenRewrites.get(x) ?? 0) === now) return;
  tape.seenRewrites.set(x, now);
  tape.entries.push({ op: 'asStrided', inputs: [root], ctx: { shape: x.shape, strides: x.strides, offset: x.offset - root.offset }, out: x });
}

/** Whether an open tape tracks one of `tensors` (an in-place op then goes through its recorded form). */
export function tapeTracks(tensors: readonly (Tensor | null | undefined)[]): boolean {
  if (!open.length) return false;
  for (const tape of reachable()) for (const t of tensors) if (t && tape.tracks(t)) return true;
  return false;
}

/** An in-place write of a tracked value into a tensor no tape tracks (made outside the transform): refused, as PyTorch does. */
export function checkInPlaceTarget(op: string, self: Tensor, root: Tensor | null, others: readonly Tensor[]): void {
  for (const tape of reachable()) {
    if (tape.kind === 'vmap' && (tape.inputStorages.has(self.storageRef) || (root !== null && tape.inputStorages.has(root.storageRef))))
      fail(
        op,
        `vmap: an in-place op on an input of the vmapped function (or a view of it) is not supported: it would write into the caller's tensor. clone() the input first inside the function`,
      );
    const selfTracked = tape.tracks(self) || (root !== null && tape.tracks(root));
    const source = others.find((t) => tape.tracks(t));
    if (!selfTracked && source)
      fail(
        op,
        `${tape.kind}: an in-place op writes a ${tape.kind === 'vmap' ? 'batched' : 'dual (tangent-carrying)'} value of shape ${fmtShape(source.shape)} into a tensor of shape ${fmtShape(self.shape)} made outside the transformed function; ` +
          `its memory has no room for that. Use the out-of-place op (e.g. x.add(y) instead of x.add_(y)), or clone() the tensor inside the function`,
      );
  }
}

/** The innermost open vmap tape whose sample run is going on, if any. */
function sampling(): Tape | null {
  for (const tape of reachable()) if (tape.kind === 'vmap' && tape.isolating) return tape;
  return null;
}

/**
 * Reading values out of a batched tensor inside vmap has no single answer: refused as PyTorch
 * does. (Values of tensors that do not depend on the mapped inputs may be read.)
 */
export function checkValueRead(op: string, t: Tensor): void {
  if (!open.length) return;
  for (const tape of reachable()) {
    if (tape.kind === 'vmap' && tape.tracks(t))
      fail(
        op,
        `vmap: reading a value out of a batched tensor (shape ${fmtShape(t.shape)} per sample) is not supported inside vmap: each sample has its own. ` +
          'Keep the computation in tensor ops (e.g. torch.where instead of an if on a value), or run the function without vmap',
      );
  }
}

/** Whether an open vmap tape follows `t` (its values differ per sample: the host's copy holds sample 0's only). */
export function vmapTracks(t: Tensor): boolean {
  if (!open.length) return false;
  for (const tape of reachable()) if (tape.kind === 'vmap' && tape.tracks(t)) return true;
  return false;
}

/** An op whose output size depends on the values: it cannot run inside vmap on a batched tensor. */
export function checkDataDependent(op: string, tensors: readonly Tensor[]): void {
  if (!open.length) return;
  for (const tape of reachable()) {
    const t = tensors.find((x) => tape.tracks(x));
    if (tape.kind === 'vmap' && t)
      fail(
        op,
        `vmap: ${op}'s output shape depends on the values of a batched tensor (shape ${fmtShape(t.shape)} per sample), so the samples would not stack. ` +
          'Write it with fixed-shape ops (masking with torch.where, say), or run the function without vmap',
      );
  }
}

/** Ops whose draws vmap can make per sample (randomness 'different'). */
const PER_SAMPLE_RANDOM = new Set(['rand', 'randn', 'randint', 'bernoulli']);

/** Every random op calls this (through its generator): inside vmap it follows the randomness option. */
export function checkRandom(name: string): void {
  const tape = open.length ? sampling() : null;
  if (!tape || tape.randomness === 'same') return;
  if (tape.randomness === 'error')
    fail(
      name,
      "vmap: called a random operation inside vmap with randomness 'error' (the default). " +
        "Pass { randomness: 'different' } for independent values per sample, or { randomness: 'same' } for one draw shared by all",
    );
  if (!PER_SAMPLE_RANDOM.has(name))
    fail(
      name,
      `vmap: randomness 'different' is supported for rand, randn, randint, bernoulli and dropout, not ${name} yet; use randomness 'same' or draw outside vmap`,
    );
}

/**
 * A random op inside vmap: with randomness 'error' (the default, as PyTorch's) refused; with
 * 'same' every sample sees the same values; with 'different' the tape records how to draw
 * another, so each sample gets its own.
 */
export function tapeRandom(name: string, out: Tensor, draw: (shape: readonly number[]) => Tensor): Tensor {
  const tape = open.length ? sampling() : null;
  if (!tape) return out;
  checkRandom(name);
  if (tape.randomness === 'different') {
    tape.entries.push({ op: 'random', inputs: [], ctx: { name, draw }, out } as TapeEntry);
    tape.track(out);
  }
  return out;
}
