/**
 * One recurrent time step as one kernel (Backend.rnnStep): each invocation owns one (batch row,
 * hidden unit) and accumulates that unit's G gate sums of h @ W_hh^T over tiles of h and W_hh
 * staged in workgroup memory (a 16 x 16 tiled matmul with G outputs per invocation), then applies
 * the gates and writes the new state (and, for LSTM and GRU, the gate values the gradient reads).
 * Metadata: [B, H, offsets of gx, h, c, wHh, bHh, out, saved].
 */
import type { RnnBackwardViews, RnnMode } from '../../backend';
import { ENTRY_ARGS, LINEAR_ID, PRELUDE, metaDecl } from '../wgsl-common';

/** The workgroup's side: 16 hidden units by 16 batch rows. */
export const RNN_TILE = 16;

/** The WGSL of the step for `mode`, with or without biases (`bias`) and the saved gates (`save`). */
export function rnnStepSource(mode: RnnMode, bias: boolean, save: boolean): string {
  const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
  const T = RNN_TILE;
  const lstm = mode === 'lstm';
  const bindings = [
    '@group(0) @binding(1) var<storage, read> gx: array<f32>;',
    '@group(0) @binding(2) var<storage, read> hp: array<f32>;',
    '@group(0) @binding(3) var<storage, read> w: array<f32>;',
    '@group(0) @binding(4) var<storage, read_write> outs: array<f32>;',
  ];
  // Optional bindings follow in this order, numbered from 5.
  const cBind = 5;
  const bBind = 5 + Number(lstm);
  const sBind = 5 + Number(lstm) + Number(bias);
  if (lstm) bindings.push(`@group(0) @binding(${cBind}) var<storage, read> cp: array<f32>;`);
  if (bias) bindings.push(`@group(0) @binding(${bBind}) var<storage, read> bh: array<f32>;`);
  if (save) bindings.push(`@group(0) @binding(${sBind}) var<storage, read_write> saved: array<f32>;`);
  const pre = (k: number) => `acc[${k}]${bias ? ` + bh[md(6u) + ${k}u * H + j]` : ''}`;
  const x = (k: number) => `gx[md(2u) + b * ${G}u * H + ${k}u * H + j]`;
  const sv = (k: number, v: string) => (save ? `    saved[md(8u) + b * 4u * H + ${k}u * H + j] = ${v};` : '');
  let gates: string;
  if (mode === 'tanh' || mode === 'relu') {
    gates = `    let s = ${x(0)} + ${pre(0)};
    outs[md(7u) + b * H + j] = ${mode === 'tanh' ? 'wick_tanh(s)' : 'max(s, 0.0)'};`;
  } else if (lstm) {
    gates = `    let ig = wick_sigmoid(${x(0)} + ${pre(0)});
    let fg = wick_sigmoid(${x(1)} + ${pre(1)});
    let gg = wick_tanh(${x(2)} + ${pre(2)});
    let og = wick_sigmoid(${x(3)} + ${pre(3)});
    let c2 = fg * cp[md(4u) + b * H + j] + ig * gg;
    outs[md(7u) + b * H + j] = og * wick_tanh(c2);
    outs[md(7u) + B * H + b * H + j] = c2;
${[sv(0, 'ig'), sv(1, 'fg'), sv(2, 'gg'), sv(3, 'og')].join('\n')}`;
  } else {
    gates = `    let rg = wick_sigmoid(${x(0)} + ${pre(0)});
    let zg = wick_sigmoid(${x(1)} + ${pre(1)});
    let hn = ${pre(2)};
    let ng = wick_tanh(${x(2)} + rg * hn);
    outs[md(7u) + b * H + j] = (1.0 - zg) * ng + zg * hp[md(3u) + b * H + j];
${[sv(0, 'rg'), sv(1, 'zg'), sv(2, 'ng'), sv(3, 'hn')].join('\n')}`;
  }
  return `${PRELUDE}
${metaDecl(9)}
${bindings.join('\n')}
var<workgroup> hs: array<f32, ${T * T}>;
var<workgroup> ws: array<f32, ${G * T * T}>;
@compute @workgroup_size(${T}, ${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let B = md(0u);
  let H = md(1u);
  let j = wid.x * ${T}u + lid.x;
  let b = wid.y * ${T}u + lid.y;
  // The row of W_hh this invocation stages: unit wj of each gate.
  let wj = wid.x * ${T}u + lid.y;
  var acc: array<f32, ${G}>;
  for (var m0 = 0u; m0 < H; m0 += ${T}u) {
    let m = m0 + lid.x;
    var hv = 0.0;
    if (b < B && m < H) { hv = hp[md(3u) + b * H + m]; }
    hs[lid.y * ${T}u + lid.x] = hv;
    for (var k = 0u; k < ${G}u; k++) {
      var wv = 0.0;
      if (wj < H && m < H) { wv = w[md(5u) + (k * H + wj) * H + m]; }
      ws[(k * ${T}u + lid.y) * ${T}u + lid.x] = wv;
    }
    workgroupBarrier();
    for (var mm = 0u; mm < ${T}u; mm++) {
      let h = hs[lid.y * ${T}u + mm];
      for (var k = 0u; k < ${G}u; k++) {
        acc[k] += h * ws[(k * ${T}u + lid.x) * ${T}u + mm];
      }
    }
    workgroupBarrier();
  }
  if (b < B && j < H) {
${gates}
  }
}
`;
}

