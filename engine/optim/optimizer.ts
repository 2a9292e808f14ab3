/**
 * The optimizer base: parameter groups, per-parameter state, zeroGrad, and the fused in-place
 * update each optimizer's step is written as (one kernel per parameter per step).
 */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { withGradMode } from '../core/runtime';
import type { BinaryOp, Expr, UnaryOp } from '../ops/op-types';
import { emptyTensor, viewOf } from '../ops/make';
import { Tensor } from '../tensor';

export interface ParamGroup<O> {
  params: Tensor[];
  options: O;
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

/** The base class of optimizers: parameter groups with options (`lr`, ...), `step()` and `zeroGrad()`. */
export abstract class Optimizer<O extends { lr: number }> {
  /** The parameters and their options, by group (change `options.lr` to change the learning rate). */
  readonly paramGroups: ParamGroup<O>[];
  protected state = new Map<Tensor, Record<string, Tensor | number>>();

  constructor(params: Iterable<Tensor> | Iterable<{ params: Iterable<Tensor> } & Partial<O>>, defaults: O) {
    const name = this.constructor.name;
    if (params instanceof Tensor || typeof (params as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function') {
      fail(name, `params must be an iterable of tensors or of parameter groups (pass model.parameters() or [x]), got ${String(params)}`);
    }
    const list = [...params];
    if (list.length === 0) fail(this.constructor.name, 'optimizer got an empty parameter list (pass model.parameters())');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ({ params: Iterable<Tensor> } & Partial<O>)[]);
    this.paramGroups = groups.map((g) => {
      const { params: ps, ...overrides } = g as { params: Iterable<Tensor> } & Partial<O>;
      const tensors = [...ps];
      tensors.forEach((p, i) => {
        if (!(p instanceof Tensor)) fail(this.constructor.name, `parameter ${i} is not a tensor`);
        if (!isFloating(p.dtype)) fail(this.constructor.name, `parameter ${i} has dtype ${p.dtype}; only floating tensors can be optimized`);
        if (!p.isLeaf)
          fail(this.constructor.name, `parameter ${i} is not a leaf tensor (it was computed from others); optimize leaves such as model.parameters()`);
      });
      return { params: tensors, options: { ...defaults, ...overrides } as O };
    });
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** Applies one update to every parameter that has a gradient, in place. */
  step(): void {
    withGradMode(false, () => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad) continue;
          if (p.grad.shape.join() !== p.shape.join())
            fail(`${this.constructor.name}.step`, `gradient shape ${fmtShape(p.grad.shape)} does not match parameter shape ${fmtShape(p.shape)}`);
          if (!p.isContiguous()) fail(`${this.constructor.name}.step`, 'parameters must be contiguous');
          this.updateParameter(p, p.grad, group.options, this.stateOf(p));
        }
      }
    });
  }

  private stateOf(p: Tensor): Record<string, Tensor | number> {
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

  protected abstract updateParameter(p: Tensor, grad: Tensor, options: O, state: Record<string, Tensor | number>): void;
}
