/**
 * One time step of a recurrent cell, given the step's input projection `gx = x @ W_ih^T + b_ih`
 * ([batch, gates * hidden]): the recurrent matmul h @ W_hh^T + b_hh, the gate nonlinearities and
 * the state update. Gate order as PyTorch: LSTM (i, f, g, o), GRU (r, z, n) with
 * n = tanh(gx_n + r * (W_hn h + b_hn)).
 */
import { isGradEnabled, isTracing } from '../core/runtime';
import { fail, fmtShape } from '../core/errors';
import type { RnnMode } from '../backends/backend';
import { record } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { emptyTensor, viewOf } from './make';
import { cat } from './views';

export type { RnnMode };

/** What the fused step saves for its gradient. */
export interface RnnStepCtx {
  mode: RnnMode;
  /** Whether the inputs hold c (LSTM). */
  hasC: boolean;
  /** Whether the inputs hold b_hh. */
  hasBias: boolean;
  /** The gate values the kernel wrote (LSTM: i, f, g, o; GRU: r, z, n, W_hn h + b_hn); null for RNN. */
  saved: Tensor | null;
}

const GATES: Record<RnnMode, number> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

/** The step composed of ordinary differentiable ops (the reference, and the path while tracing). */
export function rnnStepComposed(mode: RnnMode, gx: Tensor, h: Tensor, c: Tensor | null, wHh: Tensor, bHh: Tensor | null): [Tensor, Tensor | null] {
  let hh = h.matmul(wHh.t());
  if (bHh) hh = hh.add(bHh);
  if (mode === 'tanh' || mode === 'relu') {
    const pre = gx.add(hh);
    return [mode === 'tanh' ? pre.tanh() : pre.relu(), null];
  }
  if (mode === 'lstm') {
    const [i, f, g, o] = gx.add(hh).chunk(4, 1);
    const c2 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
    return [o.sigmoid().mul(c2.tanh()), c2];
  }
  const [xr, xz, xn] = gx.chunk(3, 1);
  const [hr, hz, hn] = hh.chunk(3, 1);
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return [n.add(z.mul(h.sub(n))), null];
}

/**
 * One recurrent step: `[h', c']` (c' null except for LSTM), from gx [B, G*H], h [B, H], c [B, H],
 * wHh [G*H, H], bHh [G*H]. One fused kernel (Backend.rnnStep), except while tracing for
 * torch.compile, where the composed step is traced (and fused by the compiler).
 */
export function rnnStep(mode: RnnMode, gx: Tensor, h: Tensor, c: Tensor | null, wHh: Tensor, bHh: Tensor | null): [Tensor, Tensor | null] {
  checkStep(mode, gx, h, c, wHh, bHh);
  const all = [gx, h, ...(c ? [c] : []), wHh, ...(bHh ? [bHh] : [])];
  if (isTracing() || all.some((t) => t.dtype !== 'float32')) return rnnStepComposed(mode, gx, h, c, wHh, bHh);
  const [B, H] = h.shape;
  const inputs = all.map((t) => t.contiguous());
  const needsGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const out = emptyTensor(h.device, [mode === 'lstm' ? 2 : 1, B, H], 'float32');
  const saved = needsGrad && (mode === 'lstm' || mode === 'gru') ? emptyTensor(h.device, [B, 4 * H], 'float32') : null;
  const [gxc, hc] = inputs;
  const cc = c ? inputs[2] : null;
  const w = inputs[c ? 3 : 2];
  const b = bHh ? inputs[inputs.length - 1] : null;
  h.backend.rnnStep(mode, viewOf(gxc), viewOf(hc), cc && viewOf(cc), viewOf(w), b && viewOf(b), viewOf(out), saved && viewOf(saved));
  record(out, 'rnnStep', inputs, { mode, hasC: !!c, hasBias: !!bHh, saved });
  return [out.select(0, 0), mode === 'lstm' ? out.select(0, 1) : null];
}

