/**
 * Reductions of few long rows across the whole GPU, in two deterministic passes: each row is cut
 * into `parts` chunks, one workgroup per (row, chunk) writes a partial result into a temporary
 * buffer, then one workgroup per row combines its partials (in a fixed tree order) and applies the
 * epilogue. Rows contiguous in memory are read without index arithmetic, a vec4 at a time where
 * every row starts at a multiple of 4 elements.
 */
import type { DType } from '../../../core/dtype';
import type { View } from '../../backend';
import { emitExpr } from './elementwise';
import { COMBINE, elementPart, finishPart, identity } from './reduce';
import { accDtype, reduceLayout, rowStep, type ReducePlan } from './reduce-plan';
import { convert, decompose, ENTRY_ARGS, metaDecl, PRELUDE, storageType, storeValue, valueType } from '../wgsl-common';
import { SPLIT_TUNING, WORKGROUP } from '../tuning';

/** How the partial pass reads a row: vec4s, flat scalars from the row's start, or by strides. */
export type RowMode = 'v4' | 'flat' | 'strided';

export interface SplitPlan {
  parts: number;
  mode: RowMode;
  /** Elements (vec4s in 'v4' mode) each part covers. */
  chunk: number;
}

/** Whether every row of a leaf starts at a multiple of 4 elements. */
function rowsAligned(view: Pick<View, 'strides' | 'offset'>, shape: readonly number[], kept: number): boolean {
  return view.offset % 4 === 0 && shape.slice(0, kept).every((s, d) => s === 1 || view.strides[d] % 4 === 0);
}

/**
 * Whether (and how) to split: only with rows long enough for two chunks and too few rows to fill
 * the GPU one workgroup per row. `metaWords` is the plain kernel's metadata (two words are added).
 */
export function planSplit(
  outputs: number,
  inner: number,
  shape: readonly number[],
  kept: number,
  leaves: readonly Pick<View, 'strides' | 'offset'>[],
  metaWords: number,
): SplitPlan | null {
  const { minChunk, targetGroups } = SPLIT_TUNING;
  const parts = Math.min(Math.ceil(targetGroups / outputs), Math.floor(inner / minChunk));
  if (parts < 2 || metaWords + 2 > 64) return null;
  const contiguous = leaves.every((v) => rowStep(v, shape, kept) === 1);
  const mode: RowMode = !contiguous ? 'strided' : leaves.every((v) => rowsAligned(v, shape, kept)) ? 'v4' : 'flat';
  const chunk = Math.ceil((mode === 'v4' ? inner >> 2 : inner) / parts);
  return { parts, mode, chunk };
}

/** The tree reduction of `partial` (one value per thread) that both passes end with. */
function tree(plan: ReducePlan): string {
  return `  partial[t] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { partial[t] = ${COMBINE[plan.op]('partial[t]', 'partial[t + s]')}; }
    workgroupBarrier();
  }`;
}

/**
 * Pass 1: workgroup g reduces chunk g % parts of row g / parts into partials[g].
 * Metadata: the plain kernel's words, then [parts, chunk].
 */
