/**
 * One WGSL kernel for an elementwise expression over strided inputs. Inputs that are contiguous in
 * the output's order are read by the flat index; broadcast scalars by their offset; the rest
 * through their strides, so views never need a copy first.
 */
import type { DType } from '../../../core/dtype';
import { contiguousStrides, isContiguous } from '../../../core/shape';
import type { Expr } from '../../../ops/op-types';
import type { View } from '../../backend';
import { WGSL_BINARY, WGSL_UNARY } from '../wgsl-ops';
import { convert, ENTRY_ARGS, LINEAR_ID, literal, load, metaDecl, PRELUDE, storageType, storeValue, WORKGROUP } from '../wgsl-common';

/** How a kernel addresses one operand. */
type Mode = 'flat' | 'scalar' | 'strided';
const MODE_CODE: Record<Mode, string> = { flat: 'f', scalar: 'c', strided: 's' };

function modeOf(view: Pick<View, 'shape' | 'strides'>, outShape: readonly number[]): Mode {
  if (view.strides.every((s, d) => s === 0 || outShape[d] === 1)) return 'scalar';
  const flat = contiguousStrides(outShape);
  return view.strides.every((s, d) => s === flat[d] || outShape[d] === 1) ? 'flat' : 'strided';
}

export interface ElementwisePlan {
  key: string;
  modes: Mode[];
  outMode: Mode;
  meta: number[];
}

/** Decides addressing modes and the metadata words; `key` identifies the kernel source. */
export function planElementwise(exprKeyText: string, inputs: readonly View[], out: View, scalars: readonly number[]): ElementwisePlan {
  const shape = out.shape;
  const rank = shape.length;
  const n = shape.reduce((a, b) => a * b, 1);
  const outMode: Mode = isContiguous(shape, out.strides) ? 'flat' : 'strided';
  const modes = inputs.map((v) => modeOf(v, shape));
  const meta = [n, out.offset, ...shape];
  if (outMode === 'strided') meta.push(...out.strides);
  inputs.forEach((v, k) => {
    meta.push(v.offset);
    if (modes[k] === 'strided') meta.push(...v.strides);
  });
  meta.push(...scalars.map(floatBits));
  const dtypes = inputs.map((v) => v.dtype[0]).join('');
  const key = `ew|${exprKeyText}|r${rank}|${MODE_CODE[outMode]}${out.dtype}|${modes.map((m) => MODE_CODE[m]).join('')}|${dtypes}`;
  return { key, modes, outMode, meta };
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
    body.push(...offs, '  var rem = i;', `  for (var d = ${rank - 1}; d >= 0; d--) {`, '    let size = md(2u + u32(d));', '    let c = i32(rem % size);', '    rem = rem / size;');
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