/** The order of the backward kernel's bindings (after the metadata), by mode: the names of RnnBackwardViews. */
export function rnnBackwardBindings(mode: RnnMode): (keyof RnnBackwardViews)[] {
  if (mode === 'lstm') return ['gh', 'saved', 'dPre', 'gc', 'gcExtra', 'cPrev', 'cNew', 'dPrev'];
  if (mode === 'gru') return ['gh', 'saved', 'dPre', 'hPrev', 'dHh', 'dPrev'];
  return ['gh', 'saved', 'dPre'];
}

const WRITTEN = new Set<keyof RnnBackwardViews>(['dPre', 'dHh', 'dPrev']);

/**
 * The pointwise part of one step's gradient (Backend.rnnStepBackward): one invocation per (batch
 * row, hidden unit). Metadata: [B, H, the offset of each binding in rnnBackwardBindings order].
 */
export function rnnStepBackwardSource(mode: RnnMode, workgroup: number): string {
  const names = rnnBackwardBindings(mode);
  const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
  const decls = names.map((n, k) => `@group(0) @binding(${k + 1}) var<storage, ${WRITTEN.has(n) ? 'read_write' : 'read'}> ${n}: array<f32>;`);
  const o = (n: keyof RnnBackwardViews) => `md(${2 + names.indexOf(n)}u)`;
  const sv = (k: number) => `saved[${o('saved')} + b * 4u * H + ${k}u * H + j]`;
  const gate = (k: number) => `b * ${G}u * H + ${k}u * H + j`;
  let body: string;
  if (mode === 'tanh' || mode === 'relu') {
    body = `  let y = saved[${o('saved')} + e];
  dPre[${o('dPre')} + ${gate(0)}] = ${mode === 'tanh' ? 'gh0 * (1.0 - y * y)' : 'select(0.0, gh0, y > 0.0)'};`;
  } else if (mode === 'lstm') {
    body = `  let ig = ${sv(0)};
  let fg = ${sv(1)};
  let gg = ${sv(2)};
  let og = ${sv(3)};
  let tc = wick_tanh(cNew[${o('cNew')} + e]);
  let dc = gc[${o('gc')} + e] + gh0 * og * (1.0 - tc * tc);
  dPre[${o('dPre')} + ${gate(0)}] = dc * gg * ig * (1.0 - ig);
  dPre[${o('dPre')} + ${gate(1)}] = dc * cPrev[${o('cPrev')} + e] * fg * (1.0 - fg);
  dPre[${o('dPre')} + ${gate(2)}] = dc * ig * (1.0 - gg * gg);
  dPre[${o('dPre')} + ${gate(3)}] = gh0 * tc * og * (1.0 - og);
  dPrev[${o('dPrev')} + e] = dc * fg + gcExtra[${o('gcExtra')} + e];`;
  } else {
    body = `  let rg = ${sv(0)};
  let zg = ${sv(1)};
  let ng = ${sv(2)};
  let hn = ${sv(3)};
  let dn = gh0 * (1.0 - zg) * (1.0 - ng * ng);
  let dz = gh0 * (hPrev[${o('hPrev')} + e] - ng) * zg * (1.0 - zg);
  let dr = dn * hn * rg * (1.0 - rg);
  dPre[${o('dPre')} + ${gate(0)}] = dr;
  dPre[${o('dPre')} + ${gate(1)}] = dz;
  dPre[${o('dPre')} + ${gate(2)}] = dn;
  dHh[${o('dHh')} + ${gate(0)}] = dr;
  dHh[${o('dHh')} + ${gate(1)}] = dz;
  dHh[${o('dHh')} + ${gate(2)}] = dn * rg;
  dPrev[${o('dPrev')} + e] = gh0 * zg;`;
  }
  return `${PRELUDE}
${metaDecl(2 + names.length)}
${decls.join('\n')}
@compute @workgroup_size(${workgroup})
fn main(${ENTRY_ARGS}) {
  let B = md(0u);
  let H = md(1u);
  let e = ${LINEAR_ID};
  if (e >= B * H) { return; }
  let b = e / H;
  let j = e % H;
  let gh0 = gh[${o('gh')} + e];
${body}
}
`;
}