export function splitPartialSource(plan: ReducePlan, mode: RowMode): string {
  const { op, kept, source } = plan;
  const acc = accDtype(plan);
  const { leafAt, srcScalarsAt, metaWords } = reduceLayout(plan);
  const [partsAt, chunkAt] = [metaWords, metaWords + 1];
  const n = source.dtypes.length;
  const bindings = source.dtypes.map((dt, k) => {
    const t = storageType(dt);
    return `@group(0) @binding(${k + 1}) var<storage, read> src${k}: array<${mode === 'v4' ? `vec4<${t}>` : t}>;`;
  });
  bindings.push(`@group(0) @binding(${n + 1}) var<storage, read_write> partials: array<${storageType(acc)}>;`);
  // Each element is evaluated once (COMBINE may name its operand several times).
  const combine = (x: string) => `{ let e = ${x}; acc = ${COMBINE[op]('acc', 'e')}; }`;
  let helpers: string;
  let loop: string;
  if (mode === 'strided') {
    helpers = elementPart(plan);
    loop = `    let start = p * md(${chunkAt}u);
    let end = min(start + md(${chunkAt}u), md(1u));
    for (var j = start + t; j < end; j += ${WORKGROUP}u) { ${combine('element(o, j)')} }`;
  } else {
    // The source expression as a function of its leaves' values.
    const lines: string[] = [];
    const result = emitExpr(source.expr, { loads: source.dtypes.map((_, k) => `x${k}`), scalarsAt: srcScalarsAt }, lines);
    helpers = `fn value(${source.dtypes.map((dt, k) => `x${k}: ${valueType(dt)}`).join(', ')}) -> ${valueType(acc)} {
${lines.join('\n')}
  return ${convert(result, source.expr.dtype, acc)};
}`;
    const arg = (k: number, word: string) => (source.dtypes[k] === 'bool' ? `(${word} != 0u)` : word);
    const call = (word: (k: number) => string) => `value(${source.dtypes.map((_, k) => arg(k, word(k))).join(', ')})`;
    const rowStart = `${source.dtypes.map((_, k) => `    var off${k} = mdi(${leafAt(k)}u);`).join('\n')}
${decompose(
  'o',
  kept,
  3,
  source.dtypes.map((_, k) => ({ name: `off${k}`, stridesAt: leafAt(k) + 1 })),
)}`;
    if (mode === 'flat') {
      loop = `${rowStart}
    let start = p * md(${chunkAt}u);
    let end = min(start + md(${chunkAt}u), md(1u));
    for (var j = start + t; j < end; j += ${WORKGROUP}u) { ${combine(call((k) => `src${k}[u32(off${k}) + j]`))} }`;
    } else {
      const lanes = ['x', 'y', 'z', 'w'].map((c) => combine(call((k) => `a${k}.${c}`))).join(' ');
      loop = `${rowStart}
${source.dtypes.map((_, k) => `    let base${k} = u32(off${k}) >> 2u;`).join('\n')}
    let inner4 = md(1u) >> 2u;
    let start = p * md(${chunkAt}u);
    let end = min(start + md(${chunkAt}u), inner4);
    for (var q = start + t; q < end; q += ${WORKGROUP}u) {
${source.dtypes.map((_, k) => `      let a${k} = src${k}[base${k} + q];`).join('\n')}
      ${lanes}
    }
    // The last n % 4 elements of the row, one per thread of part 0.
    if (p == 0u && t < (md(1u) & 3u)) {
      let j = inner4 * 4u + t;
      ${combine(call((k) => `src${k}[base${k} + (j >> 2u)][j & 3u]`))}
    }`;
    }
  }
  return `${PRELUDE}
${metaDecl(metaWords + 2)}
${bindings.join('\n')}
${helpers}
var<workgroup> partial: array<${valueType(acc)}, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let g = wid.y * nwg.x + wid.x;
  let parts = md(${partsAt}u);
  let o = g / parts;
  let p = g % parts;
  let t = lid.x;
  var acc = ${identity(op, acc)};
  if (o < md(0u)) {
${loop}
  }
${tree(plan)}
  if (t == 0u && o < md(0u)) { partials[g] = partial[0]; }
}
`;
}

/**
 * Pass 2: workgroup o combines partials[o * parts ..] and stores the row's result (through the
 * epilogue). Bindings: partials, epilogue leaves, out. Metadata: as pass 1.
 */
export function splitFinalSource(plan: ReducePlan): string {
  const { op, epilogue, outDtype } = plan;
  const acc = accDtype(plan);
  const { metaWords } = reduceLayout(plan);
  const epi = epilogue?.dtypes ?? [];
  const bindings = [
    `@group(0) @binding(1) var<storage, read> partials: array<${storageType(acc)}>;`,
    ...epi.map((dt, k) => `@group(0) @binding(${k + 2}) var<storage, read> epi${k}: array<${storageType(dt)}>;`),
    `@group(0) @binding(${epi.length + 2}) var<storage, read_write> out: array<${storageType(outDtype)}>;`,
  ];
  const { fn, call } = finishPart(plan);
  return `${PRELUDE}
${metaDecl(metaWords + 2)}
${bindings.join('\n')}
${fn}
var<workgroup> partial: array<${valueType(acc)}, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let o = wid.y * nwg.x + wid.x;
  let t = lid.x;
  let parts = md(${metaWords}u);
  var acc = ${identity(op, acc)};
  if (o < md(0u)) {
    for (var p = t; p < parts; p += ${WORKGROUP}u) { let e = partials[o * parts + p]; acc = ${COMBINE[op]('acc', 'e')}; }
  }
${tree(plan)}
  if (t == 0u && o < md(0u)) { out[md(2u) + o] = ${storeValue(call.replace(/\bacc\b/g, 'partial[0]'), outDtype)}; }
}
`;
}

/** The dtype of the temporary buffer of partial results. */
export function partialDtype(plan: ReducePlan): DType {
  return accDtype(plan);
}
