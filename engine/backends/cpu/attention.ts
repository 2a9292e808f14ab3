/** The CPU backend's fused attention: plain loops in float64, the reference the WebGPU kernels are held to. */
import type { AttentionGradViews, AttentionParams, View } from '../backend';
import { dataOf } from './cpu-kernel-support';

/** Element (n, h, r, c) of a 4-d view. */
function reader(v: View): (n: number, h: number, r: number, c: number) => number {
  const d = dataOf(v);
  const [s0, s1, s2, s3] = v.strides;
  return (n, h, r, c) => Number(d[v.offset + n * s0 + h * s1 + r * s2 + c * s3]);
}

/** Each query row's scores (scaled, masked: -Infinity where a key takes no part) for batch (n, h). */
function scores(q: View, k: View, mask: View | null, p: AttentionParams, n: number, h: number): Float64Array[] {
  const [, , l, e] = q.shape;
  const s = k.shape[2];
  const [rq, rk] = [reader(q), reader(k)];
  const rm = mask ? reader(mask) : null;
  const rows: Float64Array[] = [];
  for (let i = 0; i < l; i++) {
    const row = new Float64Array(s);
    for (let j = 0; j < s; j++) {
      let x = 0;
      for (let c = 0; c < e; c++) x += rq(n, h, i, c) * rk(n, h, j, c);
      x *= p.scale;
      let ok = !p.causal || j <= i;
      if (rm && mask!.dtype === 'bool') ok = ok && rm(n, h, i, j) !== 0;
      else if (rm) x += rm(n, h, i, j);
      row[j] = ok ? x : -Infinity;
    }
    rows.push(row);
  }
  return rows;
}

/** See Backend.attention: contiguous out [N, H, L, Ev] and lse [N, H, L]. */
export function attentionLoops(q: View, k: View, v: View, mask: View | null, out: View, lse: View, p: AttentionParams): void {
  const [nn, hh, l] = q.shape;
  const [s, ev] = [k.shape[2], v.shape[3]];
  const rv = reader(v);
  const [o, ls] = [dataOf(out), dataOf(lse)];
  for (let n = 0; n < nn; n++) {
    for (let h = 0; h < hh; h++) {
      const rows = scores(q, k, mask, p, n, h);
      for (let i = 0; i < l; i++) {
        const row = rows[i];
        let m = -Infinity;
        for (const x of row) m = Math.max(m, x);
        const base = ((n * hh + h) * l + i) * ev;
        if (m === -Infinity) {
          for (let c = 0; c < ev; c++) o[out.offset + base + c] = 0;
          ls[lse.offset + (n * hh + h) * l + i] = -Infinity;
          continue;
        }
        let sum = 0;
        const pr = row.map((x) => Math.exp(x - m));
        for (let j = 0; j < s; j++) sum += pr[j];
        for (let c = 0; c < ev; c++) {
          let acc = 0;
          for (let j = 0; j < s; j++) acc += pr[j] * rv(n, h, j, c);
          o[out.offset + base + c] = acc / sum;
        }
        ls[lse.offset + (n * hh + h) * l + i] = m + Math.log(sum);
      }
    }
  }
}

/** See Backend.attentionBackward: contiguous dq, dk, dv shaped as q, k, v. */
export function attentionBackwardLoops(views: AttentionGradViews, p: AttentionParams): void {
  const { q, k, v, mask, out, lse, dout, dq, dk, dv } = views;
  const [nn, hh, l, e] = q.shape;
  const [s, ev] = [k.shape[2], v.shape[3]];
  const [rq, rk, rv, ro, rdo, rl] = [reader(q), reader(k), reader(v), reader(out), reader(dout), dataOf(lse)];
  const [gq, gk, gv] = [dataOf(dq), dataOf(dk), dataOf(dv)];
  for (let n = 0; n < nn; n++) {
    for (let h = 0; h < hh; h++) {
      const rows = scores(q, k, mask, p, n, h);
      const bh = n * hh + h;
      const dK = new Float64Array(s * e);
      const dV = new Float64Array(s * ev);
      for (let i = 0; i < l; i++) {
        const lseI = Number(rl[lse.offset + bh * l + i]);
        let delta = 0;
        for (let c = 0; c < ev; c++) delta += rdo(n, h, i, c) * ro(n, h, i, c);
        const dQ = new Float64Array(e);
        for (let j = 0; j < s; j++) {
          const x = rows[i][j];
          const pij = x === -Infinity || lseI === -Infinity ? 0 : Math.exp(x - lseI);
          if (pij === 0) continue;
          let dp = 0;
          for (let c = 0; c < ev; c++) {
            dp += rdo(n, h, i, c) * rv(n, h, j, c);
            dV[j * ev + c] += pij * rdo(n, h, i, c);
          }
          const ds = pij * (dp - delta) * p.scale;
          for (let c = 0; c < e; c++) {
            dQ[c] += ds * rk(n, h, j, c);
            dK[j * e + c] += ds * rq(n, h, i, c);
          }
        }
        for (let c = 0; c < e; c++) gq[dq.offset + (bh * l + i) * e + c] = dQ[c];
      }
      for (let j = 0; j < s * e; j++) gk[dk.offset + bh * s * e + j] = dK[j];
      for (let j = 0; j < s * ev; j++) gv[dv.offset + bh * s * ev + j] = dV[j];
    }
  }
}
