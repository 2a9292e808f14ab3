/**
 * One WGSL kernel for an elementwise expression over strided inputs. Inputs that are contiguous in
 * the output's order are read by the flat index; broadcast scalars by their offset; the rest
 * through their strides, so views never need a copy first.
 */
import type { DType } from '../../../core/dtype';
import { isContiguous } from '../../../core/shape';
import type { Expr } from '../../../ops/op-types';
import type { View } from '../../backend';
import { WGSL_BINARY, WGSL_UNARY } from '../wgsl-ops';
import { grid1d } from '../dispatcher';
import { convert, ENTRY_ARGS, LINEAR_ID, literal, load, metaDecl, PRELUDE, storageType, storeValue, valueType } from '../wgsl-common';
import { EW_TUNING, WORKGROUP } from '../tuning';

/** How a kernel addresses one operand. */
type Mode = 'flat' | 'scalar' | 'strided';
const MODE_CODE: Record<Mode, string> = { flat: 'f', scalar: 'c', strided: 's' };

function modeOf(view: Pick<View, 'shape' | 'strides'>, outShape: readonly number[]): Mode {
  let scalar = true;
  for (let d = 0; d < outShape.length; d++) if (view.strides[d] !== 0 && outShape[d] !== 1) scalar = false;
  if (scalar) return 'scalar';
  return isContiguous(outShape, view.strides) ? 'flat' : 'strided';
}

export interface ElementwisePlan {
  key: string;
  modes: Mode[];
  outMode: Mode;
  meta: number[];
  /**
   * vec4 loads and stores in a grid-stride loop, where every operand is flat, a broadcast scalar,
   * or a broadcast row (a contiguous trailing block repeated), with vec4-aligned offsets and rows.
   */
  vec4: boolean;
  /** How the vec4 kernel reads each input. */
  lanes: Lane[];
}

type Lane = 'flat' | 'scalar' | 'row';

/** Elements in a broadcast row of `view` (a contiguous block of its trailing dims, repeated), or 0. */
function rowLength(view: Pick<View, 'strides'>, shape: readonly number[]): number {
  let expected = 1;
  let d = shape.length - 1;
  for (; d >= 0 && (shape[d] === 1 || view.strides[d] === expected); d--) expected *= shape[d];
  for (let e = d; e >= 0; e--) if (shape[e] !== 1 && view.strides[e] !== 0) return 0;
  return expected;
}

/** The vec4 lane of each input, or null where some input cannot be read a vec4 at a time. */
function lanesOf(inputs: readonly View[], modes: readonly Mode[], shape: readonly number[]): Lane[] | null {
  const lanes: Lane[] = [];
  for (const [k, v] of inputs.entries()) {
    if (modes[k] === 'scalar') lanes.push('scalar');
    else if (!aligned(v.offset)) return null;
    else if (modes[k] === 'flat') lanes.push('flat');
    else {
      const row = rowLength(v, shape);
      if (row === 0 || row % 4 !== 0) return null;
      lanes.push('row');
    }
  }
  return lanes;
}

const aligned = (offset: number) => offset % 4 === 0;

/**
 * Plan keys by expression key, then by a number coding the rest of the key (see keySignature):
 * the key string is built once per kind of call, not per op.
 */
const planKeys = new Map<string, Map<number, string>>();
const MODE_NUMBER: Record<Mode, number> = { flat: 0, scalar: 1, strided: 2 };
const LANE_NUMBER: Record<Lane, number> = { flat: 0, scalar: 1, row: 2 };
const DTYPE_NUMBER: Record<DType, number> = { float32: 0, int32: 1, bool: 2, float16: 3 };

/**
 * A number for what a plan's key says beside the expression (vec4 or not, rank, the output's mode
 * and dtype, each input's mode or lane and dtype), or null past 8 inputs or rank 63 (where it could collide or overflow).
 */
