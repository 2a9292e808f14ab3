/**
 * The optimizer base: parameter groups (each with its hyper-parameters as plain properties, as
 * PyTorch's param_groups), per-parameter state, zeroGrad, stateDict, and the fused in-place update
 * each optimizer's step is written as (one kernel per parameter per step).
 */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { withGradMode } from '../core/runtime';
import type { BinaryOp, Expr, UnaryOp } from '../ops/op-types';
import { emptyTensor, viewOf } from '../ops/make';
import { Tensor } from '../tensor';
import { camelKey, snakeKey } from './keys';

/** A parameter group: its parameters and its hyper-parameters, as plain properties (`group.lr = 0.01` takes effect at the next step). */
export type ParamGroup<O> = O & {
  /** The parameters this group's options apply to. */
  params: Tensor[];
  /** The group itself (for code written when the options were a separate object). */
  readonly options: O;
  /** The learning rate schedulers start from (set by the first scheduler attached, as PyTorch's `initial_lr`). */
  initialLr?: number;
};

/** A parameter group as passed in: its parameters and the options that override the optimizer's defaults. */
export type ParamGroupInput<O> = { params: Iterable<Tensor> } & Partial<O>;

/** What an optimizer takes: parameters (`model.parameters()`), or parameter groups with their own options. */
export type OptimizerParams<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** One parameter's optimizer state: a step count and buffers, under PyTorch's names (`step`, `exp_avg`, ...). */
export type ParamState = Record<string, Tensor | number>;

/** An optimizer's state dict, in PyTorch's structure: state by parameter index, and the groups with `params` as indices. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

/** Builders for the update expressions (float32 throughout). */
export const ux = {
  value: (index: number): Expr => ({ kind: 'input', index, dtype: 'float32' }),
  scalar: (index: number): Expr => ({ kind: 'scalar', index, dtype: 'float32' }),
  bin: (op: BinaryOp, a: Expr, b: Expr): Expr => ({ kind: 'binary', op, a, b, dtype: 'float32' }),
  un: (op: UnaryOp, x: Expr): Expr => ({ kind: 'unary', op, x, dtype: 'float32' }),
  add: (a: Expr, b: Expr) => ux.bin('add', a, b),
  sub: (a: Expr, b: Expr) => ux.bin('sub', a, b),
  mul: (a: Expr, b: Expr) => ux.bin('mul', a, b),
  div: (a: Expr, b: Expr) => ux.bin('div', a, b),
};

const isNonNegative = (x: unknown) => typeof x === 'number' && x >= 0;

/** The base class of optimizers: parameter groups with options (`lr`, ...), `step()`, `zeroGrad()`, `stateDict()`. */
export abstract class Optimizer<O extends { lr: number }> {
  /** The parameter groups, each with its parameters and its options as properties (`opt.paramGroups[0].lr = 0.01`). */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** The options a group gets unless it sets its own. */
  readonly defaults: O;
  protected state = new Map<Tensor, ParamState>();

  constructor(params: OptimizerParams<O>, defaults: O) {
    const name = this.constructor.name;
    if (params instanceof Tensor || typeof (params as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function') {
      fail(name, `params must be an iterable of tensors or of parameter groups (pass model.parameters() or [x]), got ${String(params)}`);
    }
    this.defaults = defaults;
    const list = [...params];
    if (list.length === 0) fail(name, 'optimizer got an empty parameter list (pass model.parameters())');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group of parameters with its own options (the rest from the defaults), as PyTorch's add_param_group. */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.constructor.name;
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !('params' in group))
      fail(name, 'a parameter group is an object { params: [...], ...options }');
    const { params: ps, ...overrides } = group;
    const tensors = ps instanceof Tensor ? [ps] : [...(ps as Iterable<Tensor>)];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    tensors.forEach((p, i) => {
      if (!(p instanceof Tensor)) fail(name, `parameter ${i} is not a tensor`);
      if (!isFloating(p.dtype)) fail(name, `parameter ${i} has dtype ${p.dtype}; only floating tensors can be optimized`);
      if (!p.isLeaf) fail(name, `parameter ${i} is not a leaf tensor (it was computed from others); optimize leaves such as model.parameters()`);
      if (seen.has(p)) fail(name, `parameter ${i} (shape ${fmtShape(p.shape)}) appears in more than one parameter group (or twice in one)`);
      seen.add(p);
    });
    for (const key of Object.keys(overrides)) {
      if (!(key in (this.defaults as object)) && key !== 'initialLr' && key !== 'name')
        fail(name, `unknown option '${key}' (known: ${Object.keys(this.defaults as object).join(', ')})`);
    }
    const g = { ...this.defaults, ...overrides, params: tensors } as ParamGroup<O>;
    for (const [k, v] of Object.entries(g)) if (Array.isArray(v) && k !== 'params') (g as Record<string, unknown>)[k] = [...(v as unknown[])];
    Object.defineProperty(g, 'options', { get: () => g, enumerable: false });
    this.checkGroup(g);
    this.paramGroups.push(g);
  }

