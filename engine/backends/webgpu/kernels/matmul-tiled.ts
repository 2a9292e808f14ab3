/**
 * The register-blocked matmul kernel generator. A workgroup computes a BM x BN output tile with
 * (BM/TM) x (BN/TN) invocations, each holding TM x TN sums in registers as vec4 rows. K advances
 * BK at a time through workgroup memory, where both tiles are kept K-major as vec4 along M and N
 * (so the inner loop reads 2 x TM/4 + TN/4 vec4s per BK step for TM x TN fused multiply-adds).
 * Each thread's rows (and columns) come in groups of 4 spread BM/(TM/4) apart, so a warp's reads
 * of workgroup memory are consecutive vec4s (no bank conflicts).
 *
 * Operands are read in place as strided views. How each is loaded is fixed per kernel:
 *   A (M x K): 'k4' vec4 along K (K-contiguous), 'm4' vec4 along M (a transposed view), 's' scalar;
 *   B (K x N): 'n4' vec4 along N, 'k4' vec4 along K (a transposed view), 's' scalar.
 * vec4 modes bind the buffer as array<vec4<f32>> and need the view's offset and other strides to
 * be multiples of 4 (the chooser in matmul.ts checks). Edge tiles load per component.
 * `stages: 2` keeps two tiles in workgroup memory and loads the next into registers while the
 * current one is multiplied (one barrier per K step).
 *
 * Metadata: [M, N, K, aOffset, bOffset, outOffset, aStrideM, aStrideK, bStrideK, bStrideN,
 *            batchShape[nb], aBatchStrides[nb], bBatchStrides[nb], epilogue leaves, scalars].
 */
import { metaDecl, PRELUDE } from '../wgsl-common';
import { epiloguePieces, type MatmulEpilogue } from './matmul-epilogue';

export type LoadA = 'k4' | 'm4' | 's';
export type LoadB = 'n4' | 'k4' | 's';

export interface TiledConfig {
  bm: number;
  bn: number;
  bk: number;
  tm: number;
  tn: number;
  stages: 1 | 2;
  la: LoadA;
  lb: LoadB;
  /** Store the output as vec4 (N and the output offset are multiples of 4). */
  c4: boolean;
  /** Unroll the loop over a tile's BK steps in the WGSL (else left to the driver's compiler). */
  unroll: boolean;
  /** Split-K: grid z is batch x part, each part sums one chunk of K into its own plane of `c` (see matmul-split.ts). */
  split?: boolean;
  /**
   * Launch order of the tiles: groups of this many tile rows, each walked column by column, so
   * the workgroups running at once share rows of A and columns of B in the L2 cache (0: row by row).
   */
  group?: number;
  /** (la 'k4' only) A's tile kept row-major in workgroup memory, vec4 along K, stored as loaded (no transposing); the inner loop reads a vec4 of 4 k per row. */
  aRows?: boolean;
}

