/**
 * The narrow interface a device implements. The front end (Tensor, ops) decides shapes, dtypes,
 * broadcasting and views; a backend only allocates storage and runs kernels over strided views.
 */
import type { Device, DType, TypedArray } from '../core/dtype';
import type { ArgReduceOp, Expr, ReduceOp } from '../ops/op-types';
import type { Backlog } from '../core/backlog';

/** Device memory holding the elements of one or more tensors (views share it). */
export interface Storage {
  readonly device: Device;
  /** Elements the storage holds. */
  readonly length: number;
  readonly dtype: DType;
  /** Bytes of device memory it occupies. */
  readonly bytes: number;
  /** The reference that owns it (set by StorageRef; a compiled function's segments hold it through this). */
  owner?: unknown;
}

/** A strided window onto a storage: element (i0, i1, ...) lives at offset + sum(ik * strides[k]). */
export interface View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

/** Elementwise work fused into another kernel: `expr` over `leaves` (and `scalars`). */
export interface Fused {
  readonly expr: Expr;
  readonly leaves: readonly View[];
  readonly scalars: readonly number[];
}

/**
 * Pointwise work over a reduction's whole domain that reads each row's result (leaf 0) and its
 * own leaves (shaped like the domain), written to the flat `out`: one kernel for a softmax's or a
 * layer norm's last steps.
 */
export interface PostReduce extends Fused {
  readonly out: View;
}

/** A kernel's source read as one view, with nothing fused into it. */
export function plainSource(view: View): Fused {
  return { expr: { kind: 'input', index: 0, dtype: view.dtype }, leaves: [view], scalars: [] };
}

// ---- advanced indexing: who a bad index is reported as ----
/** The op the user called and the dimension (of the tensor they indexed) an index kernel's indices address. */
export interface IndexCheck {
  readonly op: string;
  readonly dim: number;
}

// ---- sort and scan ----
/** The combining op of an inclusive scan along a row (a running sum, product, maximum or minimum). */
export type ScanOp = 'sum' | 'prod' | 'max' | 'min';

// ---- recurrent cell step (#23) ----
/** The recurrent cells: Elman RNN with tanh or relu, LSTM (gates i, f, g, o), GRU (gates r, z, n). */
export type RnnMode = 'tanh' | 'relu' | 'lstm' | 'gru';

/**
 * The views of one backward step of a recurrent cell (all [B, H] unless said): `gh` and `gc` the
 * whole gradient of h' and c'; `saved` the gates the forward step saved ([B, 4H]; for RNN, h'
 * itself); `hPrev` (GRU), `cPrev` and `cNew` (LSTM) the states; `gcExtra` (LSTM) what else flows
 * into c's gradient. Written: `dPre` [B, G*H] the gradient of the input projection, `dHh` (GRU,
 * [B, G*H]) that of h @ W_hh^T + b_hh (for the others it is dPre), `dPrev` (LSTM: c's gradient,
 * plus gcExtra; GRU: the direct part of h's gradient, gh * z).
 */
export interface RnnBackwardViews {
  gh: View;
  saved: View;
  dPre: View;
  gc?: View;
  gcExtra?: View;
  hPrev?: View;
  cPrev?: View;
  cNew?: View;
  dHh?: View;
  dPrev?: View;
}

// ---- attention (#23) ----
/** What a fused attention kernel needs besides its views: the scores' scale and whether a causal (top-left) mask applies. */
export interface AttentionParams {
  readonly scale: number;
  readonly causal: boolean;
}

/** The views of a fused attention backward: inputs as in Backend.attention, its out and lse, the output's gradient, and the contiguous gradients to write. */
export interface AttentionGradViews {
  readonly q: View;
  readonly k: View;
  readonly v: View;
  readonly mask: View | null;
  readonly out: View;
  readonly lse: View;
  readonly dout: View;
  readonly dq: View;
  readonly dk: View;
  readonly dv: View;
}

