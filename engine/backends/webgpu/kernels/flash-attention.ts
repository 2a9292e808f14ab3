/**
 * Flash attention in WGSL (float32): the scores are never written to memory.
 *
 * Forward: an invocation per query row holds its (pre-scaled) query and its output sums in
 * registers; the workgroup walks the keys BK at a time, loading each key and value tile into
 * workgroup memory, where every invocation reads the same element at once (a broadcast). Per tile
 * an invocation computes its BK scores, the tile's row max, rescales its sums once (online
 * softmax) and adds p * v. It writes the output and the row's logsumexp (for the backward).
 *
 * Backward (the scores recomputed per tile from the saved logsumexp):
 *   'dq': an invocation per query row: delta = dO . O (written for the key kernels), then over key
 *         tiles dq += p * (dO . v - delta) * k.
 *   'dk' / 'dv' / 'dkdv': an invocation per key row, walking query tiles (query, dO, logsumexp
 *         and delta in workgroup memory): dv += p * dO, dk += p * (dO . v - delta) * q.
 * A row whose every key is masked gives output 0 and logsumexp -inf (PyTorch's safe softmax),
 * and passes no gradient.
 *
 * Metadata words: see META below. Views are [N, H, rows, features] with any strides but a unit
 * stride along features; out, logsumexp, delta and the gradients are contiguous.
 */
import { metaDecl, PRELUDE } from '../wgsl-common';

/** How the mask is given: none, bool (true = takes part) or float (added to the scores). */
export type MaskKind = 'none' | 'bool' | 'float';
/** Which kernel: the forward, the query-gradient kernel, or a key-gradient kernel. */
export type FlashMode = 'fwd' | 'dq' | 'dk' | 'dv' | 'dkdv';

/** The compile-time shape of one kernel. */
export interface FlashConfig {
  mode: FlashMode;
  /** Feature size of queries and keys, in vec4s. */
  d4: number;
  /** Feature size of values, in vec4s. */
  dv4: number;
  /** Invocations per workgroup (rows per workgroup). */
  wg: number;
  /** Rows of the other operand per tile in workgroup memory. */
  bk: number;
  mask: MaskKind;
}

/** Metadata word positions. */
export const META = {
  n: 0,
  h: 1,
  l: 2,
  s: 3,
  e: 4,
  ev: 5,
  causal: 6,
  scale: 7,
  q: 8, // offset, strideN, strideH, strideRow
  k: 12,
  v: 16,
  m: 20, // offset, strideN, strideH, strideL, strideS
  out: 25,
  lse: 26,
  dout: 27, // offset, strideN, strideH, strideRow
  dq: 31,
  dk: 32,
  dv: 33,
  delta: 34,
  words: 35,
} as const;

export function flashKey(c: FlashConfig): string {
  return `flash|${c.mode}|d${c.d4}|v${c.dv4}|wg${c.wg}|bk${c.bk}|${c.mask}`;
}

/** Workgroup memory a kernel needs, in bytes. */
export function flashSharedBytes(c: Omit<FlashConfig, 'mask'>): number {
  const rows = c.d4 + c.dv4;
  const extra = c.mode === 'fwd' || c.mode === 'dq' ? 0 : 2 * 4;
  return c.bk * (rows * 16 + extra);
}

const loop = (n: number, body: (i: string) => string) => `for (var c = 0u; c < ${n}u; c++) { ${body('c')} }`;

/** A function reading 4 features (zero past `lim`) of a row of `buf` at `base`. */
function rowLoader(buf: string): string {
  return `fn ld_${buf}(base: i32, c: u32, lim: u32) -> vec4<f32> {
  var r = vec4<f32>(0.0);
  let f = c * 4u;
  if (f < lim) { r.x = ${buf}[u32(base) + f]; }
  if (f + 1u < lim) { r.y = ${buf}[u32(base) + f + 1u]; }
  if (f + 2u < lim) { r.z = ${buf}[u32(base) + f + 2u]; }
  if (f + 3u < lim) { r.w = ${buf}[u32(base) + f + 3u]; }
  return r;
}`;
}

function rowBase(name: keyof typeof META, row: string): string {
  const at = META[name];
  return `(mdi(${at}u) + i32(n) * mdi(${at + 1}u) + i32(h) * mdi(${at + 2}u) + i32(${row}) * mdi(${at + 3}u))`;
}

