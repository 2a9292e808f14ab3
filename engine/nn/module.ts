/**
 * nn.Module: submodules and parameters are plain fields, discovered in declaration order.
 * Instances are callable (`model(x)` runs `forward`), as in PyTorch.
 */
import { fail, fmtShape } from '../core/errors';
import type { Device } from '../core/dtype';
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

  /** This module and every submodule below it, with dotted names. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** This module and every submodule below it. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The parameters with dotted names (`'0.weight'`), of submodules too unless `recurse` is false. */
  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const visit = (m: Module, pre: string) => {
      for (const [name, v] of m.fields()) {
        if (isParameter(v) && !seen.has(v)) {
          seen.add(v);
          out.push([pre + name, v]);
        }
      }
      if (recurse) for (const [name, child] of m.namedChildren()) visit(child, `${pre}${name}.`);
    };
    visit(this, prefix ? `${prefix}.` : '');
    return out;
  }

  /** The parameters, of submodules too unless `recurse` is false (what an optimizer takes). */
  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Tensors that are state but not parameters (running statistics, say). */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, v] of this.fields()) if (v instanceof Tensor && !isParameter(v)) out.push([prefix + name, v]);
    for (const [name, child] of this.namedChildren()) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  /** The parameters and buffers by dotted name, for saving and `loadStateDict`. */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()].map(([k, v]) => [k, v.detach()]));
  }

  /** Copies values into this module's tensors in place; strict mode refuses missing or extra keys. */
  loadStateDict(state: Record<string, Tensor>, opts: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const own = new Map([...this.namedParameters(), ...this.namedBuffers()]);
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
      const src = state[k];
      if (!src) continue;
      if (!(src instanceof Tensor)) fail('loadStateDict', `value for '${k}' is not a tensor`);
      if (src.shape.join() !== target.shape.join())
        fail('loadStateDict', `size mismatch for '${k}': got ${fmtShape(src.shape)}, the module has ${fmtShape(target.shape)}`);
      withGradMode(false, () => copyInto(target, src.to(target.device)));
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode (dropout active) on this module and its submodules. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (dropout off) on this module and its submodules. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Moves parameters and buffers to `device` (replacing the fields, as new leaves). */
  to(device: Device): this {
    for (const m of this.modules()) {
      const fields = m as unknown as Record<string, unknown>;
      for (const [name, v] of m.fields()) {
        if (!(v instanceof Tensor) || v.device === device) continue;
        const moved = v.detach().to(device);
        fields[name] = isParameter(v) ? Parameter(moved, v.requiresGrad) : moved;
      }
    }
    return this;
  }

  /** Calls `fn` on every submodule and then on this module. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.modules()) fn(m);
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
