/**
 * Modules as functions of their state: functionalCall runs a module with some of its parameters
 * and buffers replaced by given tensors (put back afterwards, whatever happens), and
 * stackModuleState stacks the state of several same-shaped modules for vmap (ensembles).
 */
import { fail, fmtShape } from '../core/errors';
import { Module } from '../nn/module';
import { stack } from '../ops/views';
import { Tensor } from '../tensor';
import { isPlainObject } from './tree';

export interface FunctionalCallOptions {
  /** Every parameter and buffer of the module must be given (default false: the module's own fill in). */
  strict?: boolean;
}

/** The module owning the dotted name, and the field there. */
function owner(module: Module, name: string): [Module, string] {
  const parts = name.split('.');
  let m: Module = module;
  for (const p of parts.slice(0, -1)) {
    const child = (m as unknown as Record<string, unknown>)[p];
    if (!(child instanceof Module)) fail('functionalCall', `'${name}' names no parameter or buffer of ${module.constructor.name}: '${p}' is not a submodule`);
    m = child;
  }
  return [m, parts[parts.length - 1]];
}

/**
 * torch.func.functionalCall(module, paramsAndBuffers, args): `module(...args)` with the named
 * tensors (one object, or an array of objects such as [params, buffers]) in place of its own.
 */
export function functionalCall(module: Module, paramsAndBuffers: unknown, args: unknown = [], opts: FunctionalCallOptions = {}): unknown {
  if (!(module instanceof Module)) fail('functionalCall', `expected an nn.Module, got ${typeof module}`);
  const dicts = Array.isArray(paramsAndBuffers) ? paramsAndBuffers : [paramsAndBuffers];
  const given = new Map<string, Tensor>();
  for (const d of dicts) {
    if (!isPlainObject(d)) fail('functionalCall', 'paramsAndBuffers must be an object of tensors by name (or an array of such objects)');
    for (const [k, v] of Object.entries(d)) {
      if (!(v instanceof Tensor)) fail('functionalCall', `'${k}' must be a tensor, got ${typeof v}`);
      if (given.has(k)) fail('functionalCall', `'${k}' is given twice`);
      given.set(k, v);
    }
  }
  const known = new Map<string, Tensor>([...module.namedParameters(), ...module.namedBuffers()]);
  const unexpected = [...given.keys()].filter((k) => !known.has(k));
  if (unexpected.length)
    fail(
      'functionalCall',
      `unexpected key(s) ${unexpected.map((k) => `'${k}'`).join(', ')}: ${module.constructor.name} has ${[...known.keys()].join(', ') || 'no parameters or buffers'}`,
    );
  if (opts.strict) {
    const missing = [...known.keys()].filter((k) => !given.has(k));
    if (missing.length) fail('functionalCall', `missing key(s) ${missing.map((k) => `'${k}'`).join(', ')} (strict)`);
  }
  const restore: [Record<string, unknown>, string, unknown][] = [];
  try {
    for (const [name, t] of given) {
      const own = known.get(name)!;
      if (own.shape.join() !== t.shape.join()) fail('functionalCall', `'${name}' has shape ${fmtShape(t.shape)}; the module's has ${fmtShape(own.shape)}`);
      const [m, field] = owner(module, name);
      const fields = m as unknown as Record<string, unknown>;
      restore.push([fields, field, fields[field]]);
      fields[field] = t;
    }
    const list = Array.isArray(args) ? args : [args];
    return module.forward(...list);
  } finally {
    for (const [fields, field, old] of restore.reverse()) fields[field] = old;
  }
}

/**
 * torch.func.stackModuleState(models): [params, buffers], each name's tensors of every model
 * stacked along a new first dim. Stacked parameters are new leaves requiring grad.
 */
export function stackModuleState(models: readonly Module[]): [Record<string, Tensor>, Record<string, Tensor>] {
  if (!Array.isArray(models) || models.length === 0) fail('stackModuleState', 'expected a non-empty array of modules');
  models.forEach((m, i) => {
    if (!(m instanceof Module)) fail('stackModuleState', `entry ${i} is not an nn.Module`);
    if (m.constructor !== models[0].constructor)
      fail('stackModuleState', `all modules must be of one class: entry ${i} is ${m.constructor.name}, entry 0 ${models[0].constructor.name}`);
  });
  const stacked = (entries: (m: Module) => [string, Tensor][], leaf: boolean): Record<string, Tensor> => {
    const names = entries(models[0]).map(([k]) => k);
    const out: Record<string, Tensor> = {};
    for (const name of names) {
      const ts = models.map((m, i) => {
        const t = new Map(entries(m)).get(name);
        if (!t) fail('stackModuleState', `model ${i} has no '${name}'`);
        return t.detach();
      });
      const s = stack(ts, 0);
      out[name] = leaf ? s.requiresGrad_(models.every((m) => new Map(entries(m)).get(name)!.requiresGrad)) : s;
    }
    return out;
  };
  return [stacked((m) => m.namedParameters(), true), stacked((m) => m.namedBuffers(), false)];
}
