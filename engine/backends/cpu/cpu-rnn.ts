/** The CPU reference of the fused recurrent step (Backend.rnnStep): plain loops, in doubles, rounded to float32 on store. */
import type { RnnBackwardViews, RnnMode, View } from '../backend';
import { rnnGates } from '../../profile/rnn-cost';
import { dataOf } from './cpu-kernel-support';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Runs one step: see Backend.rnnStep. */
export function rnnStepLoop(mode: RnnMode, gxV: View, hV: View, cV: View | null, wV: View, bV: View | null, outV: View, savedV: View | null): void {
  const [B, H] = hV.shape;
  const G = rnnGates(mode);
  const [gx, h, w, out] = [dataOf(gxV), dataOf(hV), dataOf(wV), dataOf(outV)];
  const c = cV ? dataOf(cV) : null;
  const bias = bV ? dataOf(bV) : null;
  const saved = savedV ? dataOf(savedV) : null;
  const acc = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < G; k++) {
        let s = bias ? bias[bV!.offset + k * H + j] : 0;
        const row = wV.offset + (k * H + j) * H;
        const hr = hV.offset + b * H;
        for (let m = 0; m < H; m++) s += h[hr + m] * w[row + m];
        acc[k] = s;
      }
      const x = (k: number) => gx[gxV.offset + b * G * H + k * H + j];
      const at = b * H + j;
      const sv = savedV ? savedV.offset + b * 4 * H + j : 0;
      if (mode === 'tanh' || mode === 'relu') {
        const pre = x(0) + acc[0];
        out[outV.offset + at] = mode === 'tanh' ? Math.tanh(pre) : Math.max(pre, 0);
      } else if (mode === 'lstm') {
        const i = sigmoid(x(0) + acc[0]);
        const f = sigmoid(x(1) + acc[1]);
        const g = Math.tanh(x(2) + acc[2]);
        const o = sigmoid(x(3) + acc[3]);
        const c2 = Math.fround(f * c![cV!.offset + at] + i * g);
        out[outV.offset + at] = o * Math.tanh(c2);
        out[outV.offset + B * H + at] = c2;
        if (saved) [i, f, g, o].forEach((v, k) => (saved[sv + k * H] = v));
      } else {
        const r = sigmoid(x(0) + acc[0]);
        const z = sigmoid(x(1) + acc[1]);
        const n = Math.tanh(x(2) + r * acc[2]);
        out[outV.offset + at] = (1 - z) * n + z * h[hV.offset + at];
        if (saved) [r, z, n, acc[2]].forEach((v, k) => (saved[sv + k * H] = v));
      }
    }
  }
}

/** The pointwise part of one step's gradient: see Backend.rnnStepBackward. */
export function rnnStepBackwardLoop(mode: RnnMode, v: RnnBackwardViews): void {
  const [B, H] = v.gh.shape;
  const G = rnnGates(mode);
  const at = (view: View | undefined, i: number) => dataOf(view!)[view!.offset + i];
  const put = (view: View | undefined, i: number, x: number) => {
    dataOf(view!)[view!.offset + i] = x;
  };
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const e = b * H + j;
      const gate = (k: number) => b * G * H + k * H + j;
      const sv = (k: number) => at(v.saved, b * 4 * H + k * H + j);
      const gh = at(v.gh, e);
      if (mode === 'tanh' || mode === 'relu') {
        const y = at(v.saved, e);
        put(v.dPre, gate(0), mode === 'tanh' ? gh * (1 - y * y) : y > 0 ? gh : 0);
      } else if (mode === 'lstm') {
        const [i, f, g, o] = [sv(0), sv(1), sv(2), sv(3)];
        const tc = Math.tanh(at(v.cNew, e));
        const dc = at(v.gc, e) + gh * o * (1 - tc * tc);
        put(v.dPre, gate(0), dc * g * i * (1 - i));
        put(v.dPre, gate(1), dc * at(v.cPrev, e) * f * (1 - f));
        put(v.dPre, gate(2), dc * i * (1 - g * g));
        put(v.dPre, gate(3), gh * tc * o * (1 - o));
        put(v.dPrev, e, dc * f + (v.gcExtra ? at(v.gcExtra, e) : 0));
      } else {
        const [r, z, n, hn] = [sv(0), sv(1), sv(2), sv(3)];
        const dn = gh * (1 - z) * (1 - n * n);
        const dz = gh * (at(v.hPrev, e) - n) * z * (1 - z);
        const dr = dn * hn * r * (1 - r);
        put(v.dPre, gate(0), dr);
        put(v.dPre, gate(1), dz);
        put(v.dPre, gate(2), dn);
        put(v.dHh, gate(0), dr);
        put(v.dHh, gate(1), dz);
        put(v.dHh, gate(2), dn * r);
        put(v.dPrev, e, gh * z);
      }
    }
  }
}
