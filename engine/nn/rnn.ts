/**
 * Recurrent layers as PyTorch has them: RNN (tanh or relu), LSTM and GRU over whole sequences,
 * and the single-step cells. The input projection of every time step is one matmul per layer and
 * direction; the recurrence is one recorded op (engine/ops/rnn-sequence.ts) that runs one fused
 * kernel per time step (the recurrent matmul, the gates and the state update) and, backward, one
 * pointwise kernel and one matmul per step. While tracing for torch.compile (or for dtypes other
 * than float32) each step is composed of ordinary ops (engine/ops/rnn-cell.ts).
 */
import { fail, fmtShape } from '../core/errors';
import * as create from '../ops/creation';
import { rnnStep, type RnnMode } from '../ops/rnn-cell';
import { rnnSequence, rnnSequenceApplies } from '../ops/rnn-sequence';
import { cat, stack } from '../ops/views';
import type { Tensor } from '../tensor';
import * as F from '../functional/index';
import { Module, Parameter } from './module';
import { pyFloat } from './repr';

/** Options of nn.RNN, nn.LSTM and nn.GRU (PyTorch's keyword arguments in camelCase). */
export interface RNNOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** 'tanh' (default) or 'relu' (nn.RNN only). */
  nonlinearity?: 'tanh' | 'relu';
  /** Whether the layers have bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Inputs and outputs as [batch, seq, feature] instead of [seq, batch, feature]. */
  batchFirst?: boolean;
  /** Dropout on each layer's output but the last, in training mode (default 0). */
  dropout?: number;
  /** Runs each layer forward and backward in time, concatenating both outputs (default false). */
  bidirectional?: boolean;
}

/** Gates stacked in the weights: RNN 1, LSTM 4 (i, f, g, o), GRU 3 (r, z, n). */
const GATES: Record<RnnMode, number> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

function uniformParam(shape: number[], bound: number): Tensor {
  return Parameter(
    create
      .rand(shape)
      .mul(2 * bound)
      .sub(bound),
  );
}

function checkSizes(op: string, inputSize: number, hiddenSize: number): void {
  if (!Number.isInteger(inputSize) || inputSize < 0) fail(op, `input_size must be a non-negative integer, got ${inputSize}`);
  if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) fail(op, `hidden_size must be a positive integer, got ${hiddenSize}`);
}

type Fields = Record<string, Tensor | null>;

/** The shared machinery of nn.RNN, nn.LSTM and nn.GRU (PyTorch's RNNBase). */
export class RNNBase extends Module {
  /** Stacked recurrent layers. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether inputs and outputs are [batch, seq, feature]. */
  readonly batchFirst: boolean;
  /** Dropout between layers in training mode. */
  readonly dropout: number;
  /** Whether each layer also runs backward in time. */
  readonly bidirectional: boolean;
  /** Layer 0's input-to-hidden weights [gates * hidden, input] (other layers: `weight_ih_l1`, ..., `_reverse` for the backward direction). */
  declare weight_ih_l0: Tensor;
  /** Layer 0's hidden-to-hidden weights [gates * hidden, hidden]. */
  declare weight_hh_l0: Tensor;
  /** Layer 0's input-to-hidden bias (absent without bias). */
  declare bias_ih_l0: Tensor;
  /** Layer 0's hidden-to-hidden bias (absent without bias). */
  declare bias_hh_l0: Tensor;