/** WGSL: `ok` and `x` for the score `x` of query `qi` and key `kj` (both in range when `inRange`). */
function maskCode(c: FlashConfig, qi: string, kj: string, inRange: string): string {
  const m = META.m;
  const at = `u32(mdi(${m}u) + i32(n) * mdi(${m + 1}u) + i32(h) * mdi(${m + 2}u) + i32(${qi}) * mdi(${m + 3}u) + i32(${kj}) * mdi(${m + 4}u))`;
  let code = `var ok = ${inRange};
      if (causal) { ok = ok && ${kj} <= ${qi}; }`;
  if (c.mask === 'bool') code += `\n      if (ok) { ok = MK[${at}] != 0u; }`;
  if (c.mask === 'float') code += `\n      if (ok) { x = x + MK[${at}]; }`;
  return code;
}

function bindings(c: FlashConfig): string {
  const names: [string, string, boolean][] = [
    ['Q', 'f32', false],
    ['K', 'f32', false],
    ['V', 'f32', false],
  ];
  if (c.mask !== 'none') names.push(['MK', c.mask === 'bool' ? 'u32' : 'f32', false]);
  if (c.mode === 'fwd') names.push(['OUT', 'f32', true], ['LSE', 'f32', true]);
  else if (c.mode === 'dq') names.push(['OUT', 'f32', false], ['LSE', 'f32', false], ['DO', 'f32', false], ['DQ', 'f32', true], ['DELTA', 'f32', true]);
  else {
    names.push(['LSE', 'f32', false], ['DO', 'f32', false], ['DELTA', 'f32', false]);
    if (c.mode !== 'dv') names.push(['DK', 'f32', true]);
    if (c.mode !== 'dk') names.push(['DV', 'f32', true]);
  }
  return names.map(([name, t, rw], i) => `@group(0) @binding(${i + 1}) var<storage, ${rw ? 'read_write' : 'read'}> ${name}: array<${t}>;`).join('\n');
}

const HEADER = (c: FlashConfig) => `${PRELUDE}
${metaDecl(META.words)}
${bindings(c)}`;

const COMMON = `let nh = md(${META.h}u);
  let L = md(${META.l}u);
  let S = md(${META.s}u);
  let E = md(${META.e}u);
  let EV = md(${META.ev}u);
  let causal = md(${META.causal}u) != 0u;
  let scale = bitcast<f32>(md(${META.scale}u));
  let n = wid.z;
  let h = wid.y;
  let bh = n * nh + h;`;

/** The WGSL of one flash-attention kernel. */
export function flashSource(c: FlashConfig): string {
  if (c.mode === 'fwd' || c.mode === 'dq') return queryRowsSource(c);
  return keyRowsSource(c);
}

