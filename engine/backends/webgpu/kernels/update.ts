/**
 * In-place updates of same-shaped contiguous tensors (an optimizer step, say): every state buffer
 * is bound once, read_write, and rewritten from the old values; inputs are bound read-only and
 * read through their strides when not contiguous (a transposed weight's gradient, say).
 * Metadata: [n, offsets of state then inputs, scalar words, shape[rank], strides of each strided input].
 */
import type { DType } from '../../../core/dtype';
import type { Expr } from '../../../ops/op-types';
import { ENTRY_ARGS, LINEAR_ID, load, metaDecl, PRELUDE, storageType, storeValue } from '../wgsl-common';
import { WORKGROUP } from '../tuning';
import { emitExpr } from './elementwise';

export function updateSource(
  exprs: readonly Expr[],
  stateDtypes: readonly DType[],
  inputDtypes: readonly DType[],
  scalarCount: number,
  strided: readonly boolean[] = [],
  rank = 0,
): string {
  const all = [...stateDtypes, ...inputDtypes];
  const shapeAt = 1 + all.length + scalarCount;
  const stridedInputs = inputDtypes.map((_, k) => k).filter((k) => strided[k]);
  const stridesAt = (k: number) => shapeAt + rank + stridedInputs.indexOf(k) * rank;
  const offsets =
    stridedInputs.length === 0
      ? ''
      : [
          ...stridedInputs.map((k) => `  var o${k} = mdi(${1 + stateDtypes.length + k}u);`),
          '  var rem = i;',
          `  for (var d = ${rank - 1}; d >= 0; d--) {`,
          `    let size = md(${shapeAt}u + u32(d));`,
          '    let c = i32(rem % size);',
          '    rem = rem / size;',
          ...stridedInputs.map((k) => `    o${k} += c * mdi(${stridesAt(k)}u + u32(d));`),
          '  }',
        ].join('\n');
  const index = (k: number) => (k >= stateDtypes.length && strided[k - stateDtypes.length] ? `u32(o${k - stateDtypes.length})` : `md(${k + 1}u) + i`);
  const bindings = all.map(
    (dt, k) => `@group(0) @binding(${k + 1}) var<storage, ${k < stateDtypes.length ? 'read_write' : 'read'}> b${k}: array<${storageType(dt)}>;`,
  );
  const lines: string[] = all.map((dt, k) => `  let old${k} = ${load(`b${k}`, index(k), dt)};`);
  const leaves = { loads: all.map((_, k) => `old${k}`), scalarsAt: 1 + all.length };
  const results = exprs.map((e) => emitExpr(e, leaves, lines));
  const stores = results.map((r, k) => `  b${k}[md(${k + 1}u) + i] = ${storeValue(r, stateDtypes[k])};`);
  return `${PRELUDE}
${metaDecl(shapeAt + rank + stridedInputs.length * rank)}
${bindings.join('\n')}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
${offsets}
${lines.join('\n')}
${stores.join('\n')}
}
`;
}
