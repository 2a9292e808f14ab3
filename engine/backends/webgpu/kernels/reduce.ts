/**
 * Reductions of the trailing dims of a strided view. Short rows: one invocation per output.
 * Long rows: one workgroup per output, with a tree reduction in workgroup memory.
 */
import type { DType } from '../../../core/dtype';
import type { ArgReduceOp, ReduceOp } from '../../../ops/op-types';
import { convert, ENTRY_ARGS, LINEAR_ID, literal, load, metaDecl, PRELUDE, storageType, storeValue, valueType, WORKGROUP } from '../wgsl-common';

/** Rows up to this length are reduced by a single invocation. */
export const SHORT_ROW = 64;

const COMBINE: { [P in ReduceOp]: (acc: string, x: string) => string } = {
  sum: (acc, x) => `${acc} + ${x}`,
  prod: (acc, x) => `${acc} * ${x}`,
  max: (acc, x) => `select(${acc}, ${x}, ${x} > ${acc} || ${x} != ${x})`,
  min: (acc, x) => `select(${acc}, ${x}, ${x} < ${acc} || ${x} != ${x})`,
};

function identity(op: ReduceOp, t: DType): string {
  switch (op) {
    case 'sum':
      return literal(0, t);
    case 'prod':
      return literal(1, t);
    case 'max':
      return t === 'int32' ? literal(-2147483648, t) : '(-wick_inf())';
    case 'min':
      return t === 'int32' ? literal(2147483647, t) : 'wick_inf()';
  }
}

/**
 * Metadata: [outputs, inner, offset, outOffset, shape[rank], strides[rank]]. The first `kept` dims
 * index the output; the rest are reduced.
 */
export function reduceSource(op: ReduceOp, inDtype: DType, outDtype: DType, rank: number, kept: number, longRows: boolean): string {
  const acc: DType = outDtype === 'float32' ? 'float32' : 'int32';
  const metaWords = 4 + 2 * rank;
  const offsetOf = (outerVar: string, innerVar: string) => `
  var off = mdi(2u);
  var ro = ${outerVar};
  for (var d = ${kept - 1}; d >= 0; d--) {
    let size = md(4u + u32(d));
    off += i32(ro % size) * mdi(${4 + rank}u + u32(d));
    ro = ro / size;
  }
  var ri = ${innerVar};
  for (var d = ${rank - 1}; d >= ${kept}; d--) {
    let size = md(4u + u32(d));
    off += i32(ri % size) * mdi(${4 + rank}u + u32(d));
    ri = ri / size;
  }`;
  const value = convert(load('src', 'u32(off)', inDtype), inDtype, acc);
  const header = `${PRELUDE}
${metaDecl(metaWords)}
@group(0) @binding(1) var<storage, read> src: array<${storageType(inDtype)}>;
@group(0) @binding(2) var<storage, read_write> out: array<${storageType(outDtype)}>;
fn element(o: u32, j: u32) -> ${valueType(acc)} {${offsetOf('o', 'j')}
  return ${value};
}`;
  const store = (v: string) => `out[md(3u) + o] = ${storeValue(convert(v, acc, outDtype), outDtype)};`;
  if (!longRows) {
    return `${header}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let o = ${LINEAR_ID};
  if (o >= md(0u)) { return; }
  var acc = ${identity(op, acc)};
  for (var j = 0u; j < md(1u); j++) { acc = ${COMBINE[op]('acc', 'element(o, j)')}; }
  ${store('acc')}
}
`;
  }
  return `${header}
var<workgroup> partial: array<${valueType(acc)}, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let o = wid.y * nwg.x + wid.x;
  let t = lid.x;
  var acc = ${identity(op, acc)};
  if (o < md(0u)) {
    for (var j = t; j < md(1u); j += ${WORKGROUP}u) { acc = ${COMBINE[op]('acc', 'element(o, j)')}; }
  }
  partial[t] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { partial[t] = ${COMBINE[op]('partial[t]', 'partial[t + s]')}; }
    workgroupBarrier();
  }
  if (t == 0u && o < md(0u)) { ${store('partial[0]')} }
}
`;
}

/**
 * Arg-reductions along the last dim, one invocation per row; first index wins ties.
 * Metadata: [rows, n, offset, valuesOffset, indicesOffset, shape[rank-1], strides[rank]].
 */
export function argReduceSource(op: ArgReduceOp, dtype: DType, rank: number): string {
  const outer = rank - 1;
  const better = op === 'argmax' ? '>' : '<';
  const v = valueType(dtype);
  const cmp = dtype === 'bool' ? `select(0, 1, x) ${better} select(0, 1, best)` : `x ${better} best || (x != x && best == best)`;
  return `${PRELUDE}
${metaDecl(5 + outer + rank)}
@group(0) @binding(1) var<storage, read> src: array<${storageType(dtype)}>;
@group(0) @binding(2) var<storage, read_write> values: array<${storageType(dtype)}>;
@group(0) @binding(3) var<storage, read_write> indices: array<i32>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let r = ${LINEAR_ID};
  if (r >= md(0u)) { return; }
  var off = mdi(2u);
  var rem = r;
  for (var d = ${outer - 1}; d >= 0; d--) {
    let size = md(5u + u32(d));
    off += i32(rem % size) * mdi(${5 + outer}u + u32(d));
    rem = rem / size;
  }
  let step = mdi(${5 + outer + rank - 1}u);
  var best: ${v} = ${load('src', 'u32(off)', dtype)};
  var bestIndex = 0;
  for (var j = 1; j < i32(md(1u)); j++) {
    let x = ${load('src', 'u32(off + j * step)', dtype)};
    if (${cmp}) { best = x; bestIndex = j; }
  }
  values[md(3u) + r] = ${storeValue('best', dtype)};
  indices[md(4u) + r] = bestIndex;
}
`;
}

/**
 * Inclusive prefix sums along the last dim, one invocation per row, into a contiguous output.
 * Metadata: [rows, n, offset, outOffset, shape[rank-1], strides[rank]].
 */
export function cumsumSource(inDtype: DType, outDtype: DType, rank: number): string {
  const outer = rank - 1;
  const acc = valueType(outDtype);
  return `${PRELUDE}
${metaDecl(4 + outer + rank)}
@group(0) @binding(1) var<storage, read> src: array<${storageType(inDtype)}>;
@group(0) @binding(2) var<storage, read_write> out: array<${storageType(outDtype)}>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let r = ${LINEAR_ID};
  if (r >= md(0u)) { return; }
  var off = mdi(2u);
  var rem = r;
  for (var d = ${outer - 1}; d >= 0; d--) {
    let size = md(4u + u32(d));
    off += i32(rem % size) * mdi(${4 + outer}u + u32(d));
    rem = rem / size;
  }
  let step = mdi(${4 + outer + rank - 1}u);
  let n = md(1u);
  var acc: ${acc} = ${literal(0, outDtype)};
  for (var j = 0u; j < n; j++) {
    acc = acc + ${convert(load('src', 'u32(off + i32(j) * step)', inDtype), inDtype, outDtype)};
    out[md(3u) + r * n + j] = acc;
  }
}
`;
}