  /** Checks a group's options; optimizers extend it with their own. */
  protected checkGroup(g: O): void {
    if (!isNonNegative(g.lr)) fail(this.constructor.name, `invalid learning rate ${g.lr}: it must be a number >= 0`);
    const o = g as unknown as Record<string, unknown>;
    for (const key of ['eps', 'weightDecay', 'momentum'])
      if (key in o && !isNonNegative(o[key])) fail(this.constructor.name, `invalid ${key} ${String(o[key])}: it must be >= 0`);
    if ('betas' in o) {
      const b = o.betas as number[];
      if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => typeof x === 'number' && x >= 0 && x < 1))
        fail(this.constructor.name, `invalid betas [${Array.isArray(b) ? b.join(', ') : String(b)}]: two numbers, each in [0, 1)`);
    }
  }

  /** Clears the gradients of every parameter: to null (the default, as PyTorch's set_to_none), or to zeros. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const setToNone = opts.setToNone ?? true;
    withGradMode(false, () => {
      for (const g of this.paramGroups) {
        for (const p of g.params) {
          if (setToNone) p.grad = null;
          else p.grad?.zero_();
        }
      }
    });
  }

  /** Applies one update to every parameter that has a gradient, in place; a `closure` (zeroGrad, loss, backward) runs first and its result is returned. */
  step<T = undefined>(closure?: () => T): T | undefined {
    if (closure !== undefined && typeof closure !== 'function')
      fail(`${this.constructor.name}.step`, 'the closure must be a function that computes the loss and calls backward()');
    const result = closure ? withGradMode(true, closure) : undefined;
    withGradMode(false, () => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad) continue;
          if (p.grad.shape.join() !== p.shape.join())
            fail(`${this.constructor.name}.step`, `gradient shape ${fmtShape(p.grad.shape)} does not match parameter shape ${fmtShape(p.shape)}`);
          if (!p.isContiguous()) fail(`${this.constructor.name}.step`, 'parameters must be contiguous');
          this.updateParameter(p, p.grad, group, this.stateOf(p));
        }
      }
    });
    return result;
  }

  /** The optimizer's state as PyTorch's state_dict(): `{ state: { 0: { step, exp_avg, ... } }, param_groups: [{ lr, ..., params: [0] }] }`. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[snakeKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
      const params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...out, params };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, i] of index) {
      const s = this.state.get(p);
      if (s && Object.keys(s).length > 0) state[i] = { ...s };
    }
    return { state, param_groups };
  }

  /** Loads a state dict from stateDict() (or PyTorch's layout): group options and per-parameter state, copied. */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = `${this.constructor.name}.loadStateDict`;
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.param_groups) || typeof sd.state !== 'object')
      fail(name, 'expected { state, param_groups } as optimizer.stateDict() returns');
    if (sd.param_groups.length !== this.paramGroups.length)
      fail(name, `the state dict has ${sd.param_groups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    const byIndex = new Map<number, Tensor>();
    sd.param_groups.forEach((saved, gi) => {
      const group = this.paramGroups[gi];
      if (!Array.isArray(saved.params) || saved.params.length !== group.params.length)
        fail(name, `group ${gi} has ${String(saved.params?.length)} parameters in the state dict, ${group.params.length} in the optimizer`);
      saved.params.forEach((id, k) => byIndex.set(id, group.params[k]));
    });
    const state = new Map<Tensor, ParamState>();
    withGradMode(false, () => {
      for (const [id, saved] of Object.entries(sd.state)) {
        const p = byIndex.get(Number(id));
        if (!p) fail(name, `state for parameter ${id}, which no group lists`);
        const s: ParamState = {};
        for (const [key, v] of Object.entries(saved)) {
          if (typeof v === 'number') s[key] = v;
          else if (v instanceof Tensor && v.shape.join() === p.shape.join()) s[key] = this.zerosLike(p).copy_(v.device === p.device ? v : v.to(p.device));
          else if (v instanceof Tensor && v.numel() === 1) fail(name, `state ${id}.${key} is a one-element tensor; pass it as a number (await t.item())`);
          else fail(name, `state ${id}.${key} must be a number or a tensor of the parameter's shape ${fmtShape(p.shape)}`);
        }
        state.set(p, s);
      }
    });
    sd.param_groups.forEach((saved, gi) => {
      const group = this.paramGroups[gi] as Record<string, unknown>;
      for (const [k, v] of Object.entries(saved)) if (k !== 'params') group[camelKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
      this.checkGroup(group as unknown as O);
    });
    this.state = state;
  }

  private stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return s;
  }

  /** A zero buffer shaped like `p`, for optimizer state. */
  protected zerosLike(p: Tensor): Tensor {
    return emptyTensor(p.device, p.shape, p.dtype, true);
  }

  /** Runs one fused kernel: state[k] = exprs[k](state..., grad), with `scalars` as its numbers. */
  protected fusedUpdate(exprs: Expr[], state: Tensor[], grad: Tensor, scalars: number[]): void {
    state[0].backend.update(exprs, state.map(viewOf), [viewOf(grad)], scalars);
  }

  protected abstract updateParameter(p: Tensor, grad: Tensor, options: O, state: ParamState): void;
}