function keySignature(vec4: boolean, rank: number, outMode: Mode, outDtype: DType, codes: readonly number[], inputs: readonly View[]): number | null {
  if (inputs.length > 8 || rank > 63) return null;
  let sig = ((vec4 ? 3 : MODE_NUMBER[outMode]) * 64 + rank) * 4 + DTYPE_NUMBER[outDtype];
  for (let k = 0; k < inputs.length; k++) sig = sig * 16 + codes[k] * 4 + DTYPE_NUMBER[inputs[k].dtype];
  return sig;
}

const dtypeLetters = (inputs: readonly View[]) => inputs.map((v) => v.dtype[0]).join('');

function planKey(exprKeyText: string, sig: number | null, build: () => string): string {
  if (sig === null) return build();
  let bySig = planKeys.get(exprKeyText);
  if (!bySig) planKeys.set(exprKeyText, (bySig = new Map()));
  let key = bySig.get(sig);
  if (key === undefined) bySig.set(sig, (key = build()));
  return key;
}

/** Decides addressing modes and the metadata words; `key` identifies the kernel source. */
export function planElementwise(exprKeyText: string, inputs: readonly View[], out: View, scalars: readonly number[]): ElementwisePlan {
  const shape = out.shape;
  const rank = shape.length;
  let n = 1;
  for (let d = 0; d < rank; d++) n *= shape[d];
  const outMode: Mode = isContiguous(shape, out.strides) ? 'flat' : 'strided';
  const modes = inputs.map((v) => modeOf(v, shape));
  // One element: no vec4 lanes, so an input bound to the same buffer as out (an in-place op on a
  // one-element tensor) has out's WGSL type, array<T>, and may alias it (#23).
  const lanes = outMode === 'flat' && aligned(out.offset) && n > 1 ? lanesOf(inputs, modes, shape) : null;
  if (lanes) {
    // Two words per input: its offset (in vec4s unless a scalar) and its row's vec4 count; no
    // shape: the kernel never decomposes an index.
    const meta = [n, out.offset / 4];
    for (let k = 0; k < inputs.length; k++) {
      const v = inputs[k];
      if (lanes[k] === 'scalar') meta.push(v.offset, 0);
      else meta.push(v.offset / 4, lanes[k] === 'row' ? rowLength(v, shape) / 4 : 0);
    }
    for (const s of scalars) meta.push(floatBits(s));
    const sig = keySignature(
      true,
      rank,
      outMode,
      out.dtype,
      lanes.map((l) => LANE_NUMBER[l]),
      inputs,
    );
    const key = planKey(exprKeyText, sig, () => `ew4|${exprKeyText}|${out.dtype}|${lanes.map((l) => l[0]).join('')}|${dtypeLetters(inputs)}`);
    return { key, modes, outMode, meta, vec4: true, lanes };
  }
  const meta = [n, out.offset, ...shape];
  if (outMode === 'strided') meta.push(...out.strides);
  inputs.forEach((v, k) => {
    meta.push(v.offset);
    if (modes[k] === 'strided') meta.push(...v.strides);
  });
  for (const s of scalars) meta.push(floatBits(s));
  const sig = keySignature(
    false,
    rank,
    outMode,
    out.dtype,
    modes.map((m) => MODE_NUMBER[m]),
    inputs,
  );
  const key = planKey(
    exprKeyText,
    sig,
    () => `ew|${exprKeyText}|r${rank}|${MODE_CODE[outMode]}${out.dtype}|${modes.map((m) => MODE_CODE[m]).join('')}|${dtypeLetters(inputs)}`,
  );
  return { key, modes, outMode, meta, vec4: false, lanes: [] };
}

/** Workgroups for a plan over `n` elements: one thread per element, or per vec4 up to the cap. */
export function elementwiseGroups(plan: ElementwisePlan, n: number): [number, number, number] {
  if (!plan.vec4) return grid1d(n, WORKGROUP);
  const groups = Math.min(Math.ceil(Math.max(1, n >> 2) / WORKGROUP), EW_TUNING.maxGroups);
  return grid1d(groups * WORKGROUP, WORKGROUP);
}

const f32Bits = new Float32Array(1);
const f32Words = new Uint32Array(f32Bits.buffer);

