/** Transformer layers (PyTorch's nn.TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder). */
import { fail } from '../core/errors';
import { Tensor } from '../tensor';
import * as F from '../functional/index';
import { MultiheadAttention } from './attention';
import { ModuleList } from './containers';
import { Dropout, LayerNorm, Linear } from './layers';
import { Module, Parameter } from './module';

/** A deep copy of a module, as Python's copy.deepcopy: new parameters and buffers with the same values, submodules copied too. */
export function deepCopyModule<M extends Module>(m: M): M {
  // Module's constructor makes the callable object with the subclass's prototype; the fields are copied in order.
  const copy = Reflect.construct(Module, [], m.constructor) as M;
  const src = m as unknown as Record<string, unknown>;
  const dst = copy as unknown as Record<string, unknown>;
  copy.training = m.training;
  const params = new Set(m.parameters(false));
  for (const key of Object.keys(m)) {
    const v = src[key];
    if (v instanceof Module) dst[key] = deepCopyModule(v);
    else if (v instanceof Tensor) {
      const t = v.detach().clone();
      dst[key] = params.has(v) ? Parameter(t, v.requiresGrad) : t;
    } else if (Array.isArray(v)) dst[key] = [...(v as unknown[])];
    else dst[key] = v;
  }
  return copy;
}

type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

function activationFn(op: string, a: Activation): (x: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  if (a === 'relu') return F.relu;
  if (a === 'gelu') return (x) => F.gelu(x);
  return fail(op, `activation should be 'relu' or 'gelu', not '${String(a)}'`);
}

/** Options shared by the encoder and decoder layers, as PyTorch's keyword arguments. */
export interface TransformerLayerOptions {
  /** The hidden size of the feedforward block (2048 by default). */
  dimFeedforward?: number;
  /** Dropout probability (0.1 by default). */
  dropout?: number;
  /** `'relu'` (default), `'gelu'`, or a function. */
  activation?: Activation;
  /** LayerNorm's eps (1e-5 by default). */
  layerNormEps?: number;
  /** Inputs are `[N, L, E]` (else `[L, N, E]`). */
  batchFirst?: boolean;
  /** Normalize before each block (pre-norm) instead of after. */
  normFirst?: boolean;
  /** Biases in the linear layers and LayerNorms (true by default). */
  bias?: boolean;
}

/** Self-attention then a feedforward block, each with a residual and LayerNorm, as PyTorch's nn.TransformerEncoderLayer. */
export class TransformerEncoderLayer extends Module {
  /** The self-attention block. */
  self_attn: MultiheadAttention;
  /** The first feedforward linear layer. */
  linear1: Linear;
  /** Dropout inside the feedforward block. */
  dropout: Dropout;
  /** The second feedforward linear layer. */
  linear2: Linear;
  /** Whether the LayerNorms come before each block. */
  readonly normFirst: boolean;
  /** The LayerNorm of the attention block. */
  norm1: LayerNorm;
  /** The LayerNorm of the feedforward block. */
  norm2: LayerNorm;
  /** Dropout after the attention block. */
  dropout1: Dropout;
  /** Dropout after the feedforward block. */
  dropout2: Dropout;
  /** The feedforward activation. */
  readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const bias = opts.bias ?? true;
    const ff = opts.dimFeedforward ?? 2048;
    const eps = opts.layerNormEps ?? 1e-5;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: opts.batchFirst ?? false });
    this.linear1 = new Linear(dModel, ff, { bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias });
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = layerNorm(dModel, eps, bias);
    this.norm2 = layerNorm(dModel, eps, bias);
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activation = activationFn('TransformerEncoderLayer', opts.activation ?? 'relu');
  }

  /** `src` [N, L, E] (batchFirst) or [L, N, E]; masks as MultiheadAttention's (`srcMask` is its attnMask). */
  override forward(src: Tensor, opts: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.forward(x, x, x, { attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, needWeights: false, isCausal: opts.isCausal })[0],
      );
    const ffb = (x: Tensor) => this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      return x.add(ffb(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    return this.norm2.forward(x.add(ffb(x)));
  }
}

function layerNorm(d: number, eps: number, bias: boolean): LayerNorm {
  const n = new LayerNorm(d, { eps });
  if (!bias) n.bias = null;
  return n;
}

/** A stack of `numLayers` deep copies of an encoder layer, then an optional norm, as PyTorch's nn.TransformerEncoder. */
export class TransformerEncoder extends Module {
  /** The copies of the layer (`layers.0`, `layers.1`, ...). */
  layers: ModuleList;
  /** The number of layers. */
  readonly numLayers: number;
  /** The final normalization (null when not given). */
  norm: Module | null;

