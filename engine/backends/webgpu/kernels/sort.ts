/**
 * A bitonic sort of (key, index) pairs along each row. Rows are padded to a power of two P with
 * pad elements that sort after every real one (an index >= n marks them: no sentinel value is
 * needed); comparing (key, index) lexicographically makes the sort stable, and NaN keys sort as
 * the largest. Rows lie end to end in a flat array of rows * P positions.
 *
 * Passes: a workgroup sorts a block of SORT_BLOCK positions in workgroup memory (whole rows when
 * P <= SORT_BLOCK: one pass does it all, reading the strided input and writing the outputs). For
 * longer rows the first pass sorts each block into temporary key/index arrays; then each merge
 * stage k > SORT_BLOCK runs its compare-exchange steps of span j >= SORT_BLOCK as global passes
 * (one invocation per pair) and its steps j < SORT_BLOCK in one more workgroup pass.
 */
import type { DType } from '../../../core/dtype';
import { decompose, ENTRY_ARGS, LINEAR_ID, metaDecl, PRELUDE, storageType } from '../wgsl-common';
import { WORKGROUP } from '../tuning';

/** Positions a workgroup sorts in its memory (keys and indices: 8 KB). */
export const SORT_BLOCK = 1024;

/** Where a workgroup pass reads its pairs from and writes them to. */
export type SortLocalMode = 'src-out' | 'src-temp' | 'temp-temp' | 'temp-out';

/** The sizes and the stage of one sort pass. */
export interface SortPass {
  rows: number;
  n: number;
  P: number;
  j: number;
  kFirst: number;
  kLast: number;
  descending: boolean;
}

/**
 * Metadata of every sort pass: [rows, n, P, total (rows * P), j, kFirst, kLast, inOffset,
 * valuesOffset, indicesOffset, descending, outer shape[rank - 1], input strides[rank]] (the
 * shape and strides only for passes that read the input).
 */
export function sortMeta(
  p: SortPass,
  input: { offset: number; shape: readonly number[]; strides: readonly number[] },
  valuesOffset: number,
  indicesOffset: number,
): number[] {
  const head = [p.rows, p.n, p.P, p.rows * p.P, p.j, p.kFirst, p.kLast, input.offset, valuesOffset, indicesOffset, p.descending ? 1 : 0];
  return [...head, ...input.shape.slice(0, -1), ...input.strides];
}

const META_FIXED = 11;

/** WGSL: `before(a, ia, b, ib)`, whether pair a comes first (pads last, then keys in the order asked for, then indices). */
function comparator(dtype: DType): string {
  const k = storageType(dtype);
  // Whether key a is strictly less than key b; NaN is the largest float (tested by its bits).
  const less = k === 'f32' ? '!wick_isnan(a) && (wick_isnan(b) || a < b)' : 'a < b';
  return `fn key_less(a: ${k}, b: ${k}) -> bool { return ${less}; }
fn key_before(a: ${k}, b: ${k}) -> bool { return select(key_less(a, b), key_less(b, a), md(10u) == 1u); }
fn before(a: ${k}, ia: i32, b: ${k}, ib: i32) -> bool {
  let n = mdi(1u);
  let pa = ia >= n;
  let pb = ib >= n;
  if (pa || pb) { return !pa || (pb && ia < ib); }
  if (key_before(a, b)) { return true; }
  if (key_before(b, a)) { return false; }
  return ia < ib;
}`;
}

/** WGSL computing `off`, the input offset of (row, col), from the metadata's outer shape and strides. */
function srcOffset(rank: number): string {
  const outer = rank - 1;
  return `  var off = mdi(7u);
${outer > 0 ? decompose('row', outer, META_FIXED, [{ name: 'off', stridesAt: META_FIXED + outer }]) : ''}
  off += i32(col) * mdi(${META_FIXED + outer + rank - 1}u);`;
}

