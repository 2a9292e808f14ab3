/**
 * Reverse-mode transforms over the autograd rules: grad, gradAndValue, vjp and jacrev. Each lifts
 * the inputs it differentiates into new tensors requiring grad, runs the function, and asks
 * autograd for the gradients. Nested in another transform (a gradient being differentiated, a
 * tape open for vmap or jvp) the gradient computation is itself recorded (createGraph), so the
 * outer transform follows it.
 */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { isGradEnabled, withGradMode } from '../core/runtime';
import { grad as autogradGrad } from '../autograd/function';
import { eye } from '../ops/creation';
import { emptyTensor, liftedView } from '../ops/make';
import { reshape, view } from '../ops/views';
import { Tensor } from '../tensor';
import { tapesOpen } from './tape';
import { leaves, mapTensors } from './tree';
import { vmap } from './vmap';

export interface GradFnOptions {
  /** Which arguments to differentiate with respect to: one index (default 0) or several (then a tuple of gradients). */
  argnums?: number | readonly number[];
  /** The function returns [output, aux]: aux is passed through undifferentiated. */
  hasAux?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- transforms take any function
type Fn = (...args: any[]) => any;

/**
 * A tensor with x's values that autograd can differentiate with respect to, separately from x:
 * a recorded alias when x is already differentiated by an outer grad (so that one follows it),
 * else a fresh leaf (which open tapes see as x itself).
 */
export function liftForGrad(op: string, x: Tensor, outer: boolean): Tensor {
  if (!isFloating(x.dtype)) fail(op, `can only differentiate with respect to floating tensors, got a ${x.dtype} tensor of shape ${fmtShape(x.shape)}`);
  if (outer && x.requiresGrad) return view(x, x.shape);
  return liftedView(x).requiresGrad_();
}

/** Whether an outer gradient follows these arguments (grad mode is on and one of them requires grad). */
function outerGrad(args: readonly unknown[]): boolean {
  return isGradEnabled() && args.some((a) => leaves(a).some((t) => t.requiresGrad));
}

function argnumsOf(op: string, opts: GradFnOptions, nargs: number): number[] {
  const a = opts.argnums ?? 0;
  const list = typeof a === 'number' ? [a] : [...a];
  if (list.length === 0) fail(op, 'argnums must name at least one argument');
  return list.map((n) => {
    if (!Number.isInteger(n) || n < -nargs || n >= nargs) fail(op, `argnums ${n} is out of range: the function was called with ${nargs} argument(s)`);
    return n < 0 ? n + nargs : n;
  });
}

function splitAux(op: string, out: unknown, hasAux: boolean): [unknown, unknown] {
  if (!hasAux) return [out, undefined];
  if (!Array.isArray(out) || out.length !== 2) fail(op, 'with hasAux the function must return [output, aux], an array of two');
  return [out[0], out[1]];
}

function zerosLike(t: Tensor): Tensor {
  return emptyTensor(t.device, t.shape, t.dtype, true);
}

/** The gradients of the scalar `value` with respect to `inputs` (zeros where it does not depend on one). */
function gradients(value: Tensor, inputs: readonly Tensor[], createGraph: boolean): Tensor[] {
  const grads = value.requiresGrad ? autogradGrad([value], inputs, { createGraph, retainGraph: createGraph, allowUnused: true }) : inputs.map(() => null);
  return grads.map((g, i) => g ?? zerosLike(inputs[i]));
}

/** Lifts the tensors of the arguments `nums` names; returns the new arguments and, per argnum, its lifted tree and leaves. */
function liftArgs(op: string, args: readonly unknown[], nums: readonly number[], outer: boolean): { args: unknown[]; trees: unknown[]; inputs: Tensor[][] } {
  const out = [...args];
  const trees: unknown[] = [];
  const inputs: Tensor[][] = [];
  for (const n of nums) {
    const lifted = mapTensors(args[n], (t) => liftForGrad(op, t as Tensor, outer));
    if (leaves(args[n]).length === 0) fail(op, `argument ${n} has no tensor to differentiate with respect to`);
    out[n] = lifted;
    trees.push(lifted);
    inputs.push(leaves(lifted));
  }
  return { args: out, trees, inputs };
}

/** The gradient trees laid out as the arguments were: one tree, or a tuple of them when argnums is a list. */
function shaped(opts: GradFnOptions, trees: unknown[], inputs: Tensor[][], grads: Tensor[]): unknown {
  let k = 0;
  const per = trees.map((tree, i) => {
    const byInput = new Map(inputs[i].map((t) => [t, grads[k++]]));
    return mapTensors(tree, (t) => byInput.get(t));
  });
  return typeof (opts.argnums ?? 0) === 'number' ? per[0] : per;
}

/** torch.func.gradAndValue(f, opts)(...args): [gradient, value] (with hasAux: [gradient, [value, aux]]). */
export function gradAndValue(fn: Fn, opts: GradFnOptions = {}): Fn {
  if (typeof fn !== 'function') fail('grad', `expected a function, got ${typeof fn}`);
  return (...args: unknown[]) => {
    const outer = outerGrad(args);
    return withGradMode(true, () => {
      const nums = argnumsOf('grad', opts, args.length);
      const lifted = liftArgs('grad', args, nums, outer);
      const [value, aux] = splitAux('grad', fn(...lifted.args), !!opts.hasAux);
      if (!(value instanceof Tensor)) fail('grad', `the function must return a tensor${opts.hasAux ? ' (first of [output, aux])' : ''}, got ${typeof value}`);
      if (value.numel() !== 1)
        fail('grad', `the function must return a scalar tensor (one element), got shape ${fmtShape(value.shape)}; for other outputs use vjp or jacrev`);
      const all = lifted.inputs.flat();
      const createGraph = outer || tapesOpen();
      const grads = gradients(value, all, createGraph);
      const g = shaped(opts, lifted.trees, lifted.inputs, grads);
      const v = createGraph ? value : value.detach();
      return opts.hasAux ? [g, [v, aux]] : [g, v];
    });
  };
}

/** torch.func.grad(f, opts)(...args): the gradient of the scalar f(...args) with respect to args[argnums]. */
export function grad(fn: Fn, opts: GradFnOptions = {}): Fn {
  const both = gradAndValue(fn, opts);
  return (...args: unknown[]) => {
    const [g, rest] = both(...args) as [unknown, unknown];
    return opts.hasAux ? [g, (rest as [unknown, unknown])[1]] : g;
  };
}

/**
 * torch.func.vjp(f, ...primals): [output, vjpFn] (with { hasAux } last: [output, vjpFn, aux]).
 * vjpFn(cotangent) gives one gradient per primal, as an array.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- [output, vjpFn, aux?]: destructured by the caller, typed by what f returns
export function vjp(fn: Fn, ...rest: unknown[]): any[] {
  const last = rest[rest.length - 1];
  const hasAux = isOptions(last) ? !!(last as { hasAux?: boolean }).hasAux : false;
  const primals = isOptions(last) ? rest.slice(0, -1) : rest;
  if (typeof fn !== 'function') fail('vjp', `expected a function, got ${typeof fn}`);
  const outer = outerGrad(primals);
  return withGradMode(true, () => {
    const lifted = liftArgs(
      'vjp',
      primals,
      primals.map((_, i) => i),
      outer,
    );
    const [out, aux] = splitAux('vjp', fn(...lifted.args), hasAux);
    const outs = leaves(out);
    if (outs.length === 0) fail('vjp', 'the function must return a tensor (or tensors)');
    const all = lifted.inputs.flat();
    const vjpFn = (cotangents: unknown) => {
      const cots = leaves(cotangents);
      if (cots.length !== outs.length) fail('vjp', `vjpFn got ${cots.length} cotangent tensor(s) for ${outs.length} output(s)`);
      cots.forEach((c, i) => {
        if (c.shape.join() !== outs[i].shape.join())
          fail('vjp', `cotangent ${i} has shape ${fmtShape(c.shape)}; the output has shape ${fmtShape(outs[i].shape)}`);
      });
      return withGradMode(true, () => {
        const createGraph = outer || tapesOpen() || cots.some((c) => c.requiresGrad);
        const live = outs.map((o, i) => [o, cots[i]] as const).filter(([o]) => o.requiresGrad);
        const grads = live.length
          ? autogradGrad(
              live.map(([o]) => o),
              all,
              { gradOutputs: live.map(([, c]) => c), createGraph, retainGraph: true, allowUnused: true },
            )
          : all.map(() => null);
        const full = grads.map((g, i) => g ?? zerosLike(all[i]));
        return shaped({ argnums: primals.map((_, i) => i) }, lifted.trees, lifted.inputs, full);
      });
    };
    const shown = outer ? out : mapTensors(out, (t) => t.detach());
    return hasAux ? [shown, vjpFn, aux] : [shown, vjpFn];
  });
}

function isOptions(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof Tensor) && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && 'hasAux' in v;
}

/** The identity basis for a tensor shaped like `t`: [t.numel(), ...t.shape]. */
export function basisFor(t: Tensor): Tensor {
  const n = t.numel();
  return reshape(eye(n, n, { dtype: t.dtype, device: t.device }), [n, ...t.shape]);
}

/**
 * torch.func.jacrev(f, { argnums })(...args): the Jacobian of f's tensor output with respect to
 * args[argnums], shaped [...output.shape, ...input.shape], by vmap over vjp's rows.
 */
export function jacrev(fn: Fn, opts: GradFnOptions = {}): Fn {
  return (...args: unknown[]) => {
    const nums = argnumsOf('jacrev', opts, args.length);
    for (const n of nums) if (!(args[n] instanceof Tensor)) fail('jacrev', `argument ${n} must be a tensor`);
    const partial = (...ps: Tensor[]) => {
      const full = [...args];
      nums.forEach((n, i) => (full[n] = ps[i]));
      return fn(...full);
    };
    const [out, vjpFn] = vjp(partial, ...nums.map((n) => args[n])) as [unknown, (c: Tensor) => Tensor[]];
    if (!(out instanceof Tensor)) fail('jacrev', 'the function must return one tensor');
    const rows = vmap((u: Tensor) => vjpFn(u))(basisFor(out)) as Tensor[];
    const jacs = rows.map((r, i) => reshape(r, [...out.shape, ...(args[nums[i]] as Tensor).shape]));
    return typeof (opts.argnums ?? 0) === 'number' ? jacs[0] : jacs;
  };
}
