/** Loss modules: the module forms of F's losses; class weights are buffers (in stateDict), as PyTorch registers them. */
import type { Tensor } from '../tensor';
import * as F from '../functional/index';
import type { BceWithLogitsOptions, LossOptions, NllLossOptions } from '../functional/losses';
import type { BceOptions, CosineEmbeddingOptions, HuberOptions, KlDivOptions, SmoothL1Options } from '../functional/more-losses';
import { Module } from './module';

/** The module form of `F.l1Loss`: `loss(input, target)`. */
export class L1Loss extends Module {
  constructor(readonly opts: LossOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.opts);
  }
}

/** The module form of `F.smoothL1Loss` (`{ beta, reduction }`). */
export class SmoothL1Loss extends Module {
  constructor(readonly opts: SmoothL1Options = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.opts);
  }
}

/** The module form of `F.huberLoss` (`{ delta, reduction }`). */
export class HuberLoss extends Module {
  constructor(readonly opts: HuberOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.opts);
  }
}

/** The module form of `F.nllLoss` (`{ weight, ignoreIndex, reduction }`): `loss(logProbs, target)`. */
export class NLLLoss extends Module {
  /** The per-class weight (a buffer), or null. */
  weight: Tensor | null;
  constructor(readonly opts: NllLossOptions = {}) {
    super();
    this.weight = opts.weight ?? null;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { ...this.opts, weight: this.weight });
  }
}

/** The module form of `F.binaryCrossEntropy` (`{ weight, reduction }`): `loss(probabilities, target)`. */
export class BCELoss extends Module {
  /** The per-element weight (a buffer), or null. */
  weight: Tensor | null;
  constructor(readonly opts: BceOptions = {}) {
    super();
    this.weight = opts.weight ?? null;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { ...this.opts, weight: this.weight });
  }
}

/** The module form of `F.binaryCrossEntropyWithLogits` (`{ weight, posWeight, reduction }`): `loss(logits, target)`. */
export class BCEWithLogitsLoss extends Module {
  /** The per-element weight (a buffer), or null. */
  weight: Tensor | null;
  /** The weight of positive examples (a buffer, PyTorch's key `pos_weight`), or null. */
  pos_weight: Tensor | null;
  constructor(readonly opts: BceWithLogitsOptions = {}) {
    super();
    this.weight = opts.weight ?? null;
    this.pos_weight = opts.posWeight ?? null;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { ...this.opts, weight: this.weight, posWeight: this.pos_weight });
  }
}

/** The module form of `F.klDiv` (`{ reduction, logTarget }`, reduction 'batchmean' too): `loss(logProbs, target)`. */
export class KLDivLoss extends Module {
  constructor(readonly opts: KlDivOptions = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.opts);
  }
}

/** The module form of `F.cosineEmbeddingLoss` (`{ margin, reduction }`): `loss(x1, x2, target)`. */
export class CosineEmbeddingLoss extends Module {
  constructor(readonly opts: CosineEmbeddingOptions = {}) {
    super();
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, this.opts);
  }
}