  constructor(
    /** The cell: 'tanh' or 'relu' (RNN), 'lstm' or 'gru'. */
    readonly mode: RnnMode,
    /** The number of features of each input step. */
    readonly inputSize: number,
    /** The number of features of the hidden state. */
    readonly hiddenSize: number,
    opts: RNNOptions = {},
  ) {
    super();
    const op = this.constructor.name;
    checkSizes(op, inputSize, hiddenSize);
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) fail(op, `num_layers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1))
      fail(op, `dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${this.dropout}`);
    const bound = 1 / Math.sqrt(hiddenSize);
    const g = GATES[mode] * hiddenSize;
    const fields = this as unknown as Fields;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const layerIn = layer === 0 ? inputSize : hiddenSize * this.directions;
      for (const suffix of this.bidirectional ? ['', '_reverse'] : ['']) {
        fields[`weight_ih_l${layer}${suffix}`] = uniformParam([g, layerIn], bound);
        fields[`weight_hh_l${layer}${suffix}`] = uniformParam([g, hiddenSize], bound);
        if (this.bias) {
          fields[`bias_ih_l${layer}${suffix}`] = uniformParam([g], bound);
          fields[`bias_hh_l${layer}${suffix}`] = uniformParam([g], bound);
        }
      }
    }
  }

  /** 2 when bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The weights of one layer and direction: [weight_ih, weight_hh, bias_ih, bias_hh]. */
  private weights(layer: number, reverse: boolean): [Tensor, Tensor, Tensor | null, Tensor | null] {
    const f = this as unknown as Fields;
    const s = `l${layer}${reverse ? '_reverse' : ''}`;
    return [f[`weight_ih_${s}`]!, f[`weight_hh_${s}`]!, this.bias ? f[`bias_ih_${s}`]! : null, this.bias ? f[`bias_hh_${s}`]! : null];
  }

  /** Runs the stack over `x`, from the initial states `hx` (zeros when absent): [output, h_n] or, for LSTM, [output, [h_n, c_n]]. */
  protected run(x: Tensor, hx: Tensor | null, cx: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const op = this.constructor.name;
    if (x.ndim !== 2 && x.ndim !== 3) fail(op, `expected input to be 2-D or 3-D but received ${x.ndim}-D tensor of shape ${fmtShape(x.shape)}`);
    if (x.shape[x.ndim - 1] !== this.inputSize)
      fail(op, `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[x.ndim - 1]} (input ${fmtShape(x.shape)})`);
    const batched = x.ndim === 3;
    // [seq, batch, feature] from here on.
    let seq = batched ? (this.batchFirst ? x.transpose(0, 1) : x) : x.unsqueeze(1);
    const [steps, batch] = seq.shape;
    const H = this.hiddenSize;
    const D = this.directions;
    const stateShape = [this.numLayers * D, batch, H];
    const initial = (name: string, s: Tensor | null): Tensor => {
      if (s === null) return create.full(stateShape, 0, { dtype: x.dtype, device: x.device });
      const want = batched ? stateShape : [stateShape[0], H];
      if (s.shape.length !== want.length || s.shape.some((n, i) => n !== want[i]))
        fail(op, `expected ${name} of size ${fmtShape(want)} (num_layers * num_directions, ${batched ? 'batch, ' : ''}hidden_size), got ${fmtShape(s.shape)}`);
      if (s.device !== x.device) fail(op, `${name} is on '${s.device}' but the input is on '${x.device}'`);
      return batched ? s : s.unsqueeze(1);
    };
    const h0 = initial('hidden state', hx);
    const c0 = this.mode === 'lstm' ? initial('cell state', cx) : null;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < D; dir++) {
        const idx = layer * D + dir;
        const [wIh, wHh, bIh, bHh] = this.weights(layer, dir === 1);
        // One matmul for the input projections of all steps: [seq, batch, gates * hidden].
        const gx = F.linear(seq, wIh, bIh);
        let h = h0.select(0, idx);
        let c = c0 ? c0.select(0, idx) : null;
        if (steps > 0 && rnnSequenceApplies([gx, h, c, wHh, bHh])) {
          // The fused sequence: one kernel per step, every state in one tensor [steps + 1, S, batch, hidden].
          const states = rnnSequence(this.mode, dir === 1 ? gx.flip(0) : gx, h, c, wHh, bHh);
          const hs = states.narrow(0, 1, steps).select(1, 0);
          outs.push(dir === 1 ? hs.flip(0) : hs);
          hN.push(states.select(0, steps).select(0, 0));
          if (c) cN.push(states.select(0, steps).select(0, 1));
          continue;
        }
        const hs = new Array<Tensor>(steps);
        for (let k = 0; k < steps; k++) {
          const t = dir === 1 ? steps - 1 - k : k;
          [h, c] = rnnStep(this.mode, gx.select(0, t), h, c, wHh, bHh);
          hs[t] = h;
        }
        outs.push(steps > 0 ? stack(hs, 0) : create.full([0, batch, H], 0, { dtype: x.dtype, device: x.device }));
        hN.push(h);
        if (c) cN.push(c);
      }
      seq = D === 1 ? outs[0] : cat(outs, 2);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) seq = F.dropout(seq, this.dropout, true);
    }
    const out = batched ? (this.batchFirst ? seq.transpose(0, 1) : seq) : seq.squeeze(1);
    const finish = (states: Tensor[]) => {
      const s = stack(states, 0);
      return batched ? s : s.squeeze(1);
    };
    return [out, finish(hN), c0 ? finish(cN) : null];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** An Elman RNN (tanh or relu) over a sequence: `forward(x, h0?)` returns `[output, h_n]`. */
export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') fail('RNN', `unknown nonlinearity '${String(nl)}' (expected 'tanh' or 'relu')`);
    super(nl, inputSize, hiddenSize, opts);
  }
  /** Runs the RNN over `x` ([seq, batch, input], [batch, seq, input] with batchFirst, or unbatched [seq, input]) from `h0` (zeros by default). */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [out, h] = this.run(x, h0 ?? null, null);
    return [out, h];
  }
}

/** A long short-term memory layer: `forward(x, [h0, c0]?)` returns `[output, [h_n, c_n]]`. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: Omit<RNNOptions, 'nonlinearity'> = {}) {
    super('lstm', inputSize, hiddenSize, opts);
  }
  /** Runs the LSTM over `x` from the states `[h0, c0]` (zeros by default). */
  override forward(x: Tensor, state?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (state != null && (!Array.isArray(state) || state.length !== 2))
      fail('LSTM', 'the initial state must be a pair [h0, c0] (PyTorch passes a tuple (h0, c0))');
    const [out, h, c] = this.run(x, state?.[0] ?? null, state?.[1] ?? null);
    return [out, [h, c!]];
  }
}

/** A gated recurrent unit layer: `forward(x, h0?)` returns `[output, h_n]`. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: Omit<RNNOptions, 'nonlinearity'> = {}) {
    super('gru', inputSize, hiddenSize, opts);
  }
  /** Runs the GRU over `x` from `h0` (zeros by default). */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [out, h] = this.run(x, h0 ?? null, null);
    return [out, h];
  }
}

export { RNNCellBase, RNNCell, LSTMCell, GRUCell } from './rnn-cells';
