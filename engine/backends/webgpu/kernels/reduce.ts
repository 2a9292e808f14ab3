/**
 * Reductions of the trailing dims of a strided view. Short rows: one invocation per output.
 * Long rows: one workgroup per output, with a tree reduction in workgroup memory. The output
 * offset's top bit flags rows contiguous in every leaf (read from each row's start, no index
 * arithmetic per element).
 * Few long rows are split across workgroups instead (reduce-split.ts).
 */
import type { DType } from '../../../core/dtype';
import type { ArgReduceOp, ReduceOp } from '../../../ops/op-types';
import { emitExpr } from './elementwise';
import { accDtype, reduceLayout, type ReducePlan } from './reduce-plan';
import { convert, decompose, ENTRY_ARGS, LINEAR_ID, literal, load, metaDecl, PRELUDE, storageType, storeValue, valueType } from '../wgsl-common';
import { REDUCE_TUNING, WORKGROUP } from '../tuning';

export const COMBINE: { [P in ReduceOp]: (acc: string, x: string) => string } = {
  sum: (acc, x) => `${acc} + ${x}`,
  prod: (acc, x) => `${acc} * ${x}`,
  // A NaN wins (tested by its bits: a compiler may take x != x as false); ints are never NaN.
  max: (acc, x) => `select(${acc}, ${x}, ${x} > ${acc} || wick_isnan(f32(${x})))`,
  min: (acc, x) => `select(${acc}, ${x}, ${x} < ${acc} || wick_isnan(f32(${x})))`,
};

