/**
 * In-place updates of same-shaped contiguous tensors (an optimizer step, say): every state buffer
 * is bound once, read_write, and rewritten from the old values; inputs are bound read-only.
 * Metadata: [n, offsets of state then inputs, scalar words].
 */
import type { DType } from '../../../core/dtype';
import type { Expr } from '../../../ops/op-types';
import { ENTRY_ARGS, LINEAR_ID, load, metaDecl, PRELUDE, storageType, storeValue, WORKGROUP } from '../wgsl-common';
import { emitExpr } from './elementwise';

export function updateSource(exprs: readonly Expr[], stateDtypes: readonly DType[], inputDtypes: readonly DType[], scalarCount: number): string {
  const all = [...stateDtypes, ...inputDtypes];
  const bindings = all.map((dt, k) => `@group(0) @binding(${k + 1}) var<storage, ${k < stateDtypes.length ? 'read_write' : 'read'}> b${k}: array<${storageType(dt)}>;`);
  const lines: string[] = all.map((dt, k) => `  let old${k} = ${load(`b${k}`, `md(${k + 1}u) + i`, dt)};`);
  const leaves = { loads: all.map((_, k) => `old${k}`), scalarsAt: 1 + all.length };
  const results = exprs.map((e) => emitExpr(e, leaves, lines));
  const stores = results.map((r, k) => `  b${k}[md(${k + 1}u) + i] = ${storeValue(r, stateDtypes[k])};`);
  return `${PRELUDE}
${metaDecl(1 + all.length + scalarCount)}
${bindings.join('\n')}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
${lines.join('\n')}
${stores.join('\n')}
}
`;
}
