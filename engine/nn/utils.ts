/**
 * nn.utils: gradient clipping and flattening parameters to one vector, as torch.nn.utils.
 * Clipping runs on the device the gradients are on, with no readback: the scale factor is a
 * tensor (`min(maxNorm / (total + 1e-6), 1)`), so a training step never waits on it. The usual
 * 2-norm (and the inf-norm) takes 2n + 2 kernels for n gradients.
 */
import { fail, fmtShape } from '../core/errors';
import { withGradMode } from '../core/runtime';
import * as create from '../ops/creation';
import { cat, stack } from '../ops/views';
import { castExpr } from '../ops/elementwise';
import { emptyTensor, viewOf } from '../ops/make';
import type { Expr } from '../ops/op-types';
import { plainSource } from '../backends/backend';
import { Tensor } from '../tensor';

/** A tensor, an array of tensors, or any iterable of them (`module.parameters()`). */
export type ParamsArg = Tensor | Iterable<Tensor>;

/** Options of `clipGradNorm_` (PyTorch's keywords). */
export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2; `Infinity` for the largest absolute value). */
  normType?: number | 'fro';
  /** Throw when the total norm is NaN or infinite (needs the norm's value: CPU tensors only). */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch compatibility; the norms are always computed per tensor on the device. */
  foreach?: boolean | null;
}

function paramList(op: string, params: ParamsArg): Tensor[] {
  if (params instanceof Tensor) return [params];
  if (params === null || typeof params !== 'object' || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function')
    fail(op, `expected a tensor, an array or an iterable of tensors (model.parameters()), got ${params === null ? 'null' : typeof params}`);
  const list = [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) fail(op, `item ${i} is not a tensor (got ${p === null ? 'null' : typeof p})`);
  });
  return list;
}

function checkFinite(op: string, name: string, v: number): void {
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${name} must be a number, got ${String(v)}`);
}

/**
 * The total 2-norm (or inf-norm) of `grads` in n + 1 kernels, on their device: each gradient's
 * sum of squares (or largest |g|) into one slot of an [n] tensor, then their sum's root (or max).
 */
function fusedTotal(grads: readonly Tensor[], inf: boolean): Tensor {
  const nonEmpty = grads.filter((g) => g.numel() > 0);
  const device = grads[0].device;
  if (nonEmpty.length === 0) return create.full([], 0, { device });
  const parts = emptyTensor(device, [nonEmpty.length], 'float32');
  const slots = viewOf(parts);
  const op = inf ? 'max' : 'sum';
  nonEmpty.forEach((g, k) => {
    const x = castExpr({ kind: 'input', index: 0, dtype: g.dtype }, 'float32');
    const expr: Expr = { kind: 'unary', op: inf ? 'abs' : 'square', x, dtype: 'float32' };
    parts.backend.reduce(op, { expr, leaves: [viewOf(g)], scalars: [] }, 0, { ...slots, shape: [], strides: [], offset: slots.offset + k });
  });
  const total = emptyTensor(device, [], 'float32');
  const root: Expr = { kind: 'unary', op: 'sqrt', x: { kind: 'input', index: 0, dtype: 'float32' }, dtype: 'float32' };
  total.backend.reduce(op, plainSource(slots), 0, viewOf(total), inf ? undefined : { expr: root, leaves: [], scalars: [] });
  return total;
}

/** The total p-norm of `grads` for other p, composed of ops: the p-norm of the per-gradient p-norms. */
function composedTotal(grads: readonly Tensor[], p: number | 'fro'): Tensor {
  const norms = grads.map((g) => g.norm(p).to('float32'));
  return (norms.length === 1 ? norms[0].reshape([1]) : stack(norms)).norm(p);
}

/**
 * Scales the gradients of `params` in place so that their joint norm is at most `maxNorm`;
 * returns the total norm (before clipping) as a 0-d tensor. Gradients under the max are unchanged.
 */
export function clipGradNorm_(params: ParamsArg, maxNorm: number, opts: ClipGradNormOptions = {}): Tensor {
  const op = 'clipGradNorm_';
  checkFinite(op, 'maxNorm', maxNorm);
  const p = opts.normType ?? 2;
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p))) fail(op, `normType must be a number or 'fro', got ${String(p)}`);
  const grads = paramList(op, params)
    .map((t) => t.grad)
    .filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return create.full([], 0);
  const device = grads[0].device;
  grads.forEach((g) => {
    if (g.device !== device) fail(op, `all gradients must be on one device, got '${device}' and '${g.device}'`);
  });
  return withGradMode(false, () => {
    const total = p === 2 || p === 'fro' || p === Infinity ? fusedTotal(grads, p === Infinity) : composedTotal(grads, p);
    if (opts.errorIfNonfinite) {
      if (total.device !== 'cpu')
        fail(
          op,
          `errorIfNonfinite needs the norm's value, which a '${total.device}' tensor gives only asynchronously: check await total.isfinite().item() instead`,
        );
      const v = total.cpuValues()[0];
      if (!Number.isFinite(v))
        fail(
          op,
          `the total norm of order ${String(p)} of the gradients is non-finite (${v}), so it cannot be clipped; pass errorIfNonfinite: false to clip anyway`,
        );
    }
    // min(maxNorm / (total + 1e-6), 1), in one kernel.
    const f = 'float32';
    const ratio: Expr = {
      kind: 'binary',
      op: 'div',
      a: { kind: 'scalar', index: 0, dtype: f },
      b: { kind: 'binary', op: 'add', a: { kind: 'input', index: 0, dtype: f }, b: { kind: 'const', value: 1e-6, dtype: f }, dtype: f },
      dtype: f,
    };
    const coef = emptyTensor(device, [], f);
    const t32 = total.to(f);
    coef.backend.elementwise({ kind: 'binary', op: 'minimum', a: ratio, b: { kind: 'const', value: 1, dtype: f }, dtype: f }, [viewOf(t32)], viewOf(coef), [
      maxNorm,
    ]);
    for (const g of grads) g.mul_(coef.to(g.dtype));
    return total;
  });
}

