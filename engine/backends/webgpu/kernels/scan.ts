/**
 * Inclusive scans along rows (cumprod, cummax, cummin; cumsum has its own kernel in reduce.ts):
 * a workgroup per row walks it in tiles of SCAN_TILE elements. Each invocation scans its
 * SCAN_PER_THREAD consecutive elements serially, the workgroup scans the invocations' totals in
 * workgroup memory (Hillis–Steele), and each element then combines the running carry of earlier
 * tiles, the totals of earlier invocations and its own partial result.
 *
 * Elements are (value, index) pairs. cummax's combine keeps the later pair when its value is
 * NaN, or is at least the earlier one's (not NaN): PyTorch's last index among ties. The combine
 * is associative (it takes the larger pair in the order NaN > values, then later index), so the
 * parallel scan gives the serial one's result.
 */
import type { DType } from '../../../core/dtype';
import type { ScanOp } from '../../backend';
import { decompose, ENTRY_ARGS, LINEAR_ID, literal, metaDecl, PRELUDE, storageType } from '../wgsl-common';
import { WORKGROUP } from '../tuning';

/** Consecutive elements each invocation scans serially before the workgroup combines their totals. */
export const SCAN_PER_THREAD = 4;
/** Elements of a row a workgroup scans per step of its walk along the row. */
export const SCAN_TILE = WORKGROUP * SCAN_PER_THREAD;

function identity(op: ScanOp, dtype: DType): string {
  const int = storageType(dtype) === 'i32';
  switch (op) {
    case 'sum':
      return literal(0, dtype);
    case 'prod':
      return literal(1, dtype);
    case 'max':
      return int ? literal(-2147483648, dtype) : '(-wick_inf())';
    case 'min':
      return int ? literal(2147483647, dtype) : 'wick_inf()';
  }
}

/** WGSL `combine(a, b)` of an earlier pair a and a later pair b. */
function combineFn(op: ScanOp, dtype: DType): string {
  const v = storageType(dtype);
  const body = (() => {
    if (op === 'sum') return 'return Pair(a.v + b.v, b.i);';
    if (op === 'prod') return 'return Pair(a.v * b.v, b.i);';
    const cmp = op === 'max' ? '>=' : '<=';
    const takes = v === 'f32' ? `wick_isnan(b.v) || (!wick_isnan(a.v) && b.v ${cmp} a.v)` : `b.v ${cmp} a.v`;
    return `if (${takes}) { return b; }\n  return a;`;
  })();
  return `struct Pair { v: ${v}, i: i32 }
fn combine(a: Pair, b: Pair) -> Pair {
  ${body}
}`;
}

/**
 * Metadata: [rows, n, inOffset, outOffset, indicesOffset, outer shape[rank - 1], input strides[rank]].
 * Bindings: src, out, and indices where `withIndices`. `short`: rows up to SHORT_ROW long, an
 * invocation each walking its row (many short rows keep the GPU busy without a workgroup each).
 */
export function scanSource(op: ScanOp, dtype: DType, rank: number, withIndices: boolean, short = false): string {
  const v = storageType(dtype);
  const outer = rank - 1;
  const fixed = 5;
  if (short) return shortScanSource(op, dtype, rank, withIndices);
  return `${PRELUDE}
${metaDecl(fixed + outer + rank)}
@group(0) @binding(1) var<storage, read> src: array<${v}>;
@group(0) @binding(2) var<storage, read_write> out: array<${v}>;
${withIndices ? '@group(0) @binding(3) var<storage, read_write> indices: array<i32>;' : ''}
var<workgroup> sv: array<${v}, ${WORKGROUP}>;
var<workgroup> sx: array<i32, ${WORKGROUP}>;
${combineFn(op, dtype)}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= md(0u)) { return; }
  let n = md(1u);
  var off = mdi(2u);
${outer > 0 ? decompose('row', outer, fixed, [{ name: 'off', stridesAt: fixed + outer }]) : ''}
  let step = mdi(${fixed + outer + rank - 1}u);
  let none = Pair(${identity(op, dtype)}, -1);
  var carry = none;
  var local: array<Pair, ${SCAN_PER_THREAD}>;
  for (var base = 0u; base < n; base += ${SCAN_TILE}u) {
    var acc = none;
    for (var e = 0u; e < ${SCAN_PER_THREAD}u; e++) {
      let pos = base + lid.x * ${SCAN_PER_THREAD}u + e;
      if (pos < n) { acc = combine(acc, Pair(src[u32(off + i32(pos) * step)], i32(pos))); }
      local[e] = acc;
    }
    sv[lid.x] = acc.v;
    sx[lid.x] = acc.i;
    workgroupBarrier();
    for (var s = 1u; s < ${WORKGROUP}u; s = s << 1u) {
      var earlier = none;
      if (lid.x >= s) { earlier = Pair(sv[lid.x - s], sx[lid.x - s]); }
      workgroupBarrier();
      if (lid.x >= s) {
        let mine = combine(earlier, Pair(sv[lid.x], sx[lid.x]));
        sv[lid.x] = mine.v;
        sx[lid.x] = mine.i;
      }
      workgroupBarrier();
    }
    var prefix = carry;
    if (lid.x > 0u) { prefix = combine(carry, Pair(sv[lid.x - 1u], sx[lid.x - 1u])); }
    for (var e = 0u; e < ${SCAN_PER_THREAD}u; e++) {
      let pos = base + lid.x * ${SCAN_PER_THREAD}u + e;
      if (pos < n) {
        let r = combine(prefix, local[e]);
        out[md(3u) + row * n + pos] = r.v;
${withIndices ? '        indices[md(4u) + row * n + pos] = r.i;' : ''}
      }
    }
    let total = Pair(sv[${WORKGROUP - 1}u], sx[${WORKGROUP - 1}u]);
    workgroupBarrier();
    carry = combine(carry, total);
  }
}
`;
}

function shortScanSource(op: ScanOp, dtype: DType, rank: number, withIndices: boolean): string {
  const v = storageType(dtype);
  const outer = rank - 1;
  const fixed = 5;
  return `${PRELUDE}
${metaDecl(fixed + outer + rank)}
@group(0) @binding(1) var<storage, read> src: array<${v}>;
@group(0) @binding(2) var<storage, read_write> out: array<${v}>;
${withIndices ? '@group(0) @binding(3) var<storage, read_write> indices: array<i32>;' : ''}
${combineFn(op, dtype)}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let row = ${LINEAR_ID};
  if (row >= md(0u)) { return; }
  let n = md(1u);
  var off = mdi(2u);
${outer > 0 ? decompose('row', outer, fixed, [{ name: 'off', stridesAt: fixed + outer }]) : ''}
  let step = mdi(${fixed + outer + rank - 1}u);
  var acc = Pair(${identity(op, dtype)}, -1);
  for (var j = 0u; j < n; j++) {
    acc = combine(acc, Pair(src[u32(off + i32(j) * step)], i32(j)));
    out[md(3u) + row * n + j] = acc.v;
${withIndices ? '    indices[md(4u) + row * n + j] = acc.i;' : ''}
  }
}
`;
}