export interface Backend {
  readonly device: Device;
  /** Storage for `length` elements whose contents a kernel will overwrite. */
  allocate(length: number, dtype: DType): Storage;
  /** Storage for `length` elements, all zero. */
  zeros(length: number, dtype: DType): Storage;
  /** A storage holding a copy of `data`. */
  upload(data: TypedArray, dtype: DType): Storage;
  /** Returns the storage's memory to the backend (its pool) once no tensor uses it. */
  release(storage: Storage): void;
  /** The elements of `view` in row-major order. */
  read(view: View): Promise<TypedArray>;
  /**
   * out[i] = expr(inputs[0][i], inputs[1][i], ...); every input is already broadcast to out.shape;
   * `scalars` are the values of the expression's scalar leaves.
   */
  elementwise(expr: Expr, inputs: readonly View[], out: View, scalars?: readonly number[]): void;
  /**
   * In-place update of same-shaped contiguous tensors: state[k] = exprs[k](state..., inputs...),
   * where input index k < state.length reads state[k]'s old value. One kernel for, e.g., an
   * optimizer's whole update of one parameter, with no buffer bound twice.
   */
  update(exprs: readonly Expr[], state: readonly View[], inputs: readonly View[], scalars: readonly number[]): void;
  /**
   * Reduces `source` (its leaves all share one shape) over the trailing dims after the first
   * `keptDims`, into the contiguous `out` (shape = the kept dims). An epilogue's leaf 0 is the
   * reduced value and its other leaves are read at the output's index.
   */
  reduce(op: ReduceOp, source: Fused, keptDims: number, out: View, epilogue?: Fused, post?: PostReduce): void;
  /** Along the last dim of `input`: the extreme value into `values` and its index into `indices`. */
  argReduce(op: ArgReduceOp, input: View, values: View, indices: View): void;
  /** Inclusive prefix sum along the last dim of `input` into contiguous `out` of the same shape. */
  cumsum(input: View, out: View): void;
  /**
   * Batched matmul: a [...batch, M, K] @ b [...batch, K, N] into contiguous out [...batch, M, N];
   * an epilogue's leaf 0 is the product and its other leaves are read at the output's index.
   */
  matmul(a: View, b: View, out: View, epilogue?: Fused): void;
  /**
   * out[...] = input[..., index[...], ...] along `dim`; out has index's shape. An index outside
   * the dim is an error reported as `check` says (CPU: at once; GPU: at the next read).
   */
  gather(input: View, dim: number, index: View, out: View, check?: IndexCheck): void;
  /** out[..., index[...], ...] += src[...] along `dim` (out already holds its starting values); bad indices as gather. */
  scatterAdd(src: View, dim: number, index: View, out: View, check?: IndexCheck): void;
  // ---- composite ops: scatter and searchsorted ----
  /** out[..., index[...], ...] = src[...] along `dim` (out already holds its other values; duplicates: one of them wins); bad indices as gather. */
  scatter(src: View, dim: number, index: View, out: View, check?: IndexCheck): void;
  /**
   * For each value of `values` [...batch, K], the insertion point in its row of `sorted` [...batch, M]
   * (ascending; batch dims may have stride 0): the first i with sorted[i] >= v, or > v when `right`,
   * into the contiguous int32 `out` [...batch, K].
   */
  searchSorted(sorted: View, values: View, out: View, right: boolean): void;
  // ---- sort and scan ----
  /**
   * Sorts each row (the last dim) of `input` into contiguous `values` (same dtype) and int32
   * `indices` (positions in the row), ascending or descending; stable (ties keep their order),
   * NaN sorts as the largest value.
   */
  sort(input: View, values: View, indices: View, descending: boolean): void;
  /**
   * Inclusive scan along the last dim of a float32 or int32 `input` into contiguous `out` of its
   * dtype; for max/min, `indices` (contiguous int32) gets the position of each running extreme:
   * the last among ties, and a NaN, once seen, wins (PyTorch's cummax/cummin).
   */
  scan(op: ScanOp, input: View, out: View, indices?: View): void;
  // ---- recurrent cell step (#23) ----
  /**
   * One recurrent time step as one kernel: the recurrent matmul h @ wHh^T (+ bHh), the gates and
   * the state update, from the step's input projection gx [B, G*H], h [B, H], c [B, H] (LSTM),
   * wHh [G*H, H], bHh [G*H] (all contiguous). Writes out [S, B, H] (h', then c' for LSTM) and,
   * for LSTM and GRU, `saved` [B, 4H] for the gradient (LSTM: i, f, g, o; GRU: r, z, n, W_hn h + b_hn).
   */
  rnnStep(mode: RnnMode, gx: View, h: View, c: View | null, wHh: View, bHh: View | null, out: View, saved: View | null): void;
  /** The pointwise part of one step's gradient as one kernel (see RnnBackwardViews); the matmuls stay matmuls. */
  rnnStepBackward(mode: RnnMode, v: RnnBackwardViews): void;
  // ---- attention (#23) ----
  /**
   * Fused attention over 4-d views q [N, H, L, E], k [N, H, S, E], v [N, H, S, Ev] (unit stride
   * along features) and an optional mask [N, H, L, S] (any strides; bool: true takes part, float:
   * added to the scores): writes the contiguous out [N, H, L, Ev] and each row's logsumexp of the
   * scaled, masked scores into lse [N, H, L] (-inf, with out 0, for a row with no key).
   */
  attention(q: View, k: View, v: View, mask: View | null, out: View, lse: View, p: AttentionParams): void;
  /** The gradients of Backend.attention for the output's gradient `dout`, from its saved out and lse (scores recomputed). */
  attentionBackward(views: AttentionGradViews, p: AttentionParams): void;
  // ---- conv and pool (#23) ----
  /**
   * Max or average pooling over the 2-d windows of contiguous float32 `input` [N, C, H, W] into
   * contiguous `out` [N, C, outH, outW], one invocation per output element; max also writes each
   * window's argmax (its flat position y * W + x in the input plane, a NaN winning) to `indices`.
   */
  pool2d(op: PoolOp, input: View, out: View, indices: View | null, window: PoolWindow): void;
  /**
   * pool2d's gradient: contiguous `grad` [N, C, outH, outW] summed back into contiguous `out`
   * [N, C, H, W], each input element gathering the windows it sits in (max: those whose argmax in
   * `indices` it is; avg: each window's gradient over its divisor). No atomics.
   */
  pool2dGrad(op: PoolOp, grad: View, indices: View | null, out: View, window: PoolWindow): void;
  /**
   * im2col's adjoint (a convolution's gradient with respect to its padded input): contiguous `cols`
   * [B, outH * outW * kh * kw, C] summed into contiguous `out` [B, planeH * planeW, C], each plane
   * position gathering the patch entries that read it. No atomics.
   */
  col2im(cols: View, out: View, window: Col2imWindow): void;
  /** Kernels dispatched so far on this backend. */
  readonly kernelCount: number;
  /** Shader pipelines compiled so far (a device that compiles kernels: WebGPU). */
  readonly pipelinesCreated?: number;
  /** Milliseconds spent compiling them so far, sync or async (overlapping compiles count once). */
  readonly compileMs?: number;
  /**
   * Compiles these kernel sources without blocking (where the device can), so their first
   * dispatch finds them ready. Resolves when all are.
   */
  preparePipelines?(kernels: readonly { name: string; wgsl: string }[]): Promise<void>;
  /**
   * Runs `record` without dispatching its kernels, then creates the pipelines they would need in
   * the background, while the device is idle: resolves to how many were created (engine/warm.ts).
   */
  warmPipelines?(record: () => void): Promise<number>;
  /** Bytes of storage handed out and not released, and bytes idle in the pool. */
  memory(): { liveBytes: number; pooledBytes: number };

