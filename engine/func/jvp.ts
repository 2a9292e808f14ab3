/**
 * Forward mode: jvp runs the function with a tape open on its primals, then pushes the tangents
 * through the tape in order with each op's tangent rule (func/tangents.ts). jacfwd is vmap of jvp
 * over the identity basis; hessian is jacfwd of jacrev.
 */
import { fail, fmtShape } from '../core/errors';
import { isGradEnabled } from '../core/runtime';
import { emptyTensor, liftedView } from '../ops/make';
import { permute, reshape, view } from '../ops/views';
import { Tensor } from '../tensor';
import { basisFor, jacrev, type GradFnOptions } from './grad';
import { Tape, withTape } from './tape';
import { tangentOf } from './tangents';
import { leaves, mapTensors } from './tree';
import { vmap } from './vmap';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- transforms take any function
type Fn = (...args: any[]) => any;

/** A tensor with p's values that this jvp's tape follows apart from p (connected to p for autograd and outer tapes). */
function liftForTape(p: Tensor): Tensor {
  if (isGradEnabled() && p.requiresGrad) return view(p, p.shape);
  return liftedView(p);
}

const asList = (v: unknown, what: string): Tensor[] => {
  const list = v instanceof Tensor ? [v] : Array.isArray(v) ? v : null;
  if (!list || list.some((t) => !(t instanceof Tensor))) fail('jvp', `${what} must be a tensor or an array of tensors`);
  return list as Tensor[];
};

/**
 * torch.func.jvp(f, primals, tangents, { hasAux }): [f(...primals), the directional derivative
 * of f at primals along tangents] (with hasAux: [output, tangentOut, aux]).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- [output, tangentOut, aux?]: destructured by the caller
export function jvp(fn: Fn, primals: unknown, tangents: unknown, opts: { hasAux?: boolean } = {}): any[] {
  if (typeof fn !== 'function') fail('jvp', `expected a function, got ${typeof fn}`);
  const ps = asList(primals, 'primals');
  const ts = asList(tangents, 'tangents');
  if (ps.length !== ts.length) fail('jvp', `got ${ps.length} primal(s) and ${ts.length} tangent(s): give one tangent per primal`);
  ps.forEach((p, i) => {
    const t = ts[i];
    if (t.shape.join() !== p.shape.join()) fail('jvp', `tangent ${i} has shape ${fmtShape(t.shape)}; its primal has shape ${fmtShape(p.shape)}`);
    if (t.device !== p.device) fail('jvp', `tangent ${i} is on '${t.device}', its primal on '${p.device}'`);
  });
  const tape = new Tape('jvp');
  const lifted = ps.map(liftForTape);
  lifted.forEach((a) => tape.track(a));
  const result = withTape(tape, false, () => fn(...lifted));
  if (result instanceof Promise) {
    result.catch(() => undefined);
    fail('jvp', 'the function is async: forward mode follows one synchronous pass of tensor ops');
  }
  let out: unknown = result;
  let aux: unknown;
  if (opts.hasAux) {
    if (!Array.isArray(result) || result.length !== 2) fail('jvp', 'with hasAux the function must return [output, aux]');
    [out, aux] = result;
  }
  if (leaves(out).length === 0) fail('jvp', 'the function must return a tensor (or tensors)');
  const tangent = new Map<Tensor, Tensor>(lifted.map((a, i) => [a, ts[i].dtype === a.dtype ? ts[i] : ts[i].to(a.dtype)]));
  const tan = (t: Tensor) => tangent.get(t) ?? null;
  for (const e of tape.entries) {
    const t = tangentOf(e, tan);
    if (t) tangent.set(e.out, t);
    else tangent.delete(e.out);
  }
  const tangentOut = mapTensors(out, (o) => tangent.get(o) ?? emptyTensor(o.device, o.shape, o.dtype, true));
  return opts.hasAux ? [out, tangentOut, aux] : [out, tangentOut];
}

/** torch.func.jacfwd(f, { argnums })(...args): the Jacobian by forward mode, shaped [...output.shape, ...input.shape]. */
export function jacfwd(fn: Fn, opts: Pick<GradFnOptions, 'argnums'> = {}): Fn {
  return (...args: unknown[]) => {
    const nums = typeof (opts.argnums ?? 0) === 'number' ? [opts.argnums ?? 0] : [...(opts.argnums as readonly number[])];
    const jacs = (nums as number[]).map((raw) => {
      const n = raw < 0 ? raw + args.length : raw;
      const x = args[n];
      if (!(x instanceof Tensor)) fail('jacfwd', `argument ${n} must be a tensor`);
      const along = (xx: Tensor) => {
        const full = [...args];
        full[n] = xx;
        return fn(...full);
      };
      const cols = vmap((t: Tensor) => jvp(along, [x], [t])[1])(basisFor(x)) as unknown;
      if (!(cols instanceof Tensor)) fail('jacfwd', 'the function must return one tensor');
      const outShape = cols.shape.slice(1);
      const last = permute(cols, [...Array(cols.ndim).keys()].slice(1).concat([0]));
      return reshape(last, [...outShape, ...x.shape]);
    });
    return typeof (opts.argnums ?? 0) === 'number' ? jacs[0] : jacs;
  };
}

/** torch.func.hessian(f, { argnums }): jacfwd of jacrev. */
export function hessian(fn: Fn, opts: Pick<GradFnOptions, 'argnums'> = {}): Fn {
  return jacfwd(jacrev(fn, opts), opts);
}
