/**
 * A whole recurrent sequence (one layer, one direction) as one recorded op, as cuDNN runs it:
 * forward, one fused step kernel per time step (Backend.rnnStep) writing straight into a buffer of
 * all the states; backward, per time step one pointwise kernel (Backend.rnnStepBackward) and one
 * matmul (with the incoming gradient added in its epilogue), then one matmul for the gradient of
 * W_hh over all steps and one sum for b_hh.
 */
import { isGradEnabled, isTracing } from '../core/runtime';
import { fail } from '../core/errors';
import type { Fused, RnnBackwardViews, RnnMode, View } from '../backends/backend';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import type { Expr } from './op-types';
import { copyInto } from './elementwise';
import { emptyTensor, viewOf } from './make';

/** What the sequence op saves for its gradient. */
export interface RnnSequenceCtx {
  mode: RnnMode;
  /** Whether the inputs hold c0 (LSTM). */
  hasC: boolean;
  /** Whether the inputs hold b_hh. */
  hasBias: boolean;
  /** The gates of every step [L, B, 4H] (LSTM, GRU); null for RNN or when no gradient is needed. */
  saved: Tensor | null;
}

/** Whether the fused sequence applies: not while tracing for torch.compile, float32 only. */
export function rnnSequenceApplies(tensors: readonly (Tensor | null)[]): boolean {
  return !isTracing() && tensors.every((t) => t === null || t.dtype === 'float32');
}

/** Row `i` (along dim 0) of a contiguous tensor, as a view. */
function row(t: Tensor | View, i: number): View {
  const v = 'storageRef' in t ? viewOf(t) : t;
  return { ...v, shape: v.shape.slice(1), strides: v.strides.slice(1), offset: v.offset + i * v.strides[0] };
}

/**
 * Runs the cell over gx [L, B, G*H] (the input projections, in the order the steps run) from h0
 * [B, H] (and c0 for LSTM). Returns the states tensor [L + 1, S, B, H] (S = 2 for LSTM: h then c;
 * row 0 the initial states, row k + 1 the states after step k), the recorded output.
 */
export function rnnSequence(mode: RnnMode, gx: Tensor, h0: Tensor, c0: Tensor | null, wHh: Tensor, bHh: Tensor | null): Tensor {
  const [L, B] = gx.shape;
  const H = h0.shape[1];
  const S = mode === 'lstm' ? 2 : 1;
  if (mode === 'lstm' && !c0) fail('rnnSequence', 'an LSTM needs the initial cell state');
  const inputs = [gx, h0, ...(c0 ? [c0] : []), wHh, ...(bHh ? [bHh] : [])].map((t) => t.contiguous());
  const [gxc, h0c] = inputs;
  const c0c = c0 ? inputs[2] : null;
  const w = inputs[c0 ? 3 : 2];
  const b = bHh ? inputs[inputs.length - 1] : null;
  const needsGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const states = emptyTensor(h0.device, [L + 1, S, B, H], 'float32');
  copyInto(states.select(0, 0).select(0, 0), h0c);
  if (c0c) copyInto(states.select(0, 0).select(0, 1), c0c);
  const saved = needsGrad && (mode === 'lstm' || mode === 'gru') ? emptyTensor(h0.device, [L, B, 4 * H], 'float32') : null;
  const backend = h0.backend;
  const sv = viewOf(states);
  for (let k = 0; k < L; k++) {
    const prev = row(sv, k);
    backend.rnnStep(mode, row(gxc, k), row(prev, 0), c0c ? row(prev, 1) : null, viewOf(w), b && viewOf(b), row(sv, k + 1), saved && row(saved, k));
  }
  return record(states, 'rnnSequence', inputs, { mode, hasC: !!c0c, hasBias: !!b, saved });
}

const leaf = (index: number): Expr => ({ kind: 'input', index, dtype: 'float32' });
const add = (a: Expr, b: Expr): Expr => ({ kind: 'binary', op: 'add', a, b, dtype: 'float32' });

/** The gradients of [gx, h0, c0?, wHh, bHh?] given g, the gradient of the states [L + 1, S, B, H]. */
export function rnnSequenceGrad(g: Tensor, inputs: readonly Tensor[], ctx: RnnSequenceCtx, states: Tensor): (Tensor | null)[] {
  if (isGradEnabled())
    fail('autograd.grad', 'createGraph through the fused nn.RNN/LSTM/GRU is not supported: its gradient runs fused kernels that record nothing');
  const { mode } = ctx;
  const [gx, h0] = inputs;
  const c0 = ctx.hasC ? inputs[2] : null;
  const w = inputs[ctx.hasC ? 3 : 2];
  const b = ctx.hasBias ? inputs[inputs.length - 1] : null;
  const [L, B, GH] = gx.shape;
  const H = h0.shape[1];
  const gc = g.contiguous();
  const device = h0.device;
  const backend = h0.backend;
  const dPre = emptyTensor(device, [L, B, GH], 'float32');
  const dHh = mode === 'gru' ? emptyTensor(device, [L, B, GH], 'float32') : dPre;
  const gv = viewOf(gc);
  const sv = viewOf(states);
  let gh: View = row(row(gv, L), 0);
  let gcell: View | undefined = mode === 'lstm' ? row(row(gv, L), 1) : undefined;
  const keep: Tensor[] = [];
  for (let k = L - 1; k >= 0; k--) {
    const prev = row(sv, k);
    const next = row(sv, k + 1);
    const dPrev = mode === 'lstm' || mode === 'gru' ? emptyTensor(device, [B, H], 'float32') : null;
    const v: RnnBackwardViews = {
      gh,
      saved: ctx.saved ? row(ctx.saved, k) : row(next, 0),
      dPre: row(dPre, k),
      ...(mode === 'lstm' ? { gc: gcell, gcExtra: row(row(gv, k), 1), cPrev: row(prev, 1), cNew: row(next, 1) } : {}),
      ...(mode === 'gru' ? { hPrev: row(prev, 0), dHh: row(dHh, k) } : {}),
      ...(dPrev ? { dPrev: viewOf(dPrev) } : {}),
    };
    backend.rnnStepBackward(mode, v);
    // h's gradient one step back: dHh @ W_hh, plus what flows into that state from outside (and, for GRU, gh * z).
    const dh = emptyTensor(device, [B, H], 'float32');
    const epilogue: Fused =
      mode === 'gru'
        ? { expr: add(add(leaf(0), leaf(1)), leaf(2)), leaves: [row(row(gv, k), 0), viewOf(dPrev!)], scalars: [] }
        : { expr: add(leaf(0), leaf(1)), leaves: [row(row(gv, k), 0)], scalars: [] };
    backend.matmul(row(dHh, k), viewOf(w), viewOf(dh), epilogue);
    keep.push(dh);
    if (dPrev) keep.push(dPrev);
    gh = viewOf(dh);
    if (mode === 'lstm') gcell = viewOf(dPrev!);
  }
  const flatDHh = dHh.reshape([L * B, GH]);
  const hPrev = states
    .narrow(0, 0, L)
    .select(1, 0)
    .reshape([L * B, H]);
  const result = [
    gx.requiresGrad ? dPre : null,
    h0.requiresGrad ? keep[keep.length - (mode === 'lstm' || mode === 'gru' ? 2 : 1)] : null,
    ...(c0 ? [c0.requiresGrad ? keep[keep.length - 1] : null] : []),
    w.requiresGrad ? flatDHh.t().matmul(hPrev) : null,
    ...(b ? [b.requiresGrad ? flatDHh.sum(0) : null] : []),
  ];
  for (const t of keep) if (!result.includes(t)) t.dispose();
  return result;
}
