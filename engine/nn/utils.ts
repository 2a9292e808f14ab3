/**
 * nn.utils: gradient clipping and flattening parameters to one vector, as torch.nn.utils.
 * Clipping runs on the device the gradients are on, with no readback: the scale factor is a
 * tensor (`min(maxNorm / (total + 1e-6), 1)`), so a training step never waits on it.
 */
import { fail, fmtShape } from '../core/errors';
import { withGradMode } from '../core/runtime';
import * as create from '../ops/creation';
import { cat, stack } from '../ops/views';
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
    const joined = (ts: Tensor[]) => (ts.length === 1 ? ts[0].reshape([1]) : stack(ts));
    // The 2-norm (the usual case) as the root of summed squares: two small kernels per gradient.
    const total =
      p === 2 || p === 'fro'
        ? joined(grads.map((g) => g.to('float32').square().sum()))
            .sum()
            .sqrt()
        : joined(grads.map((g) => g.norm(p).to('float32'))).norm(p);
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
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
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