/** A workgroup pass: load a block, run stages kFirst..kLast (steps of span < SORT_BLOCK), store it. */
export function sortLocalSource(dtype: DType, rank: number, mode: SortLocalMode): string {
  const k = storageType(dtype);
  const fromSrc = mode.startsWith('src');
  const toOut = mode.endsWith('out');
  const bindings: string[] = [];
  if (fromSrc) bindings.push(`var<storage, read> src: array<${k}>;`);
  if (mode !== 'src-out') bindings.push(`var<storage, read_write> tk: array<${k}>;`, `var<storage, read_write> ti: array<i32>;`);
  if (toOut) bindings.push(`var<storage, read_write> values: array<${k}>;`, `var<storage, read_write> indices: array<i32>;`);
  const half = SORT_BLOCK / 2;
  const load = fromSrc
    ? `      let row = g / P;
      let col = g % P;
      var key = ${k}(0);
      if (col < md(1u)) {
${srcOffset(rank)
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
        key = src[u32(off)];
      }
      sk[t] = key;
      si[t] = i32(col);`
    : `      sk[t] = tk[g];
      si[t] = ti[g];`;
  const store = toOut
    ? `      let row = g / P;
      let col = g % P;
      let n = md(1u);
      if (col < n) {
        values[md(8u) + row * n + col] = sk[t];
        indices[md(9u) + row * n + col] = si[t];
      }`
    : `      tk[g] = sk[t];
      ti[g] = si[t];`;
  return `${PRELUDE}
${metaDecl(fromSrc ? META_FIXED + 2 * rank - 1 : META_FIXED)}
${bindings.map((b, i) => `@group(0) @binding(${i + 1}) ${b}`).join('\n')}
var<workgroup> sk: array<${k}, ${SORT_BLOCK}>;
var<workgroup> si: array<i32, ${SORT_BLOCK}>;
${comparator(dtype)}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let base = (wid.y * nwg.x + wid.x) * ${SORT_BLOCK}u;
  let P = md(2u);
  let total = md(3u);
  for (var t = lid.x; t < ${SORT_BLOCK}u; t += ${WORKGROUP}u) {
    let g = base + t;
    if (g < total) {
${load}
    }
  }
  workgroupBarrier();
  for (var k = md(5u); k <= md(6u); k = k << 1u) {
    for (var j = min(k >> 1u, ${half}u); j > 0u; j = j >> 1u) {
      for (var p = lid.x; p < ${half}u; p += ${WORKGROUP}u) {
        let i = ((p / j) * 2u * j) + (p % j);
        let l = i + j;
        if (base + l < total) {
          let ascending = ((base + i) & (P - 1u) & k) == 0u;
          let swap = select(before(sk[i], si[i], sk[l], si[l]), before(sk[l], si[l], sk[i], si[i]), ascending);
          if (swap) {
            let key = sk[i];
            let index = si[i];
            sk[i] = sk[l];
            si[i] = si[l];
            sk[l] = key;
            si[l] = index;
          }
        }
      }
      workgroupBarrier();
    }
  }
  for (var t = lid.x; t < ${SORT_BLOCK}u; t += ${WORKGROUP}u) {
    let g = base + t;
    if (g < total) {
${store}
    }
  }
}
`;
}

/** A global pass: one compare-exchange step (span j of stage k) over the temporary arrays, an invocation per pair. */
export function sortGlobalSource(dtype: DType): string {
  const k = storageType(dtype);
  return `${PRELUDE}
${metaDecl(META_FIXED)}
@group(0) @binding(1) var<storage, read_write> tk: array<${k}>;
@group(0) @binding(2) var<storage, read_write> ti: array<i32>;
${comparator(dtype)}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let p = ${LINEAR_ID};
  if (p >= md(3u) / 2u) { return; }
  let j = md(4u);
  let k = md(5u);
  let i = ((p / j) * 2u * j) + (p % j);
  let l = i + j;
  let ascending = (i & (md(2u) - 1u) & k) == 0u;
  let a = tk[i];
  let ia = ti[i];
  let b = tk[l];
  let ib = ti[l];
  if (select(before(a, ia, b, ib), before(b, ib, a, ia), ascending)) {
    tk[i] = b;
    ti[i] = ib;
    tk[l] = a;
    ti[l] = ia;
  }
}
`;
}
