/** Layers, initialised as PyTorch initialises them, from Wick's seeded generator. */
import { fail } from '../core/errors';
import * as create from '../ops/creation';
import type { Tensor } from '../tensor';
import * as F from '../functional/index';
import type { CrossEntropyOptions, LossOptions } from '../functional/losses';
import { Module, Parameter } from './module';
import { pyBool, pyFloat, pyTuple } from './repr';

/** U(-bound, bound): PyTorch's kaiming_uniform_(a=sqrt(5)) gives bound = 1/sqrt(fanIn). */
function uniform(shape: number[], bound: number): Tensor {
  return Parameter(
    create
      .rand(shape)
      .mul(2 * bound)
      .sub(bound),
  );
}

/** A fully connected layer: `y = x @ weight.T + bias`, for inputs `[..., inFeatures]`. */
export class Linear extends Module {
  /** The learned weight (a parameter). */
  weight: Tensor;
  /** The learned bias (null when made without one). */
  bias: Tensor | null;
  constructor(
    /** The size of each input's last dimension. */
    readonly inFeatures: number,
    /** The size of each output's last dimension. */
    readonly outFeatures: number,
    opts: { bias?: boolean } = {},
  ) {
    super();
    if (![inFeatures, outFeatures].every((n) => Number.isInteger(n) && n >= 0))
      fail('Linear', `in_features and out_features must be non-negative integers, got ${inFeatures} and ${outFeatures}`);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = uniform([outFeatures, inFeatures], bound);
    this.bias = opts.bias === false ? null : uniform([outFeatures], bound);
  }
  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Flattens dimensions `startDim` to `endDim` (by default all but the batch dimension). */
export class Flatten extends Module {
  constructor(
    /** The first dimension flattened. */
    readonly startDim = 1,
    /** The last dimension flattened. */
    readonly endDim = -1,
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Layer normalization over the trailing `normalizedShape` dimensions, with a learned scale and shift. */
export class LayerNorm extends Module {
  /** The learned scale (null without `elementwiseAffine`). */
  weight: Tensor | null;
  /** The learned shift (null without `elementwiseAffine`). */
  bias: Tensor | null;
  /** The trailing dimensions normalized over. */
  readonly normalizedShape: number[];
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  constructor(normalizedShape: number | number[], opts: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? Parameter(create.full(this.normalizedShape, 1)) : null;
    this.bias = affine ? Parameter(create.full(this.normalizedShape, 0)) : null;
  }
  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.weight !== null)}`;
  }
}

/** A lookup table: int32 indices to rows of a learned `[numEmbeddings, embeddingDim]` weight. */
export class Embedding extends Module {
  /** The learned weight (a parameter). */
  weight: Tensor;
  constructor(
    /** The number of rows (the size of the vocabulary). */
    readonly numEmbeddings: number,
    /** The size of each row. */
    readonly embeddingDim: number,
  ) {
    super();
    if (![numEmbeddings, embeddingDim].every((n) => Number.isInteger(n) && n >= 0))
      fail('Embedding', `numEmbeddings and embeddingDim must be non-negative integers, got ${numEmbeddings} and ${embeddingDim}`);
    this.weight = Parameter(create.randn([numEmbeddings, embeddingDim]));
  }
  override forward(indices: Tensor): Tensor {
    return F.embedding(indices, this.weight);
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}

/** Zeroes elements with probability `p` in training mode (scaling the rest by `1/(1-p)`); the identity in eval mode. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) fail('Dropout', `probability must be between 0 and 1, got ${p}`);
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

/** The module form of `F.relu`. */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/** The module form of `F.gelu` (`approximate: 'tanh'` for the tanh approximation). */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** The module form of `F.sigmoid`. */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

/** The module form of `F.tanh`. */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/** The module form of `F.crossEntropy` (`{ weight, ignoreIndex, labelSmoothing, reduction }`): `loss(logits, target)`. */
export class CrossEntropyLoss extends Module {
  /** The per-class weight (a buffer, as PyTorch registers it), or null. */
  weight: Tensor | null;
  constructor(readonly opts: CrossEntropyOptions = {}) {
    super();
    this.weight = opts.weight ?? null;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { ...this.opts, weight: this.weight });
  }
}

/** The module form of `F.mseLoss`: `loss(input, target)`. */
export class MSELoss extends Module {
  constructor(readonly opts: LossOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.opts);
  }
}
