/**
 * One time step of a recurrent cell, given the step's input projection `gx = x @ W_ih^T + b_ih`
 * ([batch, gates * hidden]): the recurrent matmul h @ W_hh^T + b_hh, the gate nonlinearities and
 * the state update. Gate order as PyTorch: LSTM (i, f, g, o), GRU (r, z, n) with
 * n = tanh(gx_n + r * (W_hn h + b_hn)).
 */
import type { Tensor } from '../tensor';

/** The recurrent cells: Elman RNN with tanh or relu, LSTM, GRU. */
export type RnnMode = 'tanh' | 'relu' | 'lstm' | 'gru';

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

/** One recurrent step: `[h', c']` (c' null except for LSTM). */
export function rnnStep(mode: RnnMode, gx: Tensor, h: Tensor, c: Tensor | null, wHh: Tensor, bHh: Tensor | null): [Tensor, Tensor | null] {
  return rnnStepComposed(mode, gx, h, c, wHh, bHh);
}
