/**
 * The fused elementwise epilogue of the matmul kernels (bias, activation): leaf bindings, their
 * batch offsets, and a `finish(v, r, col, ...)` function applied to each sum before it is stored.
 * Leaf k's metadata is its offset then its strides (batch dims, then row and column).
 */
import type { DType } from '../../../core/dtype';
import type { Expr } from '../../../ops/op-types';
import { load, storageType } from '../wgsl-common';
import { emitExpr } from './elementwise';

/** Elementwise work applied to each product before it is stored (bias, activation). */
export interface MatmulEpilogue {
  expr: Expr;
  dtypes: DType[];
  scalars: number;
}

export interface EpiloguePieces {
  /** Metadata words in all (the kernel's own, the leaves', the scalars). */
  words: number;
  bindings: string;
  fn: string;
  /** WGSL that sets each leaf's batch offset `eb<k>` from `wid.z` (batch sizes at word 10). */
  base: string;
  /** The WGSL of `finish` applied to value `v` at row `r`, column `col` (u32), or null without an epilogue. */
  call: ((v: string, r: string, col: string) => string) | null;
}

/** `leafStart`: the first metadata word of the leaves; `firstBinding`: the first leaf's binding. */
export function epiloguePieces(epilogue: MatmulEpilogue | null, batchRank: number, leafStart: number, firstBinding: number): EpiloguePieces {
  const leafRank = batchRank + 2;
  const leafAt = (k: number) => leafStart + k * (1 + leafRank);
  const n = epilogue?.dtypes.length ?? 0;
  const scalarsAt = leafAt(n);
  const words = scalarsAt + (epilogue?.scalars ?? 0);
  if (!epilogue) return { words, bindings: '', fn: '', base: '', call: null };
  const bindings = epilogue.dtypes.map((dt, k) => `@group(0) @binding(${firstBinding + k}) var<storage, read> e${k}: array<${storageType(dt)}>;`).join('\n');
  const base = [
    ...Array.from({ length: n }, (_, k) => `  var eb${k} = mdi(${leafAt(k)}u);`),
    '  var rb = wid.z;',
    `  for (var d = ${batchRank - 1}; d >= 0; d--) {`,
    '    let size = md(10u + u32(d));',
    '    let i = i32(rb % size);',
    '    rb = rb / size;',
    ...Array.from({ length: n }, (_, k) => `    eb${k} += i * mdi(${leafAt(k) + 1}u + u32(d));`),
    '  }',
  ].join('\n');
  const lines: string[] = [];
  const loads = [
    'v',
    ...epilogue.dtypes.map((dt, k) =>
      load(`e${k}`, `u32(eb${k} + i32(r) * mdi(${leafAt(k) + 1 + batchRank}u) + i32(col) * mdi(${leafAt(k) + 2 + batchRank}u))`, dt),
    ),
  ];
  const result = emitExpr(epilogue.expr, { loads, scalarsAt }, lines);
  const params = Array.from({ length: n }, (_, k) => `, eb${k}: i32`).join('');
  const args = Array.from({ length: n }, (_, k) => `, eb${k}`).join('');
  const fn = `fn finish(v: f32, r: u32, col: u32${params}) -> f32 {
${lines.join('\n')}
  return ${result};
}`;
  return { words, bindings, fn, base, call: (v, r, col) => `finish(${v}, ${r}, ${col}${args})` };
}