/** Forward and dq: an invocation per query row, key/value tiles in workgroup memory. */
function queryRowsSource(c: FlashConfig): string {
  const { d4, dv4, wg, bk } = c;
  const fwd = c.mode === 'fwd';
  return `${HEADER(c)}
var<workgroup> ks: array<vec4<f32>, ${bk * d4}>;
var<workgroup> vs: array<vec4<f32>, ${bk * dv4}>;
${rowLoader('Q')}
${rowLoader('K')}
${rowLoader('V')}
${fwd ? '' : rowLoader('DO')}
${fwd ? '' : rowLoader('OUT')}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  ${COMMON}
  let i = wid.x * ${wg}u + lid.x;
  let row = min(i, L - 1u);
  let qb = ${rowBase('q', 'row')};
  var q: array<vec4<f32>, ${d4}>;
  ${loop(d4, (k) => `q[${k}] = ld_Q(qb, ${k}, E) * scale;`)}
  let ninf = -wick_inf();
${
  fwd
    ? `  var acc: array<vec4<f32>, ${dv4}>;
  var m = ninf;
  var l = 0.0;`
    : `  var dO: array<vec4<f32>, ${dv4}>;
  var dq: array<vec4<f32>, ${d4}>;
  let ob = i32(bh * L + row) * i32(EV) + mdi(${META.out}u);
  let dob = ${rowBase('dout', 'row')};
  var dl = vec4<f32>(0.0);
  ${loop(dv4, (k) => `dO[${k}] = ld_DO(dob, ${k}, EV); dl = fma(dO[${k}], ld_OUT(ob, ${k}, EV), dl);`)}
  let delta = dl.x + dl.y + dl.z + dl.w;
  let lse = LSE[md(${META.lse}u) + bh * L + row];
  let mu = select(lse, 0.0, lse == ninf);`
}
  var send = S;
  if (causal) { send = min(S, wid.x * ${wg}u + ${wg}u); }
  for (var t0 = 0u; t0 < send; t0 += ${bk}u) {
    workgroupBarrier();
    for (var idx = lid.x; idx < ${bk * d4}u; idx += ${wg}u) {
      let key = t0 + idx / ${d4}u;
      let kb = ${rowBase('k', 'min(key, S - 1u)')};
      ks[idx] = select(vec4<f32>(0.0), ld_K(kb, idx % ${d4}u, E), key < S);
    }
    for (var idx = lid.x; idx < ${bk * dv4}u; idx += ${wg}u) {
      let key = t0 + idx / ${dv4}u;
      let vb = ${rowBase('v', 'min(key, S - 1u)')};
      vs[idx] = select(vec4<f32>(0.0), ld_V(vb, idx % ${dv4}u, EV), key < S);
    }
    workgroupBarrier();
${
  fwd
    ? `    var s: array<f32, ${bk}>;
    var mt = m;
    for (var j = 0u; j < ${bk}u; j++) {
      var dot = vec4<f32>(0.0);
      ${loop(d4, (k) => `dot = fma(q[${k}], ks[j * ${d4}u + ${k}], dot);`)}
      var x = dot.x + dot.y + dot.z + dot.w;
      let key = t0 + j;
      ${maskCode(c, 'row', 'key', 'key < S && i < L')}
      x = select(ninf, x, ok);
      s[j] = x;
      mt = max(mt, x);
    }
    let mu = select(mt, 0.0, mt == ninf);
    let alpha = exp(m - mu);
    l = l * alpha;
    ${loop(dv4, (k) => `acc[${k}] = acc[${k}] * alpha;`)}
    for (var j = 0u; j < ${bk}u; j++) {
      let p = exp(s[j] - mu);
      l = l + p;
      let pv = vec4<f32>(p);
      ${loop(dv4, (k) => `acc[${k}] = fma(pv, vs[j * ${dv4}u + ${k}], acc[${k}]);`)}
    }
    m = mt;`
    : `    for (var j = 0u; j < ${bk}u; j++) {
      var dot = vec4<f32>(0.0);
      ${loop(d4, (k) => `dot = fma(q[${k}], ks[j * ${d4}u + ${k}], dot);`)}
      var x = dot.x + dot.y + dot.z + dot.w;
      let key = t0 + j;
      ${maskCode(c, 'row', 'key', 'key < S && i < L')}
      let p = select(0.0, exp(x - mu), ok && lse != ninf);
      var dpv = vec4<f32>(0.0);
      ${loop(dv4, (k) => `dpv = fma(dO[${k}], vs[j * ${dv4}u + ${k}], dpv);`)}
      let ds = vec4<f32>(p * (dpv.x + dpv.y + dpv.z + dpv.w - delta));
      ${loop(d4, (k) => `dq[${k}] = fma(ds, ks[j * ${d4}u + ${k}], dq[${k}]);`)}
    }`
}
  }
  if (i >= L) { return; }
${
  fwd
    ? `  let inv = select(1.0 / l, 0.0, l == 0.0);
  let ob = md(${META.out}u) + (bh * L + i) * EV;
  for (var c = 0u; c < ${dv4}u; c++) {
    let a = acc[c] * inv;
    for (var t = 0u; t < 4u; t++) { if (c * 4u + t < EV) { OUT[ob + c * 4u + t] = a[t]; } }
  }
  LSE[md(${META.lse}u) + bh * L + i] = select(m + log(l), ninf, l == 0.0);`
    : `  DELTA[md(${META.delta}u) + bh * L + i] = delta;
  let qo = md(${META.dq}u) + (bh * L + i) * E;
  for (var c = 0u; c < ${d4}u; c++) {
    let a = dq[c] * scale;
    for (var t = 0u; t < 4u; t++) { if (c * 4u + t < E) { DQ[qo + c * 4u + t] = a[t]; } }
  }`
}
}
`;
}