  // What a device that queues its work and times it adds (WebGPU); callers reach these with `?.`.

  /** Submits recorded work and resolves when the device has finished it (torch.synchronize). */
  finish?(): Promise<void>;
  /**
   * Submits recorded work and resolves when the device has finished it, without reading errors
   * back (cheaper than finish: one submit, no wait now): progress() counts finished steps by it.
   */
  onDone?(): Promise<void>;
  /** A point on the device's timeline after all work recorded so far, in ms; null without timestamps (benchmarks). */
  mark?(): Promise<number | null>;
  /**
   * Backpressure: submitted work the device has not finished yet, as a live object (the notebook's
   * loop guards read `backlog.deep` every iteration and wait for `backlog.drained()`, so a loop of
   * GPU ops stays a bounded amount of work ahead of the GPU; see core/backlog.ts).
   */
  readonly backlog?: Backlog;
  /**
   * Starts timing the work the device runs (timestamps at submit boundaries, none per kernel):
   * `stop()` resolves to the ms it was busy, stalls between submits not counted (torch.gpuTimer).
   */
  busyWatch?(): { stop(): Promise<number | null> };
  /** Gives memory the pool keeps for reuse back to the device (torch.emptyCache). */
  emptyCache?(): void;
  /** Whether profiles get device times for kernels (the adapter has timestamp queries). */
  readonly hasTimestamps?: boolean;
  /** The step device timestamps come in (ms), as read so far; null before any. */
  readonly timestampQuantumMs?: number | null;
  /** What one timestamp costs the device, in ms, measured once; null without timestamps. */
  timestampCostMs?(): Promise<number | null>;
  /** How profiled kernels are timed: inside shared passes where the device can, else a pass each. */
  readonly timestampPlacement?: 'inside passes' | 'pass boundaries';
}

// ---- conv and pool (#23) ----
/** The reduction of a pooling kernel. */
export type PoolOp = 'max' | 'avg';

/**
 * A pooling kernel's windows: output position (r, c) covers input rows r * stride - padding +
 * i * dilation for i < kernel (likewise columns). An average divides by `divisorOverride` when
 * positive, else by the window clipped to the padded input (countIncludePad) or to the input.
 */
export interface PoolWindow {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  outH: number;
  outW: number;
  countIncludePad: boolean;
  divisorOverride: number;
}

/**
 * The windows of a convolution's patches over a padded plane (ops/windows.ts convPatches): patch
 * row (r * outW + c) * kh * kw + ki * kw + kj reads plane position
 * (r * stride + ki * dilation + shift) along each dim.
 */
export interface Col2imWindow {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  dilation: readonly [number, number];
  shift: readonly [number, number];
  outH: number;
  outW: number;
  planeH: number;
  planeW: number;
}
