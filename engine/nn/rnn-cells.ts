/** The single-step recurrent cells: nn.RNNCell, nn.LSTMCell, nn.GRUCell (one fused step each, engine/ops/rnn-cell.ts). */
import { fail, fmtShape } from '../core/errors';
import * as create from '../ops/creation';
import { rnnStep, type RnnMode } from '../ops/rnn-cell';
import type { Tensor } from '../tensor';
import * as F from '../functional/index';
import { Module, Parameter } from './module';

const GATES: Record<RnnMode, number> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

function uniformParam(shape: number[], bound: number): Tensor {
  return Parameter(
    create
      .rand(shape)
      .mul(2 * bound)
      .sub(bound),
  );
}

/** The shared machinery of the cells (PyTorch's RNNCellBase): weight_ih, weight_hh, bias_ih, bias_hh. */
export class RNNCellBase extends Module {
  /** Input-to-hidden weights [gates * hidden, input]. */
  weight_ih: Tensor;
  /** Hidden-to-hidden weights [gates * hidden, hidden]. */
  weight_hh: Tensor;
  /** Input-to-hidden bias (null without bias). */
  bias_ih: Tensor | null;
  /** Hidden-to-hidden bias (null without bias). */
  bias_hh: Tensor | null;

  constructor(
    /** The cell: 'tanh' or 'relu' (RNNCell), 'lstm' or 'gru'. */
    readonly mode: RnnMode,
    /** The number of features of the input. */
    readonly inputSize: number,
    /** The number of features of the hidden state. */
    readonly hiddenSize: number,
    bias: boolean,
  ) {
    super();
    const op = this.constructor.name;
    if (!Number.isInteger(inputSize) || inputSize < 0) fail(op, `input_size must be a non-negative integer, got ${inputSize}`);
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) fail(op, `hidden_size must be a positive integer, got ${hiddenSize}`);
    const bound = 1 / Math.sqrt(hiddenSize);
    const g = GATES[mode] * hiddenSize;
    this.weight_ih = uniformParam([g, inputSize], bound);
    this.weight_hh = uniformParam([g, hiddenSize], bound);
    this.bias_ih = bias ? uniformParam([g], bound) : null;
    this.bias_hh = bias ? uniformParam([g], bound) : null;
  }

  /** One step from `x` ([batch, input] or [input]) and the states (zeros when absent). */
  protected step(x: Tensor, hx: Tensor | null, cx: Tensor | null): [Tensor, Tensor | null] {
    const op = this.constructor.name;
    if (x.ndim !== 1 && x.ndim !== 2) fail(op, `expected input to be 1-D or 2-D but received ${x.ndim}-D tensor of shape ${fmtShape(x.shape)}`);
    if (x.shape[x.ndim - 1] !== this.inputSize)
      fail(op, `input has inconsistent input_size: got ${x.shape[x.ndim - 1]} expected ${this.inputSize} (input ${fmtShape(x.shape)})`);
    const batched = x.ndim === 2;
    const xb = batched ? x : x.unsqueeze(0);
    const shape = [xb.shape[0], this.hiddenSize];
    const state = (name: string, s: Tensor | null): Tensor => {
      if (s === null) return create.full(shape, 0, { dtype: x.dtype, device: x.device });
      const want = batched ? shape : [this.hiddenSize];
      if (s.shape.length !== want.length || s.shape.some((n, i) => n !== want[i]))
        fail(op, `expected ${name} of size ${fmtShape(want)}, got ${fmtShape(s.shape)}`);
      return batched ? s : s.unsqueeze(0);
    };
    const h0 = state('hidden state', hx);
    const c0 = this.mode === 'lstm' ? state('cell state', cx) : null;
    const [h, c] = rnnStep(this.mode, F.linear(xb, this.weight_ih, this.bias_ih), h0, c0, this.weight_hh, this.bias_hh);
    return batched ? [h, c] : [h.squeeze(0), c ? c.squeeze(0) : null];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.bias_ih === null) s += ', bias=False';
    if (this.mode === 'relu') s += ", nonlinearity='relu'";
    return s;
  }
}

/** An Elman RNN cell: `forward(x, h?)` returns the next hidden state. */
export class RNNCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') fail('RNNCell', `unknown nonlinearity '${String(nl)}' (expected 'tanh' or 'relu')`);
    super(nl, inputSize, hiddenSize, opts.bias ?? true);
  }
  /** The next hidden state from `x` and `h` (zeros by default). */
  override forward(x: Tensor, h?: Tensor | null): Tensor {
    return this.step(x, h ?? null, null)[0];
  }
}

/** An LSTM cell: `forward(x, [h, c]?)` returns `[h', c']`. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean } = {}) {
    super('lstm', inputSize, hiddenSize, opts.bias ?? true);
  }
  /** The next states `[h', c']` from `x` and `[h, c]` (zeros by default). */
  override forward(x: Tensor, state?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (state != null && (!Array.isArray(state) || state.length !== 2)) fail('LSTMCell', 'the state must be a pair [h, c] (PyTorch passes a tuple (h, c))');
    const [h, c] = this.step(x, state?.[0] ?? null, state?.[1] ?? null);
    return [h, c!];
  }
}

/** A GRU cell: `forward(x, h?)` returns the next hidden state. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean } = {}) {
    super('gru', inputSize, hiddenSize, opts.bias ?? true);
  }
  /** The next hidden state from `x` and `h` (zeros by default). */
  override forward(x: Tensor, h?: Tensor | null): Tensor {
    return this.step(x, h ?? null, null)[0];
  }
}
