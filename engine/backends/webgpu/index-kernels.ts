/**
 * The WebGPU backend's index kernels: gather, scatterAdd, scatter (each recording an out-of-range
 * index in the error buffer the next read checks, see index-errors.ts) and searchsorted.
 */
import type { IndexCheck, View } from '../backend';
import { gatherCost, scatterAddCost, scatterCost, searchSortedCost } from '../../profile/kernel-cost';
import { grid1d, type Dispatcher } from './dispatcher';
import { bufferOf } from './gpu-storage';
import type { IndexErrors } from './index-errors';
import { gatherSource, gatherVec4, scatterAddSource } from './kernels/gather';
import { scatterSource, searchSortedSource } from './kernels/scatter';
import { WORKGROUP } from './tuning';

/** What the index kernels dispatch through: the backend's dispatcher and its index error buffer. */
export interface IndexKernels {
  readonly dispatcher: Dispatcher;
  readonly indexErrors: IndexErrors;
}

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * scatterAdd (f32, atomic adds) and scatter (assignment, any dtype) share their layout: one
 * invocation per index element, writing along `dim` of `out`, bad indices recorded as in gather.
 */
function scatterLike(k: IndexKernels, kind: 'scatterAdd' | 'scatter', src: View, dim: number, index: View, out: View, check?: IndexCheck): void {
  const n = numelOf(index.shape);
  if (n === 0) return;
  const rank = index.shape.length;
  const pipeline =
    kind === 'scatterAdd'
      ? k.dispatcher.pipeline(`scatter_add|r${rank}`, () => scatterAddSource(rank))
      : k.dispatcher.pipeline(`scatter|${out.dtype}|r${rank}`, () => scatterSource(out.dtype, rank));
  const outStrides = out.strides.map((s, d) => (d === dim ? 0 : s));
  const who = k.indexErrors.who(check ?? { op: kind, dim }, kind);
  const meta = [
    n,
    src.offset,
    index.offset,
    out.offset,
    out.shape[dim],
    out.strides[dim],
    ...who,
    ...index.shape,
    ...src.strides,
    ...index.strides,
    ...outStrides,
  ];
  const buffers = [bufferOf(src), bufferOf(index), bufferOf(out), k.indexErrors.buffer()];
  k.dispatcher.dispatch(pipeline, meta, buffers, grid1d(n, WORKGROUP), kind === 'scatterAdd' ? scatterAddCost(n) : scatterCost(n));
}

/** See Backend.scatterAdd. */
export function scatterAddKernel(k: IndexKernels, src: View, dim: number, index: View, out: View, check?: IndexCheck): void {
  scatterLike(k, 'scatterAdd', src, dim, index, out, check);
}

/** See Backend.gather. */
export function gatherKernel(k: IndexKernels, input: View, dim: number, index: View, out: View, check?: IndexCheck): void {
  const n = numelOf(out.shape);
  if (n === 0) return;
  const rank = out.shape.length;
  // vec4s along the last dim where the index is one value along it (counts and strides in vec4s).
  const v = gatherVec4(input, dim, index, out) ? 4 : 1;
  const pipeline = k.dispatcher.pipeline(`gather|${input.dtype}|r${rank}${v === 4 ? '|v4' : ''}`, () => gatherSource(input.dtype, rank, v === 4));
  const srcStrides = input.strides.map((s, d) => (d === dim ? 0 : d === rank - 1 ? s : s / v));
  const shape = out.shape.map((s, d) => (d === rank - 1 ? s / v : s));
  const who = k.indexErrors.who(check ?? { op: 'gather', dim }, 'gather');
  const meta = [n / v, input.offset / v, index.offset, input.shape[dim], input.strides[dim] / v, ...who, ...shape, ...srcStrides, ...index.strides];
  const buffers = [bufferOf(input), bufferOf(index), bufferOf(out), k.indexErrors.buffer()];
  k.dispatcher.dispatch(pipeline, meta, buffers, grid1d(n / v, WORKGROUP), gatherCost(n));
}
/** See Backend.scatter. */
export function scatterKernel(k: IndexKernels, src: View, dim: number, index: View, out: View, check?: IndexCheck): void {
  scatterLike(k, 'scatter', src, dim, index, out, check);
}

/** See Backend.searchSorted. */
export function searchSortedKernel(k: IndexKernels, sorted: View, values: View, out: View, right: boolean): void {
  const n = numelOf(values.shape);
  if (n === 0) return;
  const rank = values.shape.length;
  const m = sorted.shape[rank - 1];
  const pipeline = k.dispatcher.pipeline(`searchsorted|${values.dtype}|r${rank}`, () => searchSortedSource(values.dtype, rank));
  const rowStrides = sorted.strides.map((s, d) => (d === rank - 1 ? 0 : s));
  const meta = [n, m, sorted.offset, values.offset, sorted.strides[rank - 1], right ? 1 : 0, ...values.shape, ...rowStrides, ...values.strides];
  k.dispatcher.dispatch(pipeline, meta, [bufferOf(sorted), bufferOf(values), bufferOf(out)], grid1d(n, WORKGROUP), searchSortedCost(n, m));
}
