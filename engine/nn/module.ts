/**
 * nn.Module: submodules and parameters are plain fields, discovered in declaration order.
 * Instances are callable (`model(x)` runs `forward`), as in PyTorch.
 */
import { fail, fmtShape } from '../core/errors';
import { isFloating, type Device, type DType } from '../core/dtype';
import { withGradMode } from '../core/runtime';
import { copyInto } from '../ops/elementwise';
import { Tensor } from '../tensor';
import { moduleRepr } from './repr';

const parameterMarks = new WeakSet<Tensor>();

/** Marks a tensor as a parameter: a leaf that requires grad. */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  const leaf = t.isLeaf ? t : t.detach();
  leaf.requiresGrad = requiresGrad;
  parameterMarks.add(leaf);
  return leaf;
}

/** Per module, the names of its buffers left out of stateDict (registerBuffer with persistent: false). */
const nonPersistent = new WeakMap<object, Set<string>>();

function checkName(op: string, m: object, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) fail(op, `name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  if (name === 'training') fail(op, `'training' is the module's mode flag, not a free name`);
  if (name in m && !Object.prototype.hasOwnProperty.call(m, name))
    fail(op, `'${name}' is already an attribute of ${m.constructor.name} (a method or property)`);
}

function isParameter(v: unknown): v is Tensor {
  return v instanceof Tensor && (parameterMarks.has(v) || (v.isLeaf && v.requiresGrad));
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- a Module is callable: its constructor returns a function
export interface Module {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (...args: any[]): any;
}

/** The base class of layers and models: submodules and parameters are its fields; calling a module runs `forward`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Module {
  /** Whether the module is in training mode (`train()`, `eval()`); set in the constructor on the callable object itself, not enumerable (it is not a field). */
  declare training: boolean;

  constructor() {
    const callable = (...args: unknown[]) => (callable as unknown as Module).forward(...args);
    Object.setPrototypeOf(callable, new.target.prototype);
    // A function's own `length` and `name` would shadow what subclasses define.
    Reflect.deleteProperty(callable, 'length');
    Reflect.deleteProperty(callable, 'name');
    Object.defineProperty(callable, 'training', { value: true, writable: true, enumerable: false });
    return callable as unknown as Module;
  }

  /** Computes the module's output; calling the module (`model(x)`) runs it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(..._args: any[]): any {
    fail(this.constructor.name, 'forward() is not implemented: define forward(...) in your Module subclass');
  }

  /** Own fields in declaration order (numeric names, as Sequential uses, come first). */
  private fields(): [string, unknown][] {
    return Object.keys(this).map((k) => [k, (this as unknown as Record<string, unknown>)[k]]);
  }

  /** The direct submodules with their field names. */
  namedChildren(): [string, Module][] {
    return this.fields().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /** The direct submodules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every submodule below it, with dotted names (the root's name is `prefix`, `''` by default); a module held twice is listed once. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, child] of m.namedChildren()) visit(child, name ? `${name}.${k}` : k);
    };
    visit(this, prefix);
    return out;
  }

  /** This module and every submodule below it. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Own tensors of one kind (parameters, or buffers persistent or not) in declaration order, then those of submodules, each once. */
  private namedTensors(kind: 'parameter' | 'buffer' | 'persistent', prefix: string, recurse: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const visit = (m: Module, pre: string) => {
      const transient = nonPersistent.get(m);
      for (const [name, v] of m.fields()) {
        if (!(v instanceof Tensor) || seen.has(v) || isParameter(v) !== (kind === 'parameter')) continue;
        if (kind === 'persistent' && transient?.has(name)) continue;
        seen.add(v);
        out.push([pre + name, v]);
      }
      if (recurse) for (const [name, child] of m.namedChildren()) visit(child, `${pre}${name}.`);
    };
    visit(this, prefix ? `${prefix}.` : '');
    return out;
  }

  /** The parameters with dotted names (`'0.weight'`), of submodules too unless `recurse` is false. */
  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    return this.namedTensors('parameter', prefix, recurse);
  }

  /** The parameters, of submodules too unless `recurse` is false (what an optimizer takes). */
  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Tensors that are state but not parameters (running statistics, say), persistent or not, with dotted names. */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this.namedTensors('buffer', prefix, recurse);
  }

  /** The buffers, of submodules too unless `recurse` is false. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Adds a buffer (state that is not a parameter) as the field `name`; `persistent: false` keeps it out of `stateDict()`. */
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    checkName('registerBuffer', this, name);
    if (tensor !== null && !(tensor instanceof Tensor)) fail('registerBuffer', `buffer '${name}' must be a Tensor or null, got ${typeof tensor}`);
    if (tensor && isParameter(tensor)) fail('registerBuffer', `'${name}' is a parameter (it requires grad); use registerParameter, or pass tensor.detach()`);
    (this as unknown as Record<string, unknown>)[name] = tensor;
    let set = nonPersistent.get(this);
    if (opts.persistent === false) {
      if (!set) nonPersistent.set(this, (set = new Set()));
      set.add(name);
    } else set?.delete(name);
  }

  /** Adds a parameter as the field `name` (a tensor is made a Parameter; null leaves the slot empty). */
  registerParameter(name: string, param: Tensor | null): void {
    checkName('registerParameter', this, name);
    if (param !== null && !(param instanceof Tensor)) fail('registerParameter', `parameter '${name}' must be a Tensor or null, got ${typeof param}`);
    (this as unknown as Record<string, unknown>)[name] = param === null ? null : isParameter(param) ? param : Parameter(param);
  }

  /** Adds a submodule as the field `name`. */
  registerModule(name: string, module: Module | null): void {
    checkName('registerModule', this, name);
    if (module !== null && !(module instanceof Module)) fail('registerModule', `'${name}' must be a Module or null`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** The parameters and persistent buffers by dotted name, in PyTorch's order (per module: parameters, buffers, then submodules), for saving and `loadStateDict`. */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.stateEntries().map(([k, v]) => [k, v.detach()]));
  }

  /** The entries of `stateDict()`, without detaching. */
  private stateEntries(): [string, Tensor][] {
    // As PyTorch's state_dict: every path to a tensor is a key (tied weights appear under each name).
    const out: [string, Tensor][] = [];
    const visit = (m: Module, pre: string) => {
      for (const [k, v] of m.namedTensors('parameter', '', false)) out.push([pre + k, v]);
      for (const [k, v] of m.namedTensors('persistent', '', false)) out.push([pre + k, v]);
      for (const [name, child] of m.namedChildren()) visit(child, `${pre}${name}.`);
    };
    visit(this, '');
    return out;
  }

  /** Copies values into this module's tensors in place; strict mode (the default) refuses missing or extra keys, otherwise they are returned. */
  loadStateDict(state: Record<string, Tensor>, opts: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    if (typeof state !== 'object' || state === null)
      fail('loadStateDict', `expected an object of tensors by key, got ${state === null ? 'null' : typeof state}`);
    const own = new Map(this.stateEntries());
    const missingKeys = [...own.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !own.has(k));
    if ((opts.strict ?? true) && (missingKeys.length || unexpectedKeys.length)) {
      const parts = [
        missingKeys.length ? `missing keys: ${missingKeys.join(', ')}` : '',
        unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '',
      ].filter(Boolean);
      fail('loadStateDict', `${parts.join('; ')} (the module has ${[...own.keys()].join(', ')})`);
    }
    for (const [k, target] of own) {
      if (!(k in state)) continue;
      const src = state[k];
      if (!(src instanceof Tensor)) fail('loadStateDict', `value for '${k}' is not a tensor`);
      if (src.shape.join() !== target.shape.join())
        fail('loadStateDict', `size mismatch for '${k}': got ${fmtShape(src.shape)}, the module has ${fmtShape(target.shape)}`);
    }
    for (const [k, target] of own) if (k in state) withGradMode(false, () => copyInto(target, state[k].to(target.device)));
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode (dropout active, batch statistics in BatchNorm) on this module and its submodules. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (dropout off, running statistics in BatchNorm) on this module and its submodules. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (false freezes them); returns this module. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Moves parameters and buffers (integer ones and non-persistent ones too) to a device, or casts the floating ones to a dtype, replacing the fields (parameters as new leaves). */
  to(target: Device | DType): this {
    if (target === 'cpu' || target === 'webgpu')
      return this.convert(
        (v) => v.device !== target,
        (v) => v.to(target),
      );
    if (!isFloating(target as DType)) fail('Module.to', `expected a device ('cpu', 'webgpu') or a floating dtype, got '${String(target)}'`);
    return this.convert(
      (v) => isFloating(v.dtype) && v.dtype !== target,
      (v) => v.to(target),
    );
  }

  /** Casts floating parameters and buffers to float16 (where the device has shader-f16). */
  half(): this {
    return this.to('float16');
  }

  /** Casts floating parameters and buffers to float32. */
  float(): this {
    return this.to('float32');
  }

  /** Replaces each tensor field that `applies` with `change(tensor)`; a tensor held twice (tied weights) stays one tensor. */
  private convert(applies: (v: Tensor) => boolean, change: (v: Tensor) => Tensor): this {
    const done = new Map<Tensor, Tensor>();
    for (const m of this.modules()) {
      const fields = m as unknown as Record<string, unknown>;
      for (const [name, v] of m.fields()) {
        if (!(v instanceof Tensor) || !applies(v)) continue;
        let t = done.get(v);
        if (!t) {
          t = change(v.detach());
          if (isParameter(v)) t = Parameter(t, v.requiresGrad);
          done.set(v, t);
        }
        fields[name] = t;
      }
    }
    return this;
  }

  /** Calls `fn` on every submodule (children first, recursively) and then on this module, as PyTorch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** The text inside the parentheses of this module's line, as PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** The module tree as PyTorch prints it. */
  toString(): string {
    return moduleRepr(this);
  }
}