function checkStep(mode: RnnMode, gx: Tensor, h: Tensor, c: Tensor | null, wHh: Tensor, bHh: Tensor | null): void {
  const op = `rnnStep(${mode})`;
  if (h.ndim !== 2) fail(op, `expected the hidden state as [batch, hidden], got ${fmtShape(h.shape)}`);
  const [B, H] = h.shape;
  const G = GATES[mode] * H;
  const check = (name: string, t: Tensor | null, shape: number[]) => {
    if (t && (t.ndim !== shape.length || t.shape.some((n, i) => n !== shape[i])))
      fail(op, `expected ${name} of shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
    if (t && t.device !== h.device) fail(op, `expected ${name} on '${h.device}' (the hidden state's device), got '${t.device}'`);
  };
  check('the input projection', gx, [B, G]);
  check('the cell state', c, [B, H]);
  check('weight_hh', wHh, [G, H]);
  check('bias_hh', bHh, [G]);
  if (mode === 'lstm' && !c) fail(op, 'an LSTM step needs the cell state c');
}

const oneMinus = (t: Tensor) => t.neg().add(1);

/**
 * The gradients of the fused step's inputs [gx, h, c?, wHh, bHh?] given g [S, B, H] (the
 * gradient of h', then of c'). Reads the gates the kernel saved; under createGraph it recomputes
 * them from the inputs with recorded ops, so the gradient can be differentiated again.
 */
export function rnnStepGrad(g: Tensor, inputs: readonly Tensor[], ctx: RnnStepCtx, out: Tensor): (Tensor | null)[] {
  const [gx, h] = inputs;
  const c = ctx.hasC ? inputs[2] : null;
  const w = inputs[ctx.hasC ? 3 : 2];
  const b = ctx.hasBias ? inputs[inputs.length - 1] : null;
  const recompute = isGradEnabled() || (ctx.saved === null && (ctx.mode === 'lstm' || ctx.mode === 'gru'));
  let hh: Tensor | null = null;
  if (recompute) {
    hh = h.matmul(w.t());
    if (b) hh = hh.add(b);
  }
  const gh = g.select(0, 0);
  let dPre: Tensor; // the gradient of gx
  let dHh: Tensor; // the gradient of h @ wHh^T + bHh
  let dHDirect: Tensor | null = null;
  let dC: Tensor | null = null;
  if (ctx.mode === 'tanh' || ctx.mode === 'relu') {
    const h2 = recompute ? (ctx.mode === 'tanh' ? gx.add(hh!).tanh() : gx.add(hh!).relu()) : out.select(0, 0);
    dPre = ctx.mode === 'tanh' ? gh.mul(oneMinus(h2.square())) : gh.mul(h2.gt(0));
    dHh = dPre;
  } else if (ctx.mode === 'lstm') {
    let i: Tensor, f: Tensor, gg: Tensor, o: Tensor, c2: Tensor;
    if (recompute) {
      const [pi, pf, pg, po] = gx.add(hh!).chunk(4, 1);
      [i, f, gg, o] = [pi.sigmoid(), pf.sigmoid(), pg.tanh(), po.sigmoid()];
      c2 = f.mul(c!).add(i.mul(gg));
    } else {
      [i, f, gg, o] = ctx.saved!.chunk(4, 1);
      c2 = out.select(0, 1);
    }
    const tc = c2.tanh();
    const dc = g.select(0, 1).add(gh.mul(o).mul(oneMinus(tc.square())));
    const di = dc.mul(gg).mul(i.mul(oneMinus(i)));
    const df = dc.mul(c!).mul(f.mul(oneMinus(f)));
    const dg = dc.mul(i).mul(oneMinus(gg.square()));
    const dO = gh.mul(tc).mul(o.mul(oneMinus(o)));
    dPre = cat([di, df, dg, dO], 1);
    dHh = dPre;
    dC = dc.mul(f);
  } else {
    let r: Tensor, z: Tensor, n: Tensor, hn: Tensor;
    if (recompute) {
      const [xr, xz, xn] = gx.chunk(3, 1);
      const [hr, hz, hnn] = hh!.chunk(3, 1);
      r = xr.add(hr).sigmoid();
      z = xz.add(hz).sigmoid();
      hn = hnn;
      n = xn.add(r.mul(hn)).tanh();
    } else {
      [r, z, n, hn] = ctx.saved!.chunk(4, 1);
    }
    const dn = gh.mul(oneMinus(z)).mul(oneMinus(n.square()));
    const dz = gh.mul(h.sub(n)).mul(z.mul(oneMinus(z)));
    const dr = dn.mul(hn).mul(r.mul(oneMinus(r)));
    dHDirect = gh.mul(z);
    dPre = cat([dr, dz, dn], 1);
    dHh = cat([dr, dz, dn.mul(r)], 1);
  }
  const dH = h.requiresGrad ? (dHDirect ? dHh.matmul(w).add(dHDirect) : dHh.matmul(w)) : null;
  return [
    gx.requiresGrad ? dPre : null,
    dH,
    ...(c ? [c.requiresGrad ? dC : null] : []),
    w.requiresGrad ? dHh.t().matmul(h) : null,
    ...(b ? [b.requiresGrad ? dHh.sum(0) : null] : []),
  ];
}
