/** Activation modules: the module forms of F's activations, printed as PyTorch prints them. */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import * as F from '../functional/index';
import { Module } from './module';
import { pyFloat } from './repr';

function checkNumber(op: string, name: string, v: number): void {
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${name} must be a number, got ${String(v)}`);
}

/** PyTorch's implicit softmax dim (when none is given): 0 for 0-, 1- and 3-d inputs, else 1. */
function softmaxDim(dim: number | null, ndim: number): number {
  return dim ?? (ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1);
}

/** Returns its input unchanged (a placeholder layer); takes and ignores any constructor arguments. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** The module form of `F.silu`: `x * sigmoid(x)`. */
export class SiLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

/** The module form of `F.mish`: `x * tanh(softplus(x))`. */
export class Mish extends Module {
  override forward(x: Tensor): Tensor {
    return F.mish(x);
  }
}

/** The module form of `F.leakyRelu`: `x` where positive, else `negativeSlope * x`. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  override forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/** The module form of `F.elu`: `x` where positive, else `alpha * (exp(x) - 1)`. */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkNumber('ELU', 'alpha', alpha);
  }
  override forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/** The module form of `F.hardtanh`: `x` clamped into [minVal, maxVal]. */
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
    checkNumber('Hardtanh', 'minVal', minVal);
    checkNumber('Hardtanh', 'maxVal', maxVal);
    if (minVal > maxVal) fail('Hardtanh', `minVal (${minVal}) must not be greater than maxVal (${maxVal})`);
  }
  override forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}`;
  }
}

/** The module form of `F.softplus`: `log(1 + exp(beta x)) / beta`, linear above `threshold` (`{ beta, threshold }`, or beta as a number). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(opts: { beta?: number; threshold?: number } | number = {}, threshold?: number) {
    super();
    const o = typeof opts === 'number' ? { beta: opts, threshold } : opts;
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
    checkNumber('Softplus', 'beta', this.beta);
    checkNumber('Softplus', 'threshold', this.threshold);
  }
  override forward(x: Tensor): Tensor {
    return F.softplus(x, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`;
  }
}

/** The module form of `F.softmax` along `dim` (PyTorch's implicit dim when none is given). */
export class Softmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
    if (dim !== null) checkNumber('Softmax', 'dim', dim);
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(x, softmaxDim(this.dim, x.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/** The module form of `F.logSoftmax` along `dim` (PyTorch's implicit dim when none is given). */
export class LogSoftmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
    if (dim !== null) checkNumber('LogSoftmax', 'dim', dim);
  }
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, softmaxDim(this.dim, x.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
