/** The WebGPU backend's fused attention: which kernels of flash-attention.ts run, with what metadata and tiles. */
import type { AttentionGradViews, AttentionParams, View } from '../../backend';
import type { KernelInfo } from '../../../profile/recorder';
import { bufferOf } from '../gpu-storage';
import type { ReduceKernels } from '../reduce-kernels';
import { floatBits } from './elementwise';
import { flashKey, flashSharedBytes, flashSource, META, type FlashConfig, type FlashMode, type MaskKind } from './flash-attention';

/**
 * Tile sizes per kernel (measured on an H100 at [8x8x1024x64]; SwiftShader runs the same): invocations
 * (rows) per workgroup and rows of the other operand per tile in workgroup memory (halved until the
 * tiles fit the device's workgroup storage), and whether dk and dv share one kernel.
 */
export const FLASH_TUNING: { modes: Record<FlashMode, { wg: number; bk: number }>; fusedKeyGrads: boolean } = {
  modes: {
    fwd: { wg: 128, bk: 32 },
    dq: { wg: 128, bk: 32 },
    dk: { wg: 128, bk: 32 },
    dv: { wg: 128, bk: 32 },
    dkdv: { wg: 128, bk: 32 },
  },
  fusedKeyGrads: false,
};

function config(mode: FlashMode, e: number, ev: number, mask: MaskKind, storage: number): FlashConfig {
  const base = { mode, d4: Math.ceil(e / 4), dv4: Math.ceil(ev / 4), ...FLASH_TUNING.modes[mode] };
  while (base.bk > 4 && flashSharedBytes(base) > storage) base.bk /= 2;
  return { ...base, mask };
}

function maskKind(mask: View | null): MaskKind {
  return mask === null ? 'none' : mask.dtype === 'bool' ? 'bool' : 'float';
}

function rowStrides(v: View): number[] {
  return [v.offset, v.strides[0], v.strides[1], v.strides[2]];
}

function baseMeta(q: View, k: View, v: View, mask: View | null, out: View, lse: View, p: AttentionParams): number[] {
  const [n, h, l, e] = q.shape;
  const meta = new Array<number>(META.words).fill(0);
  meta.splice(0, 8, n, h, l, k.shape[2], e, v.shape[3], p.causal ? 1 : 0, floatBits(p.scale));
  meta.splice(META.q, 4, ...rowStrides(q));
  meta.splice(META.k, 4, ...rowStrides(k));
  meta.splice(META.v, 4, ...rowStrides(v));
  if (mask) meta.splice(META.m, 5, mask.offset, ...mask.strides);
  meta[META.out] = out.offset;
  meta[META.lse] = lse.offset;
  return meta;
}

function cost(name: string, q: View, k: View, v: View, matmuls: number): KernelInfo {
  const [n, h, l, e] = q.shape;
  const [s, ev] = [k.shape[2], v.shape[3]];
  return { name, flops: matmuls * n * h * l * s * Math.max(e, ev), bytes: 4 * n * h * (2 * l * (e + ev) + s * (e + ev)) };
}

/** See Backend.attention. */
export function flashAttentionForward(
  kernels: ReduceKernels,
  storage: number,
  q: View,
  k: View,
  v: View,
  mask: View | null,
  out: View,
  lse: View,
  p: AttentionParams,
): void {
  const [n, h, l, e] = q.shape;
  if (n * h * l === 0) return;
  const c = config('fwd', e, v.shape[3], maskKind(mask), storage);
  const pipeline = kernels.dispatcher.pipeline(flashKey(c), () => flashSource(c));
  const buffers = [q, k, v, ...(mask ? [mask] : []), out, lse].map(bufferOf);
  kernels.dispatcher.dispatch(pipeline, baseMeta(q, k, v, mask, out, lse, p), buffers, [Math.ceil(l / c.wg), h, n], cost('flash_attention_fwd', q, k, v, 4));
}

/** See Backend.attentionBackward. */
export function flashAttentionBackward(kernels: ReduceKernels, storage: number, views: AttentionGradViews, p: AttentionParams): void {
  const { q, k, v, mask, out, lse, dout, dq, dk, dv } = views;
  const [n, h, l, e] = q.shape;
  const [s, ev] = [k.shape[2], v.shape[3]];
  if (n * h * l === 0 || s === 0) return;
  const delta = kernels.allocate(n * h * l, 'float32');
  const deltaView: View = { storage: delta, shape: [delta.length], strides: [1], offset: 0, dtype: 'float32' };
  const meta = baseMeta(q, k, v, mask, out, lse, p);
  meta.splice(META.dout, 4, ...rowStrides(dout));
  meta.splice(META.dq, 4, dq.offset, dk.offset, dv.offset, 0);
  const kind = maskKind(mask);
  const inputs = [q, k, v, ...(mask ? [mask] : [])];
  const run = (mode: FlashMode, rows: number, outputs: View[], info: KernelInfo) => {
    const c = config(mode, e, ev, kind, storage);
    const pipeline = kernels.dispatcher.pipeline(flashKey(c), () => flashSource(c));
    kernels.dispatcher.dispatch(pipeline, meta, [...inputs, ...outputs].map(bufferOf), [Math.ceil(rows / c.wg), h, n], info);
  };
  run('dq', l, [out, lse, dout, dq, deltaView], cost('flash_attention_dq', q, k, v, 6));
  if (FLASH_TUNING.fusedKeyGrads) {
    run('dkdv', s, [lse, dout, deltaView, dk, dv], cost('flash_attention_dkdv', q, k, v, 8));
  } else {
    run('dk', s, [lse, dout, deltaView, dk], cost('flash_attention_dk', q, k, v, 6));
    run('dv', s, [lse, dout, deltaView, dv], cost('flash_attention_dv', q, k, v, 4));
  }
  kernels.release(delta);
}