  constructor(encoderLayer: Module, numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    if (!(encoderLayer instanceof Module)) fail('TransformerEncoder', 'encoderLayer must be a Module');
    if (!Number.isInteger(numLayers) || numLayers < 1) fail('TransformerEncoder', `numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  /** Runs each layer in turn (with the same masks), then the norm. */
  override forward(src: Tensor, opts: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer(x, { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal }) as Tensor;
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}

/** Options of `TransformerDecoderLayer.forward`, as PyTorch's keyword arguments. */
export interface DecoderForwardOptions {
  /** The self-attention mask (MultiheadAttention's attnMask). */
  tgtMask?: Tensor | null;
  /** The cross-attention mask. */
  memoryMask?: Tensor | null;
  /** `[N, T]`: target positions to ignore. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[N, S]`: memory positions to ignore. */
  memoryKeyPaddingMask?: Tensor | null;
  /** A hint that tgtMask is causal. */
  tgtIsCausal?: boolean;
  /** A hint that memoryMask is causal. */
  memoryIsCausal?: boolean;
}

/** Self-attention, cross-attention over `memory`, then a feedforward block, as PyTorch's nn.TransformerDecoderLayer. */
export class TransformerDecoderLayer extends Module {
  /** The self-attention block. */
  self_attn: MultiheadAttention;
  /** The cross-attention block (queries from the target, keys and values from memory). */
  multihead_attn: MultiheadAttention;
  /** The first feedforward linear layer. */
  linear1: Linear;
  /** Dropout inside the feedforward block. */
  dropout: Dropout;
  /** The second feedforward linear layer. */
  linear2: Linear;
  /** Whether the LayerNorms come before each block. */
  readonly normFirst: boolean;
  /** The LayerNorm of the self-attention block. */
  norm1: LayerNorm;
  /** The LayerNorm of the cross-attention block. */
  norm2: LayerNorm;
  /** The LayerNorm of the feedforward block. */
  norm3: LayerNorm;
  /** Dropout after the self-attention block. */
  dropout1: Dropout;
  /** Dropout after the cross-attention block. */
  dropout2: Dropout;
  /** Dropout after the feedforward block. */
  dropout3: Dropout;
  /** The feedforward activation. */
  readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const bias = opts.bias ?? true;
    const eps = opts.layerNormEps ?? 1e-5;
    const ff = opts.dimFeedforward ?? 2048;
    const mha = () => new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: opts.batchFirst ?? false });
    this.self_attn = mha();
    this.multihead_attn = mha();
    this.linear1 = new Linear(dModel, ff, { bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias });
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = layerNorm(dModel, eps, bias);
    this.norm2 = layerNorm(dModel, eps, bias);
    this.norm3 = layerNorm(dModel, eps, bias);
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.activation = activationFn('TransformerDecoderLayer', opts.activation ?? 'relu');
  }

  /** `tgt` [N, T, E] and `memory` [N, S, E] (batchFirst; else length first): the updated target. */
  override forward(tgt: Tensor, memory: Tensor, opts: DecoderForwardOptions = {}): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.forward(x, x, x, { attnMask: opts.tgtMask, keyPaddingMask: opts.tgtKeyPaddingMask, needWeights: false, isCausal: opts.tgtIsCausal })[0],
      );
    const ca = (x: Tensor) =>
      this.dropout2.forward(
        this.multihead_attn.forward(x, memory, memory, {
          attnMask: opts.memoryMask,
          keyPaddingMask: opts.memoryKeyPaddingMask,
          needWeights: false,
          isCausal: opts.memoryIsCausal,
        })[0],
      );
    const ffb = (x: Tensor) => this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(ca(this.norm2.forward(x)));
      return x.add(ffb(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    x = this.norm2.forward(x.add(ca(x)));
    return this.norm3.forward(x.add(ffb(x)));
  }
}

/** A stack of `numLayers` deep copies of a decoder layer, then an optional norm, as PyTorch's nn.TransformerDecoder. */
export class TransformerDecoder extends Module {
  /** The copies of the layer (`layers.0`, `layers.1`, ...). */
  layers: ModuleList;
  /** The number of layers. */
  readonly numLayers: number;
  /** The final normalization (null when not given). */
  norm: Module | null;

  constructor(decoderLayer: Module, numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    if (!(decoderLayer instanceof Module)) fail('TransformerDecoder', 'decoderLayer must be a Module');
    if (!Number.isInteger(numLayers) || numLayers < 1) fail('TransformerDecoder', `numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(decoderLayer)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  /** Runs each layer in turn over `memory` (with the same masks), then the norm. */
  override forward(tgt: Tensor, memory: Tensor, opts: DecoderForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer(x, memory, opts) as Tensor;
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}