/** A scalar's metadata word: float bits for floats, the integer otherwise. */
export function floatBits(v: number): number {
  f32Bits[0] = v;
  return f32Words[0];
}

/** Where an expression's leaves come from: value expressions of the inputs, the scalars' first word. */
export interface ExprLeaves {
  loads: readonly string[];
  scalarsAt: number;
}

/** Emits `let` statements for the expression tree, returning the name holding its value. */
export function emitExpr(expr: Expr, leaves: ExprLeaves, lines: string[]): string {
  const sub = (e: Expr) => emitExpr(e, leaves, lines);
  let value: string;
  switch (expr.kind) {
    case 'input':
      value = leaves.loads[expr.index];
      break;
    case 'const':
      return literal(expr.value, expr.dtype);
    case 'scalar': {
      const bits = `md(${leaves.scalarsAt + expr.index}u)`;
      value = expr.dtype === 'bool' ? `(bitcast<f32>(${bits}) != 0.0)` : expr.dtype === 'int32' ? `i32(bitcast<f32>(${bits}))` : `bitcast<f32>(${bits})`;
      break;
    }
    case 'unary':
      value = WGSL_UNARY[expr.op](sub(expr.x), expr.x.dtype);
      break;
    case 'binary':
      value = WGSL_BINARY[expr.op](sub(expr.a), sub(expr.b), expr.a.dtype);
      break;
    case 'where':
      value = `select(${sub(expr.b)}, ${sub(expr.a)}, ${sub(expr.cond)})`;
      break;
    case 'cast':
      value = convert(sub(expr.x), expr.x.dtype, expr.dtype);
      break;
  }
  const name = `v${lines.length}`;
  lines.push(`  let ${name} = ${value};`);
  return name;
}

export function elementwiseSource(expr: Expr, plan: ElementwisePlan, inputDtypes: readonly DType[], outDtype: DType, rank: number): string {
  if (plan.vec4) return vec4Source(expr, plan, inputDtypes, outDtype);
  const { modes, outMode } = plan;
  const anyStrided = outMode === 'strided' || modes.includes('strided');
  // Word positions inside the metadata.
  let w = 2 + rank;
  const outStridesAt = w;
  if (outMode === 'strided') w += rank;
  const inputAt = modes.map((m) => {
    const at = w;
    w += m === 'strided' ? 1 + rank : 1;
    return at;
  });
  const bindings = inputDtypes.map((dt, k) => `@group(0) @binding(${k + 1}) var<storage, read> in${k}: array<${storageType(dt)}>;`);
  bindings.push(`@group(0) @binding(${inputDtypes.length + 1}) var<storage, read_write> out: array<${storageType(outDtype)}>;`);
  const body: string[] = [];
  if (anyStrided) {
    const offs = modes.flatMap((m, k) => (m === 'strided' ? [`  var o${k} = mdi(${inputAt[k]}u);`] : []));
    if (outMode === 'strided') offs.push('  var oo = mdi(1u);');
    body.push(
      ...offs,
      '  var rem = i;',
      `  for (var d = ${rank - 1}; d >= 0; d--) {`,
      '    let size = md(2u + u32(d));',
      '    let c = i32(rem % size);',
      '    rem = rem / size;',
    );
    modes.forEach((m, k) => {
      if (m === 'strided') body.push(`    o${k} += c * mdi(${inputAt[k] + 1}u + u32(d));`);
    });
    if (outMode === 'strided') body.push(`    oo += c * mdi(${outStridesAt}u + u32(d));`);
    body.push('  }');
  }
  const loads = modes.map((m, k) => {
    const index = m === 'flat' ? `md(${inputAt[k]}u) + i` : m === 'scalar' ? `md(${inputAt[k]}u)` : `u32(o${k})`;
    return load(`in${k}`, index, inputDtypes[k]);
  });
  const lines: string[] = [];
  const result = emitExpr(expr, { loads, scalarsAt: w }, lines);
  const outIndex = outMode === 'flat' ? 'md(1u) + i' : 'u32(oo)';
  return `${PRELUDE}
${metaDecl(plan.meta.length)}
${bindings.join('\n')}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
${body.join('\n')}
${lines.join('\n')}
  out[${outIndex}] = ${storeValue(result, outDtype)};
}
`;
}

