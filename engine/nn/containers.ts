/** Containers: Sequential runs its children in order; ModuleList only holds them. */
import { fail } from '../core/errors';
import { Module } from './module';

/** Runs its modules in order, each on the output of the one before. */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.register(i, m));
  }
  private register(i: number, m: Module): void {
    if (!(m instanceof Module)) fail('Sequential', `argument ${i} is not a Module`);
    (this as unknown as Record<string, Module>)[String(i)] = m;
  }
  /** The number of modules. */
  override get length(): number {
    return this.children().length;
  }
  /** The module at index `i` (negative counts from the end). */
  at(i: number): Module {
    const list = this.children();
    const m = list[i < 0 ? i + list.length : i];
    if (!m) fail('Sequential', `index ${i} is out of range for ${list.length} modules`);
    return m;
  }
  /** Adds a module at the end and returns this container. */
  append(m: Module): this {
    this.register(this.children().length, m);
    return this;
  }
  override forward(x: unknown): unknown {
    return this.children().reduce((v, m) => m(v), x);
  }
}

/** Holds a list of modules (registered as submodules) without a forward of its own. */
export class ModuleList extends Module {
  constructor(modules: Module[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }
  /** The number of modules. */
  override get length(): number {
    return this.children().length;
  }
  /** The module at index `i` (negative counts from the end). */
  at(i: number): Module {
    return this.children()[i < 0 ? i + this.length : i];
  }
  /** Adds a module at the end and returns this container. */
  append(m: Module): this {
    if (!(m instanceof Module)) fail('ModuleList', 'can only hold Modules');
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
  override forward(): never {
    return fail('ModuleList', 'a ModuleList has no forward(); iterate over it in your own forward');
  }
}