/** Clamps every gradient of `params` into [-clipValue, clipValue] in place. */
export function clipGradValue_(params: ParamsArg, clipValue: number, opts: { foreach?: boolean | null } = {}): void {
  const op = 'clipGradValue_';
  checkFinite(op, 'clipValue', clipValue);
  void opts;
  const v = Math.abs(clipValue);
  withGradMode(false, () => {
    for (const t of paramList(op, params)) t.grad?.clamp_(-v, v);
  });
}

/** The parameters flattened and joined into one 1-d tensor (differentiable, like PyTorch's). */
export function parametersToVector(params: ParamsArg): Tensor {
  const op = 'parametersToVector';
  const list = paramList(op, params);
  if (list.length === 0) fail(op, 'expected at least one parameter');
  const device = list[0].device;
  list.forEach((t) => {
    if (t.device !== device) fail(op, `all parameters must be on one device, got '${device}' and '${t.device}'`);
  });
  return cat(list.map((t) => t.reshape([-1])));
}

/** Copies the slices of the 1-d `vec` into the parameters in order, in place (without recording autograd). */
export function vectorToParameters(vec: Tensor, params: ParamsArg): void {
  const op = 'vectorToParameters';
  if (!(vec instanceof Tensor)) fail(op, `expected a tensor as the vector, got ${typeof vec}`);
  if (vec.ndim !== 1) fail(op, `expected a 1-d vector, got shape ${fmtShape(vec.shape)}`);
  const list = paramList(op, params);
  const total = list.reduce((n, t) => n + t.numel(), 0);
  if (total !== vec.shape[0]) fail(op, `the vector has ${vec.shape[0]} elements but the parameters hold ${total}`);
  withGradMode(false, () => {
    let offset = 0;
    for (const t of list) {
      const n = t.numel();
      t.copy_(vec.narrow(0, offset, n).reshape(t.shape));
      offset += n;
    }
  });
}
