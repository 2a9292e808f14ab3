/**
 * A kernel's storage bindings and the variants a dispatch may need. WebGPU refuses a buffer used
 * both read-only and writable in one dispatch, and two writable bindings over the same range.
 * Tensors that share a slab (see buffer-pool.ts) are different ranges of one buffer, so every
 * storage binding is made read_write; a block bound twice (`x.mul(x)`) is bound once, and the
 * second binding's name is rewritten to the first's.
 */
import type { GpuBlock } from './buffer-pool';

export interface StorageDecl {
  binding: number;
  mode: 'read' | 'read_write';
  name: string;
  type: string;
  /** The declaration's text, as written in the WGSL. */
  text: string;
}

const DECL = /@group\(0\)\s*@binding\((\d+)\)\s*var<storage,\s*(read|read_write)>\s*(\w+)\s*:\s*([^;]+);/g;

/** The storage bindings declared in `code` (binding 0, the metadata uniform, is not one). */
export function storageDecls(code: string): StorageDecl[] {
  return [...code.matchAll(DECL)].map((m) => ({ binding: Number(m[1]), mode: m[2] as StorageDecl['mode'], name: m[3], type: m[4].trim(), text: m[0] }));
}

/**
 * How one dispatch binds its blocks: `rw:` (every storage binding read_write, so blocks that are
 * ranges of one slab can be bound together), one digit per argument (1: bound with a dynamic
 * offset, so one bind group serves every chunk of a slab; the first `maxDynamic` distinct
 * arguments), then the aliases (`,2=1`: argument 2 is the block of argument 1). One layout for
 * slab chunks and own buffers alike, so each kernel needs one pipeline (two only where a block
 * is bound twice), and a compiled graph prepares one pipeline per kernel.
 */
export function bindingSignature(blocks: readonly GpuBlock[], maxDynamic: number): string {
  let aliases = '';
  let mask = '';
  let dynamic = 0;
  for (let i = 0; i < blocks.length; i++) {
    const alias = blocks.indexOf(blocks[i]);
    if (alias < i) aliases += `,${i}=${alias}`;
    const dyn = alias === i && dynamic < maxDynamic;
    if (dyn) dynamic++;
    mask += dyn ? '1' : '0';
  }
  return `rw:${mask}${aliases}`;
}

/**
 * Arguments that are one block bound twice under WGSL types that differ (`array<vec4<f32>>` and
 * `array<f32>`): one binding cannot serve both, so the later one reads a copy.
 */
export function mismatchedAliases(blocks: readonly GpuBlock[], args: readonly (StorageDecl | undefined)[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < blocks.length; i++) {
    const j = blocks.indexOf(blocks[i]);
    if (j < i && args[i]?.type !== args[j]?.type) out.push(i);
  }
  return out;
}

/** The signature of a dispatch whose `count` arguments are distinct blocks (what compiled graphs prepare). */
export function plainSignature(count: number, maxDynamic: number): string {
  return `rw:${Array.from({ length: count }, (_, i) => (i < maxDynamic ? '1' : '0')).join('')}`;
}

/** Whether argument `i` is bound with a dynamic offset under `signature`. */
export function isDynamic(signature: string, i: number): boolean {
  return signature.charCodeAt(3 + i) === 49; // '1'
}

/** Arguments bound by an earlier argument's binding, by the signature. */
export function aliasesOf(signature: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const part of signature.split(',').slice(1)) {
    const [i, j] = part.split('=').map(Number);
    map.set(i, j);
  }
  return map;
}

/** The kernel's WGSL for a binding signature; argument k is binding k + 1. */
export function variantCode(code: string, decls: readonly StorageDecl[], signature: string): string {
  const aliases = aliasesOf(signature);
  const byBinding = new Map(decls.map((d) => [d.binding, d]));
  let out = code;
  for (const d of decls) {
    const target = aliases.get(d.binding - 1);
    if (target === undefined) {
      out = out.replace(d.text, d.text.replace(/var<storage,\s*read>/, 'var<storage, read_write>'));
      continue;
    }
    const into = byBinding.get(target + 1);
    if (!into || into.type !== d.type)
      throw new Error(`internal: kernel binding ${d.name} cannot share ${into?.name ?? 'binding ' + (target + 1)} (${d.type} vs ${into?.type})`);
    out = out.replace(d.text, '');
    out = out.replace(new RegExp(`\\b${d.name}\\b(?=\\s*\\[)|(?<=&)${d.name}\\b`, 'g'), into.name);
  }
  return out;
}

/** The explicit bind group layout entries of a variant: metadata uniform (dynamic offset) and storage. */
export function layoutEntries(decls: readonly StorageDecl[], signature: string): GPUBindGroupLayoutEntry[] {
  const aliases = aliasesOf(signature);
  const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } }];
  for (const d of decls) {
    if (aliases.has(d.binding - 1)) continue;
    entries.push({
      binding: d.binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'storage', hasDynamicOffset: isDynamic(signature, d.binding - 1) },
    });
  }
  return entries;
}