export function identity(op: ReduceOp, t: DType): string {
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
 * WGSL `fn finish(o, acc)` applying the epilogue (reading `epi{k}` bindings), or '' without one;
 * `call` is the expression giving the stored value of `acc` for output `o`.
 */
export function finishPart(plan: ReducePlan): { fn: string; call: string } {
  const { kept, epilogue, outDtype } = plan;
  const acc = accDtype(plan);
  if (!epilogue) return { fn: '', call: convert('acc', acc, outDtype) };
  const { epiAt, epiScalarsAt } = reduceLayout(plan);
  const epiLines: string[] = [];
  const epiOffsets = epilogue.dtypes.map((_, k) => `  var e${k} = mdi(${epiAt(k)}u);`).join('\n');
  const loop = `
  var re = o;
  for (var d = ${kept - 1}; d >= 0; d--) {
    let size = md(3u + u32(d));
    let c = i32(re % size);
    re = re / size;
${epilogue.dtypes.map((_, k) => `    e${k} += c * mdi(${epiAt(k) + 1}u + u32(d));`).join('\n')}
  }`;
  const loads = ['acc', ...epilogue.dtypes.map((dt, k) => load(`epi${k}`, `u32(e${k})`, dt))];
  const result = emitExpr(epilogue.expr, { loads, scalarsAt: epiScalarsAt }, epiLines);
  const fn = `fn finish(o: u32, acc: ${valueType(acc)}) -> ${valueType(outDtype)} {
${epiOffsets}${loop}
${epiLines.join('\n')}
  return ${result};
}`;
  return { fn, call: 'finish(o, acc)' };
}

/** WGSL adding, for dims [from, to) of the flat index `idx`, coordinate times stride to `off{k}`. */
function walk(v: string, from: number, to: number, idx: string, count: number, at: (k: number) => number): string {
  return `
  var r${v} = ${idx};
  for (var d = ${to - 1}; d >= ${from}; d--) {
    let size = md(3u + u32(d));
    let c = i32(r${v} % size);
    r${v} = r${v} / size;
${Array.from({ length: count }, (_, k) => `    off${k} += c * mdi(${at(k) + 1}u + u32(d));`).join('\n')}
  }`;
}

/** WGSL `fn element(o, j)`: the source expression at output o, reduced index j, as the accumulator type. */
export function elementPart(plan: ReducePlan): string {
  const { rank, kept, source } = plan;
  const acc = accDtype(plan);
  const { leafAt, srcScalarsAt } = reduceLayout(plan);
  const n = source.dtypes.length;
  const lines: string[] = [];
  const value = emitExpr(source.expr, { loads: source.dtypes.map((dt, k) => load(`src${k}`, `u32(off${k})`, dt)), scalarsAt: srcScalarsAt }, lines);
  return `fn element(o: u32, j: u32) -> ${valueType(acc)} {
${source.dtypes.map((_, k) => `  var off${k} = mdi(${leafAt(k)}u);`).join('\n')}${walk('o', 0, kept, 'o', n, leafAt)}${walk('i', kept, rank, 'j', n, leafAt)}
${lines.join('\n')}
  return ${convert(value, source.expr.dtype, acc)};
}`;
}

/**
 * WGSL `fn flatElement(j, b0, ..)`: the source expression at reduced index j of rows that start
 * at b{k} in each leaf and are contiguous, or, in a plan with row steps (`fn flatElement(j, b0,
 * s0, ..)`), step by s{k}: 1 where contiguous, 0 where a leaf is one value along the row (a row's
 * value broadcast). No index arithmetic per element either way.
 */
function flatElementPart(plan: ReducePlan): string {
  const { source } = plan;
  const acc = accDtype(plan);
  const lines: string[] = [];
  const at = (k: number) => (plan.rowSteps ? `b${k} + j * s${k}` : `b${k} + j`);
  const value = emitExpr(source.expr, { loads: source.dtypes.map((dt, k) => load(`src${k}`, at(k), dt)), scalarsAt: reduceLayout(plan).srcScalarsAt }, lines);
  return `fn flatElement(j: u32, ${source.dtypes.map((_, k) => (plan.rowSteps ? `b${k}: u32, s${k}: u32` : `b${k}: u32`)).join(', ')}) -> ${valueType(acc)} {
${lines.join('\n')}
  return ${convert(value, source.expr.dtype, acc)};
}`;
}

/**
 * WGSL declaring `off{k}` (a row's start in each leaf) and, with `steps`, `s{k}` (its step along
 * the row) for output `o`, the leaves' metadata at `at(k)`: the step is the last dim's stride,
 * which the host sets to 1 or 0 for flat rows (see markFlatRows).
 */
function flatStarts(rank: number, kept: number, count: number, at: (k: number) => number, steps: boolean): string {
  const starts = Array.from({ length: count }, (_, k) => `  var off${k} = mdi(${at(k)}u);${steps ? `\n  let s${k} = md(${at(k) + rank}u);` : ''}`).join('\n');
  return `${starts}\n${decompose(
    'o',
    kept,
    3,
    Array.from({ length: count }, (_, k) => ({ name: `off${k}`, stridesAt: at(k) + 1 })),
  )}`;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** WGSL combining e0..e{n-1} pairwise into `p` (n a power of two). */
function pairwise(c: (a: string, b: string) => string, n: number): string {
  const lines: string[] = [];
  let names = Array.from({ length: n }, (_, i) => `e${i}`);
  for (let level = 0; names.length > 1; level++) {
    const next: string[] = [];
    for (let i = 0; i < names.length; i += 2) {
      const name = names.length === 2 ? 'p' : `p${level}_${i / 2}`;
      lines.push(`    let ${name} = ${c(names[i], names[i + 1])};`);
      next.push(name);
    }
    names = next;
  }
  if (n === 1) lines.push('    let p = e0;');
  return lines.join('\n');
}

/**
 * The reduction loop of output o over j = first, first + step, ..: without index arithmetic where
 * the top bit of metadata word 2 (the output offset) says every leaf's rows are flat (contiguous,
 * or one value along the row), else by strides.
 */
function rowLoop(plan: ReducePlan, first: string, step: string, indent: string): string {
  const { op, rank, kept, source } = plan;
  const { leafAt } = reduceLayout(plan);
  const c = COMBINE[op];
  const combine = (x: string) => `{ let e = ${x}; acc = ${c('acc', 'e')}; }`;
  const bases = source.dtypes.map((_, k) => (plan.rowSteps ? `u32(off${k}), s${k}` : `u32(off${k})`)).join(', ');
  // Flat rows: REDUCE_TUNING.unroll values in flight per invocation before they are combined
  // (pairwise), in steps of the largest count that fits the row, then the rest one by one.
  const unrolled = REDUCE_TUNING.unroll
    .map(
      (u) => `  for (; j + ${u - 1}u * ${step} < md(1u); j += ${u}u * ${step}) {
${Array.from({ length: u }, (_, i) => `    let e${i} = flatElement(j${i ? ` + ${i}u * ${step}` : ''}, ${bases});`).join('\n')}
${pairwise(c, u)}
    acc = ${c('acc', 'p')};
  }
`,
    )
    .join('');
  const text = `if ((md(2u) >> 31u) != 0u) {
${flatStarts(rank, kept, source.dtypes.length, leafAt, !!plan.rowSteps)}
  var j = ${first};
${unrolled}  for (; j < md(1u); j += ${step}) ${combine(`flatElement(j, ${bases})`)}
} else {
  for (var j = ${first}; j < md(1u); j += ${step}) ${combine('element(o, j)')}
}`;
  return text
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
}

export function reduceSource(plan: ReducePlan): string {
  const { op, rank, kept, source, epilogue, post, outDtype, longRows } = plan;
  const acc = accDtype(plan);
  const { postLeafAt, postOutAt, postScalarsAt, metaWords } = reduceLayout(plan);
  const srcBindings = source.dtypes.map((dt, k) => `@group(0) @binding(${k + 1}) var<storage, read> src${k}: array<${storageType(dt)}>;`);
  const epiBindings = (epilogue?.dtypes ?? []).map(
    (dt, k) => `@group(0) @binding(${source.dtypes.length + 1 + k}) var<storage, read> epi${k}: array<${storageType(dt)}>;`,
  );
  const outIndex = source.dtypes.length + (epilogue?.dtypes.length ?? 0) + 1;
  const outBinding = `@group(0) @binding(${outIndex}) var<storage, read_write> out: array<${storageType(outDtype)}>;`;
  const postBindings = post
    ? [
        ...post.dtypes.map((dt, k) => `@group(0) @binding(${outIndex + 1 + k}) var<storage, read> post${k}: array<${storageType(dt)}>;`),
        `@group(0) @binding(${outIndex + 1 + post.dtypes.length}) var<storage, read_write> pout: array<${storageType(post.outDtype)}>;`,
      ]
    : [];
  const element = elementPart(plan);
  const { fn: epilogueFn, call: finish } = finishPart(plan);
  let postFn = '';
  if (post) {
    const postLines: string[] = [];
    const loads = ['row', ...post.dtypes.map((dt, k) => load(`post${k}`, `u32(off${k})`, dt))];
    const result = emitExpr(post.expr, { loads, scalarsAt: postScalarsAt }, postLines);
    const flatLines: string[] = [];
    const flatLoads = ['row', ...post.dtypes.map((dt, k) => load(`post${k}`, plan.rowSteps ? `b${k} + j * s${k}` : `b${k} + j`, dt))];
    const flatResult = emitExpr(post.expr, { loads: flatLoads, scalarsAt: postScalarsAt }, flatLines);
    postFn = `fn post(o: u32, j: u32, row: ${valueType(outDtype)}) {
${post.dtypes.map((_, k) => `  var off${k} = mdi(${postLeafAt(k)}u);`).join('\n')}${walk('o', 0, kept, 'o', post.dtypes.length, postLeafAt)}${walk('i', kept, rank, 'j', post.dtypes.length, postLeafAt)}
${postLines.join('\n')}
  pout[md(${postOutAt}u) + o * md(1u) + j] = ${storeValue(result, post.outDtype)};
}
fn flatPost(j: u32, row: ${valueType(outDtype)}, ${post.dtypes.map((_, k) => (plan.rowSteps ? `b${k}: u32, s${k}: u32` : `b${k}: u32`)).join(', ')}) -> ${storageType(post.outDtype)} {
${flatLines.join('\n')}
  return ${storeValue(flatResult, post.outDtype)};
}
var<workgroup> rowValue: ${valueType(outDtype)};`;
  }
  const header = `${PRELUDE}
${metaDecl(metaWords)}
${[...srcBindings, ...epiBindings, outBinding, ...postBindings].join('\n')}
${element}
${flatElementPart(plan)}
${epilogueFn}
${postFn}`;
  const store = (v: string) => `out[(md(2u) & 0x7fffffffu) + o] = ${storeValue(finish.replace(/\bacc\b/g, v), outDtype)};`;
  /** The post step over row o's elements j = first, first + step, .., reading the row's value `row`. */
  const postLoop = (first: string, step: string, indent: string) => {
    if (!post) return '';
    const bases = post.dtypes.map((_, k) => (plan.rowSteps ? `u32(off${k}), s${k}` : `u32(off${k})`)).join(', ');
    // As rowLoop: the values of REDUCE_TUNING.unroll elements worked out (their loads in flight) before they are stored.
    const unrolled = REDUCE_TUNING.unroll
      .map(
        (u) => `  for (; j + ${u - 1}u * ${step} < md(1u); j += ${u}u * ${step}) {
${range(u)
  .map((i) => `    let v${i} = flatPost(j${i ? ` + ${i}u * ${step}` : ''}, row, ${bases});`)
  .join('\n')}
${range(u)
  .map((i) => `    pout[ob + j${i ? ` + ${i}u * ${step}` : ''}] = v${i};`)
  .join('\n')}
  }\n`,
      )
      .join('');
    const text = `if ((md(2u) >> 31u) != 0u) {
${flatStarts(rank, kept, post.dtypes.length, postLeafAt, !!plan.rowSteps)}
  let ob = md(${postOutAt}u) + o * md(1u);
  var j = ${first};
${unrolled}  for (; j < md(1u); j += ${step}) { pout[ob + j] = flatPost(j, row, ${bases}); }
} else {
  for (var j = ${first}; j < md(1u); j += ${step}) { post(o, j, row); }
}`;
    return text
      .split('\n')
      .map((line) => indent + line)
      .join('\n');
  };
  if (!longRows) {
    // Short rows: one invocation per row, the post step (if any) over the row after its value.
    return `${header}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let o = ${LINEAR_ID};
  if (o >= md(0u)) { return; }
  var acc = ${identity(op, acc)};
${rowLoop(plan, '0u', '1u', '  ')}
${
  post
    ? `  let row: ${valueType(outDtype)} = ${finish};
  out[(md(2u) & 0x7fffffffu) + o] = ${storeValue('row', outDtype)};
${postLoop('0u', '1u', '  ')}`
    : `  ${store('acc')}`
}
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
${rowLoop(plan, 't', `${WORKGROUP}u`, '    ')}
  }
  partial[t] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { partial[t] = ${COMBINE[op]('partial[t]', 'partial[t + s]')}; }
    workgroupBarrier();
  }
  ${
    post
      ? `if (t == 0u && o < md(0u)) { rowValue = ${finish.replace(/\bacc\b/g, 'partial[0]')}; out[(md(2u) & 0x7fffffffu) + o] = ${storeValue('rowValue', outDtype)}; }
  workgroupBarrier();
  if (o < md(0u)) {
    let row = rowValue;
${postLoop('t', `${WORKGROUP}u`, '    ')}
  }`
      : `if (t == 0u && o < md(0u)) { ${store('partial[0]')} }`
  }
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
  const cmp = dtype === 'bool' ? `select(0, 1, x) ${better} select(0, 1, best)` : `x ${better} best || (wick_isnan(f32(x)) && !wick_isnan(f32(best)))`;
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
${decompose('r', outer, 5, [{ name: 'off', stridesAt: 5 + outer }])}
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
${decompose('r', outer, 4, [{ name: 'off', stridesAt: 4 + outer }])}
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