export function configKey(c: TiledConfig): string {
  return `${c.bm}x${c.bn}x${c.bk}|${c.tm}x${c.tn}|s${c.stages}${c.unroll ? 'u' : ''}|${c.la}.${c.lb}${c.c4 ? '.c4' : ''}${c.split ? '|split' : ''}${c.aRows ? '|ar' : ''}${c.group ? `|g${c.group}` : ''}`;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** WGSL that loads one operand tile into registers (`load`) and stores them to workgroup memory (`store`). */
function tileCode(name: 'a' | 'b', mode: string, rows: number, bk: number, threads: number, stage: string, rowMajor = false) {
  // `rows` is the tile's extent along M (for A) or N (for B); the tile is rows x bk.
  const T = name === 'a' ? 'tA' : 'tB';
  const lim = name === 'a' ? 'M' : 'N';
  const off = name === 'a' ? 'aOff' : 'bOff';
  const so = name === 'a' ? 'sam' : 'sbn'; // stride along rows (M or N)
  const sk = name === 'a' ? 'sak' : 'sbk';
  const origin = name === 'a' ? 'm0' : 'n0';
  const regs: string[] = [];
  const load: string[] = [];
  const store: string[] = [];
  const alongK = mode === 'k4';
  const total = mode === 's' ? rows * bk : (rows * bk) / 4;
  const per = Math.ceil(total / threads);
  // Where the threads outnumber the tile's loads, the last ones skip (a uniform-free guard).
  const guard = (p: number, code: string) => ((p + 1) * threads > total ? `if (t + ${p * threads}u < ${total}u) ${code}` : code);
  if (mode === 's') {
    for (const p of range(per)) {
      const r = `${name}r${p}`;
      regs.push(`var ${r}: f32;`);
      load.push(
        guard(
          p,
          `{ let v = t + ${p * threads}u; let rr = v % ${rows}u; let kk = v / ${rows}u; let g = ${origin} + rr; let gk = k0 + kk;
    ${r} = 0.0; if (g < ${lim} && gk < kEnd) { ${r} = ${name}[u32(${off} + i32(g) * ${so} + i32(gk) * ${sk})]; } }`,
        ),
      );
      store.push(guard(p, `{ let v = t + ${p * threads}u; let rr = v % ${rows}u; ${T}[${stage}][v / ${rows}u][rr >> 2u][rr & 3u] = ${r}; }`));
    }
  } else if (alongK) {
    // vec4 along K: thread v reads row rr, k = 4*kq..4*kq+3, stores 4 scalars transposed. K runs
    // fastest across threads, so a warp reads whole 32-byte sectors of few rows (faster than rows
    // fastest: bench/RESULTS.md).
    const q = bk / 4;
    for (const p of range(per)) {
      const r = `${name}r${p}`;
      regs.push(`var ${r}: vec4<f32>;`);
      load.push(
        guard(
          p,
          `{ let v = t + ${p * threads}u; let rr = v / ${q}u; let gk = k0 + 4u * (v % ${q}u); let g = ${origin} + rr;
    ${r} = vec4<f32>(0.0); let q = u32(${off} + i32(g) * ${so} + i32(gk)) >> 2u;
    if (g < ${lim}) { if (gk + 3u < kEnd) { ${r} = ${name}[q]; } else { for (var i = 0u; i < 4u; i++) { if (gk + i < kEnd) { ${r}[i] = ${name}[q][i]; } } } } }`,
        ),
      );
      if (rowMajor) store.push(guard(p, `{ let v = t + ${p * threads}u; ${T}[${stage}][v / ${q}u][v % ${q}u] = ${r}; }`));
      else
        store.push(
          guard(
            p,
            `{ let v = t + ${p * threads}u; let rr = v / ${q}u; let kk = 4u * (v % ${q}u);
    ${range(4)
      .map((i) => `${T}[${stage}][kk + ${i}u][rr >> 2u][rr & 3u] = ${r}[${i}];`)
      .join(' ')} }`,
          ),
        );
    }
  } else {
    // vec4 along M (A) or N (B): thread v reads 4 consecutive rows of one k, stores one vec4.
    const q4 = rows / 4;
    for (const p of range(per)) {
      const r = `${name}r${p}`;
      regs.push(`var ${r}: vec4<f32>;`);
      load.push(
        guard(
          p,
          `{ let v = t + ${p * threads}u; let g = ${origin} + 4u * (v % ${q4}u); let gk = k0 + v / ${q4}u;
    ${r} = vec4<f32>(0.0); let q = u32(${off} + i32(g) + i32(gk) * ${sk}) >> 2u;
    if (gk < kEnd) { if (g + 3u < ${lim}) { ${r} = ${name}[q]; } else { for (var i = 0u; i < 4u; i++) { if (g + i < ${lim}) { ${r}[i] = ${name}[q][i]; } } } } }`,
        ),
      );
      store.push(guard(p, `{ let v = t + ${p * threads}u; ${T}[${stage}][v / ${q4}u][v % ${q4}u] = ${r}; }`));
    }
  }
  return { regs, load, store };
}

/** The output tile's first row and column (m0, n0) for this workgroup (see TiledConfig.group). */
function tileOrigin(c: TiledConfig): string {
  if (!c.group) return `  let m0 = wid.y * ${c.bm}u;\n  let n0 = wid.x * ${c.bn}u;`;
  return `  let perGroup = ${c.group}u * nwg.x;
  let lin = wid.y * nwg.x + wid.x;
  let firstRow = (lin / perGroup) * ${c.group}u;
  let groupRows = min(nwg.y - firstRow, ${c.group}u);
  let inGroup = lin % perGroup;
  let m0 = (firstRow + inGroup % groupRows) * ${c.bm}u;
  let n0 = (inGroup / groupRows) * ${c.bn}u;`;
}

export function tiledSource(c: TiledConfig, batchRank: number, epilogue: MatmulEpilogue | null = null): string {
  const { bm, bn, bk, tm, tn } = c;
  const wx = bn / tn;
  const wy = bm / tm;
  const threads = wx * wy;
  const gm = tm / 4;
  const gn = tn / 4;
  const base = 10;
  const splitAt = base + 3 * batchRank;
  const epi = epiloguePieces(epilogue, batchRank, splitAt + (c.split ? 2 : 0), 4);
  // Split-K: parts at word splitAt, chunk (a multiple of BK) after it; the output is the parts' planes.
  const zk = c.split
    ? `  let parts = md(${splitAt}u);
  let zb = wid.z / parts;
  let kBegin = (wid.z % parts) * md(${splitAt + 1}u);
  let kEnd = min(K, kBegin + md(${splitAt + 1}u));
  let cOff = wid.z * M * N;`
    : `  let zb = wid.z;
  let kBegin = 0u;
  let kEnd = K;
  let cOff = md(5u) + wid.z * M * N;`;
  const aType = c.la === 's' ? 'f32' : 'vec4<f32>';
  const bType = c.lb === 's' ? 'f32' : 'vec4<f32>';
  const aRows = !!c.aRows && c.la === 'k4';
  const A = (s: string) => tileCode('a', c.la, bm, bk, threads, s, aRows);
  const B = (s: string) => tileCode('b', c.lb, bn, bk, threads, s);
  const a0 = A('0u');
  const b0 = B('0u');
  const an = A('nxt');
  const bn_ = B('nxt');
  // The inner products of one BK step from tile stage `s`: a loop over k, or unrolled.
  const step = (s: string, k: string) => {
    const lines = [
      ...range(gm).map((g) => `let a${g} = tA[${s}][${k}][ty + ${(g * bm) / gm / 4}u];`),
      ...range(gn).map((g) => `let b${g} = tB[${s}][${k}][tx + ${(g * bn) / gn / 4}u];`),
    ];
    for (const i of range(tm)) for (const j of range(gn)) lines.push(`c${i}_${j} = fma(vec4<f32>(a${Math.floor(i / 4)}.${'xyzw'[i % 4]}), b${j}, c${i}_${j});`);
    return lines.join('\n      ');
  };
  // Row-major A: per 4 k, a vec4 along K for each of the thread's TM rows, then 4 steps of B.
  const stepRows = (s: string, kq: string, kConst: number | null) => {
    const lines = range(tm).map((i) => `let a${i} = tA[${s}][ty * 4u + ${Math.floor(i / 4) * (bm / gm) + (i % 4)}u][${kq}];`);
    for (const jj of range(4)) {
      const k = kConst === null ? `4u * ${kq} + ${jj}u` : `${kConst * 4 + jj}u`;
      lines.push(...range(gn).map((g) => `let b${jj}_${g} = tB[${s}][${k}][tx + ${(g * bn) / gn / 4}u];`));
      for (const i of range(tm)) for (const j of range(gn)) lines.push(`c${i}_${j} = fma(vec4<f32>(a${i}.${'xyzw'[jj]}), b${jj}_${j}, c${i}_${j});`);
    }
    return lines.join('\n      ');
  };
  const compute = (s: string) =>
    aRows
      ? c.unroll
        ? range(bk / 4)
            .map((kq) => `    {\n      ${stepRows(s, `${kq}u`, kq)}\n    }`)
            .join('\n')
        : `    for (var kq = 0u; kq < ${bk / 4}u; kq++) {\n      ${stepRows(s, 'kq', null)}\n    }`
      : c.unroll
        ? range(bk)
            .map((k) => `    {\n      ${step(s, `${k}u`)}\n    }`)
            .join('\n')
        : `    for (var k = 0u; k < ${bk}u; k++) {\n      ${step(s, 'k')}\n    }`;
  let body: string;
  if (c.stages === 2) {
    body = `  ${a0.regs.join(' ')}
  ${b0.regs.join(' ')}
  var k0 = kBegin;
  ${a0.load.join('\n  ')}
  ${b0.load.join('\n  ')}
  ${a0.store.join('\n  ')}
  ${b0.store.join('\n  ')}
  workgroupBarrier();
  var cur = 0u;
  for (var kt = kBegin; kt < kEnd; kt += ${bk}u) {
    k0 = kt + ${bk}u;
    let more = k0 < kEnd;
    if (more) {
  ${a0.load.join('\n  ')}
  ${b0.load.join('\n  ')}
    }
${compute('cur')}
    if (more) {
      let nxt = 1u - cur;
  ${an.store.join('\n  ')}
  ${bn_.store.join('\n  ')}
    }
    cur = 1u - cur;
    workgroupBarrier();
  }`;
  } else {
    body = `  ${a0.regs.join(' ')}
  ${b0.regs.join(' ')}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${bk}u) {
  ${a0.load.join('\n  ')}
  ${b0.load.join('\n  ')}
  ${a0.store.join('\n  ')}
  ${b0.store.join('\n  ')}
    workgroupBarrier();
${compute('0u')}
    workgroupBarrier();
  }`;
  }
  const stores: string[] = [];
  for (const i of range(tm)) {
    const row = `m0 + ${Math.floor(i / 4) * (bm / gm)}u + ty * 4u + ${i % 4}u`;
    for (const j of range(gn)) {
      const col = `n0 + ${j * (bn / gn)}u + tx * 4u`;
      const acc = `c${i}_${j}`;
      if (c.c4) {
        const value = epi.call
          ? `vec4<f32>(${range(4)
              .map((e) => epi.call!(`${acc}[${e}]`, 'r', `col + ${e}u`))
              .join(', ')})`
          : acc;
        stores.push(`  { let r = ${row}; let col = ${col}; if (r < M && col < N) { c[(cOff + r * N + col) >> 2u] = ${value}; } }`);
      } else {
        const value = (e: number) => (epi.call ? epi.call(`${acc}[${e}]`, 'r', 'col') : `${acc}[${e}]`);
        stores.push(
          `  { let r = ${row}; let c0 = ${col}; if (r < M) { ${range(4)
            .map((e) => `{ let col = c0 + ${e}u; if (col < N) { c[cOff + r * N + col] = ${value(e)}; } }`)
            .join(' ')} } }`,
        );
      }
    }
  }
  return `${PRELUDE}
${metaDecl(epi.words)}
@group(0) @binding(1) var<storage, read> a: array<${aType}>;
@group(0) @binding(2) var<storage, read> b: array<${bType}>;
@group(0) @binding(3) var<storage, read_write> c: array<${c.c4 ? 'vec4<f32>' : 'f32'}>;
${epi.bindings}
${epi.fn}
var<workgroup> tA: ${aRows ? `array<array<array<vec4<f32>, ${bk / 4}>, ${bm}>, ${c.stages}>` : `array<array<array<vec4<f32>, ${bm / 4}>, ${bk}>, ${c.stages}>`};
var<workgroup> tB: array<array<array<vec4<f32>, ${bn / 4}>, ${bk}>, ${c.stages}>;

@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let M = md(0u);
  let N = md(1u);
  let K = md(2u);
  var aOff = mdi(3u);
  var bOff = mdi(4u);
${zk}
  var rem = zb;
  for (var d = ${batchRank - 1}; d >= 0; d--) {
    let size = md(${base}u + u32(d));
    let i = i32(rem % size);
    rem = rem / size;
    aOff += i * mdi(${base + batchRank}u + u32(d));
    bOff += i * mdi(${base + 2 * batchRank}u + u32(d));
  }
  let sam = mdi(6u);
  let sak = mdi(7u);
  let sbk = mdi(8u);
  let sbn = mdi(9u);
${tileOrigin(c)}
  let tx = lid.x;
  let ty = lid.y;
  let t = ty * ${wx}u + tx;
${range(tm)
  .map(
    (i) =>
      `  ${range(gn)
        .map((j) => `var c${i}_${j} = vec4<f32>(0.0);`)
        .join(' ')}`,
  )
  .join('\n')}
${body}
${epi.base}
${stores.join('\n')}
}
`;
}
