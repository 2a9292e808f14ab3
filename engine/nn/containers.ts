/** Containers: Sequential runs its children in order; ModuleList only holds them. */
import { fail } from '../core/errors';
import { Tensor } from '../tensor';
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

// ---- norms + Module core (#23) ----

function checkKey(op: string, owner: Module, key: string): void {
  if (typeof key !== 'string' || key === '' || key.includes('.')) fail(op, `keys must be non-empty strings without '.', got ${JSON.stringify(key)}`);
  if (key === 'training') fail(op, `key 'training' is the module's mode flag; choose another`);
  if (key in owner && !Object.prototype.hasOwnProperty.call(owner, key)) fail(op, `key '${key}' is the name of a ${op} method or property; choose another`);
}

/** Holds modules by name (registered as submodules, keys as in the state dict) without a forward of its own. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | [string, Module][] = {}) {
    super();
    this.update(modules);
  }
  /** The number of modules. */
  override get length(): number {
    return this.children().length;
  }
  /** The module under `key` (an error when there is none). */
  get(key: string): Module {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!(m instanceof Module) || !Object.prototype.hasOwnProperty.call(this, key))
      fail('ModuleDict', `no module under key '${key}' (keys: ${this.keys().join(', ')})`);
    return m;
  }
  /** Adds or replaces the module under `key`. */
  set(key: string, m: Module): this {
    checkKey('ModuleDict', this, key);
    if (!(m instanceof Module)) fail('ModuleDict', `value for '${key}' is not a Module`);
    (this as unknown as Record<string, Module>)[key] = m;
    return this;
  }
  /** Whether a module is held under `key`. */
  has(key: string): boolean {
    return this.keys().includes(key);
  }
  /** Adds every entry of `modules`. */
  update(modules: Record<string, Module> | [string, Module][]): this {
    for (const [k, m] of Array.isArray(modules) ? modules : Object.entries(modules)) this.set(k, m);
    return this;
  }
  /** The keys, in order. */
  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }
  /** The modules, in order. */
  values(): Module[] {
    return this.children();
  }
  /** The `[key, module]` pairs, in order. */
  items(): [string, Module][] {
    return this.namedChildren();
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
  override forward(): never {
    return fail('ModuleDict', 'a ModuleDict has no forward(); call its modules in your own forward');
  }
}

function paramLine(k: string, p: Tensor): string {
  return `(${k}): Parameter containing: [torch.${p.dtype} of size ${p.shape.join('x')}]`;
}

/** Holds a list of parameters (keys `0`, `1`, ... in the state dict); tensors given are made parameters. */
export class ParameterList extends Module {
  constructor(params: Tensor[] = []) {
    super();
    params.forEach((p) => this.append(p));
  }
  /** The number of parameters. */
  override get length(): number {
    return this.namedParameters('', false).length;
  }
  /** The parameter at index `i` (negative counts from the end). */
  at(i: number): Tensor {
    const list = this.parameters(false);
    const p = list[i < 0 ? i + list.length : i];
    if (!p) fail('ParameterList', `index ${i} is out of range for ${list.length} parameters`);
    return p;
  }
  /** Adds a parameter at the end and returns this list. */
  append(p: Tensor): this {
    if (!(p instanceof Tensor)) fail('ParameterList', `can only hold Tensors, got ${typeof p}`);
    this.registerParameter(String(this.length), p);
    return this;
  }
  [Symbol.iterator](): Iterator<Tensor> {
    return this.parameters(false)[Symbol.iterator]();
  }
  override forward(): never {
    return fail('ParameterList', 'a ParameterList has no forward(); use its parameters in your own forward');
  }
  override extraRepr(): string {
    return this.namedParameters('', false)
      .map(([k, p]) => paramLine(k, p))
      .join('\n');
  }
}

/** Holds parameters by name (keys as in the state dict); tensors given are made parameters. */
export class ParameterDict extends Module {
  constructor(params: Record<string, Tensor> | [string, Tensor][] = {}) {
    super();
    this.update(params);
  }
  /** The number of parameters. */
  override get length(): number {
    return this.namedParameters('', false).length;
  }
  /** The parameter under `key` (an error when there is none). */
  get(key: string): Tensor {
    const p = this.namedParameters('', false).find(([k]) => k === key);
    if (!p) fail('ParameterDict', `no parameter under key '${key}' (keys: ${this.keys().join(', ')})`);
    return p[1];
  }
  /** Adds or replaces the parameter under `key`. */
  set(key: string, p: Tensor): this {
    checkKey('ParameterDict', this, key);
    if (!(p instanceof Tensor)) fail('ParameterDict', `value for '${key}' is not a Tensor`);
    this.registerParameter(key, p);
    return this;
  }
  /** Whether a parameter is held under `key`. */
  has(key: string): boolean {
    return this.keys().includes(key);
  }
  /** Adds every entry of `params`. */
  update(params: Record<string, Tensor> | [string, Tensor][]): this {
    for (const [k, p] of Array.isArray(params) ? params : Object.entries(params)) this.set(k, p);
    return this;
  }
  /** The keys, in order. */
  keys(): string[] {
    return this.namedParameters('', false).map(([k]) => k);
  }
  /** The parameters, in order. */
  values(): Tensor[] {
    return this.parameters(false);
  }
  /** The `[key, parameter]` pairs, in order. */
  items(): [string, Tensor][] {
    return this.namedParameters('', false);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
  override forward(): never {
    return fail('ParameterDict', 'a ParameterDict has no forward(); use its parameters in your own forward');
  }
  override extraRepr(): string {
    return this.items()
      .map(([k, p]) => paramLine(k, p))
      .join('\n');
  }
}