const COMPONENTS = ['x', 'y', 'z', 'w'];

/**
 * The vec4 kernel: each input is flat or a broadcast row (read a vec4 at a time) or a broadcast
 * scalar (read once). The expression is a function of scalars applied to each of the four lanes,
 * so every op keeps its scalar semantics; a grid-stride loop covers the vec4s and thread 0 the
 * last n % 4 elements. Metadata: [n, outOffset / 4, per input: offset (/ 4 unless a scalar) and
 * its row's vec4 count, scalars].
 */
function vec4Source(expr: Expr, plan: ElementwisePlan, inputDtypes: readonly DType[], outDtype: DType): string {
  const { lanes } = plan;
  const bindings = inputDtypes.map((dt, k) => {
    const t = storageType(dt);
    return `@group(0) @binding(${k + 1}) var<storage, read> in${k}: array<${lanes[k] === 'scalar' ? t : `vec4<${t}>`}>;`;
  });
  bindings.push(`@group(0) @binding(${inputDtypes.length + 1}) var<storage, read_write> out: array<vec4<${storageType(outDtype)}>>;`);
  const params = inputDtypes.map((dt, k) => `x${k}: ${valueType(dt)}`).join(', ');
  const lines: string[] = [];
  const result = emitExpr(expr, { loads: inputDtypes.map((_, k) => `x${k}`), scalarsAt: 2 + 2 * inputDtypes.length }, lines);
  // A lane's argument: a vector operand's component (bool words compared with 0), or the scalar.
  const arg = (k: number, lane: (name: string) => string) =>
    lanes[k] === 'scalar' ? `c${k}` : inputDtypes[k] === 'bool' ? `(${lane(`a${k}`)} != 0u)` : lane(`a${k}`);
  const call = (lane: (name: string) => string) => storeValue(`ew(${inputDtypes.map((_, k) => arg(k, lane)).join(', ')})`, outDtype);
  const at = (k: number) => 2 + 2 * k;
  const vecIndex = (k: number) => (lanes[k] === 'row' ? `b${k} + q % r${k}` : `b${k} + q`);
  // Per-input words read once, before the loop: scalars' values, vector operands' bases and rows.
  const scalarLoads = lanes.flatMap((m, k) =>
    m === 'scalar'
      ? [`  let c${k} = ${load(`in${k}`, `md(${at(k)}u)`, inputDtypes[k])};`]
      : [`  let b${k} = md(${at(k)}u);`, ...(m === 'row' ? [`  let r${k} = md(${at(k) + 1}u);`] : [])],
  );
  const vecLoads = lanes.flatMap((m, k) => (m !== 'scalar' ? [`    let a${k} = in${k}[${vecIndex(k)}];`] : []));
  const tailLoads = lanes.flatMap((m, k) => (m !== 'scalar' ? [`      let a${k} = in${k}[${vecIndex(k)}][c];`] : []));
  return `${PRELUDE}
${metaDecl(plan.meta.length)}
${bindings.join('\n')}
fn ew(${params}) -> ${valueType(outDtype)} {
${lines.join('\n')}
  return ${result};
}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let gid = ${LINEAR_ID};
  let stride = nwg.x * nwg.y * ${WORKGROUP}u;
  let n4 = md(0u) >> 2u;
  let base = md(1u);
${scalarLoads.join('\n')}
  for (var q = gid; q < n4; q += stride) {
${vecLoads.join('\n')}
    out[base + q] = vec4<${storageType(outDtype)}>(${COMPONENTS.map((c) => call((a) => `${a}.${c}`)).join(', ')});
  }
  if (gid == 0u) {
    for (var i = n4 * 4u; i < md(0u); i++) {
      let q = i >> 2u;
      let c = i & 3u;
${tailLoads.join('\n')}
      out[base + q][c] = ${call((a) => a)};
    }
  }
}
`;
}