/** dk / dv: an invocation per key row, query tiles (with dO, logsumexp and delta) in workgroup memory. */
function keyRowsSource(c: FlashConfig): string {
  const { d4, dv4, wg, bk } = c;
  const wantK = c.mode !== 'dv';
  const wantV = c.mode !== 'dk';
  return `${HEADER(c)}
var<workgroup> qs: array<vec4<f32>, ${bk * d4}>;
var<workgroup> dos: array<vec4<f32>, ${bk * dv4}>;
var<workgroup> lses: array<f32, ${bk}>;
var<workgroup> deltas: array<f32, ${bk}>;
${rowLoader('Q')}
${rowLoader('K')}
${rowLoader('V')}
${rowLoader('DO')}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  ${COMMON}
  let j = wid.x * ${wg}u + lid.x;
  let key = min(j, S - 1u);
  let ninf = -wick_inf();
  let kb = ${rowBase('k', 'key')};
  var k: array<vec4<f32>, ${d4}>;
  ${loop(d4, (x) => `k[${x}] = ld_K(kb, ${x}, E) * scale;`)}
${
  wantK
    ? `  let vb = ${rowBase('v', 'key')};
  var v: array<vec4<f32>, ${dv4}>;
  ${loop(dv4, (x) => `v[${x}] = ld_V(vb, ${x}, EV);`)}
  var dk: array<vec4<f32>, ${d4}>;`
    : ''
}
  ${wantV ? `var dv: array<vec4<f32>, ${dv4}>;` : ''}
  var tstart = 0u;
  if (causal) { tstart = (wid.x * ${wg}u) / ${bk}u * ${bk}u; }
  for (var t0 = tstart; t0 < L; t0 += ${bk}u) {
    workgroupBarrier();
    for (var idx = lid.x; idx < ${bk * d4}u; idx += ${wg}u) {
      let qi = t0 + idx / ${d4}u;
      let qb = ${rowBase('q', 'min(qi, L - 1u)')};
      qs[idx] = select(vec4<f32>(0.0), ld_Q(qb, idx % ${d4}u, E), qi < L);
    }
    for (var idx = lid.x; idx < ${bk * dv4}u; idx += ${wg}u) {
      let qi = t0 + idx / ${dv4}u;
      let db = ${rowBase('dout', 'min(qi, L - 1u)')};
      dos[idx] = select(vec4<f32>(0.0), ld_DO(db, idx % ${dv4}u, EV), qi < L);
    }
    for (var idx = lid.x; idx < ${bk}u; idx += ${wg}u) {
      let qi = min(t0 + idx, L - 1u);
      lses[idx] = LSE[md(${META.lse}u) + bh * L + qi];
      deltas[idx] = DELTA[md(${META.delta}u) + bh * L + qi];
    }
    workgroupBarrier();
    for (var r = 0u; r < ${bk}u; r++) {
      let qi = t0 + r;
      var dot = vec4<f32>(0.0);
      ${loop(d4, (x) => `dot = fma(k[${x}], qs[r * ${d4}u + ${x}], dot);`)}
      var x = dot.x + dot.y + dot.z + dot.w;
      ${maskCode(c, 'qi', 'key', 'qi < L && j < S')}
      let lse = lses[r];
      let p = select(0.0, exp(x - lse), ok && lse != ninf);
${
  wantK
    ? `      var dpv = vec4<f32>(0.0);
      ${loop(dv4, (x) => `dpv = fma(v[${x}], dos[r * ${dv4}u + ${x}], dpv);`)}
      let ds = vec4<f32>(p * (dpv.x + dpv.y + dpv.z + dpv.w - deltas[r]));
      ${loop(d4, (x) => `dk[${x}] = fma(ds, qs[r * ${d4}u + ${x}], dk[${x}]);`)}`
    : ''
}
${wantV ? `      let pv = vec4<f32>(p);\n      ${loop(dv4, (x) => `dv[${x}] = fma(pv, dos[r * ${dv4}u + ${x}], dv[${x}]);`)}` : ''}
    }
  }
  if (j >= S) { return; }
${
  wantK
    ? `  let ko = md(${META.dk}u) + (bh * S + j) * E;
  for (var c = 0u; c < ${d4}u; c++) {
    let a = dk[c] * scale;
    for (var t = 0u; t < 4u; t++) { if (c * 4u + t < E) { DK[ko + c * 4u + t] = a[t]; } }
  }`
    : ''
}
${
  wantV
    ? `  let vo = md(${META.dv}u) + (bh * S + j) * EV;
  for (var c = 0u; c < ${dv4}u; c++) {
    for (var t = 0u; t < 4u; t++) { if (c * 4u + t < EV) { DV[vo + c * 4u + t] = dv[c][t]; } }
  }`
    : ''
}
}
`;
}
