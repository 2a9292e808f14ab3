/** The `torch` namespace: devices, creation ops and free functions. */
import type { Device } from './core/dtype';
import { availableDevices, getBackend, getDefaultDevice, isGradEnabled, setDefaultDevice, withGradMode } from './core/runtime';
import { manualSeed } from './core/random';
import { liveTensorCount, withInternalScope } from './core/storage-ref';
import * as create from './ops/creation';
import { binary, where, type Operand } from './ops/elementwise';
import { cat, stack } from './ops/views';
import { matmul } from './ops/linalg';
import { initBackends, onDeviceLost, webgpuDevice, type InitOptions } from './init';
import { onLostDevice } from './backends/webgpu/gpu-storage';
import { compile } from './compile/compile';
import { explain } from './compile/explain';
import { pipelinesSettled } from './compile/prepare';
import { profile } from './profile/profile';
import { Tensor } from './tensor';
import { freeFunctions } from './ops/free-functions';
import { allclose } from './ops/more-elementwise';
import { AutogradFunction, grad } from './autograd/function';
import { functionalCall, grad as funcGrad, gradAndValue, hessian, jacfwd, jacrev, jvp, stackModuleState, vjp, vmap } from './func/index';
// ---- composite ops and random generators ----
import { einsum } from './ops/einsum';
import { baddbmm, cdist, type BaddbmmOptions } from './ops/distance';
import { scatter, scatterAdd, searchsorted } from './ops/scatter';
import { meshgrid, repeatInterleave, rot90, type RepeatInterleaveOptions } from './ops/shape-composites';
import { bernoulli, multinomial, normal, randint, randperm } from './ops/random-ops';
import { defaultGenerator, Generator } from './core/generator';
import { DataLoader, Dataset, randomSplit, Subset, TensorDataset } from './utils/data/index';
// ---- safetensors files (#25) ----
import { load, loadMetadata } from './io/safetensors/load';
import { save } from './io/safetensors/save';

type ShapeArgs = (number | readonly number[] | create.CreateOptions)[];
type RandomShapeArgs = (number | readonly number[] | create.RandomOptions)[];

export const torch = {
  /** Starts the engine's devices (WebGPU where available, else the CPU) and resolves to the default device. */
  init: (opts?: InitOptions): Promise<Device> => initBackends(opts),
  /**
   * Calls `listener` when the GPU device is lost (a driver reset, `device.destroy()`): a new
   * device is then in use where one could be had, and tensors that were on the old one are gone.
   */
  onDeviceLost,
  /** @internal The GPUDevice in use (null without WebGPU): for diagnostics and tests. */
  _webgpuDevice: webgpuDevice,
  /** @internal Whether `t`'s memory was on a GPU device that has since been lost. */
  _isLost: (t: Tensor): boolean => onLostDevice(t.storageRef.storage),
  /** The device new tensors are made on unless a `device` option says otherwise. */
  getDefaultDevice,
  /** Sets the device new tensors are made on (`'cpu'` or `'webgpu'`). */
  setDefaultDevice,
  /** Seeds the random number generator (rand, randn, randint, dropout, parameter initialization). */
  manualSeed,
  /** Whether operations are being recorded for autograd (false inside `noGrad`). */
  isGradEnabled,
  /** Runs `fn` without recording gradients; an async `fn` keeps the mode across its awaits. */
  noGrad<T>(fn: () => T): T {
    return withGradMode(false, fn);
  },
  /** Runs `fn` with gradient recording on (inside a `noGrad`, say). */
  enableGrad<T>(fn: () => T): T {
    return withGradMode(true, fn);
  },
  /** As noGrad (Wick has no separate inference tensors). */
  inferenceMode<T>(fn: () => T): T {
    return withGradMode(false, fn);
  },
  /** Autograd: `grad()` and `Function`, PyTorch's custom differentiable ops. */
  autograd: { grad, Function: AutogradFunction },
  /** torch.func: transforms over functions (grad, vjp, jvp, vmap, jacrev, jacfwd, hessian) and over modules as functions of their state. */
  /** torch.utils.data: datasets and the DataLoader that batches them. */
  utils: { data: { Dataset, TensorDataset, Subset, randomSplit, DataLoader } },
  func: { grad: funcGrad, gradAndValue, vjp, jvp, vmap, jacrev, jacfwd, hessian, functionalCall, stackModuleState },

  /**
   * Runs `fn` and frees, right away, every tensor it created except those it returns (a tensor,
   * or tensors inside a returned array or object). Optional: memory comes back without it too.
   */
  scope<T>(fn: () => T): T {
    return withInternalScope(fn, (result) => tensorsIn(result));
  },

  /** A tensor from nested arrays of numbers or booleans, a typed array, or a tensor (copied); dtype inferred unless given. */
  tensor: create.tensor,
  /** A tensor of zeros of the given shape (`zeros(2, 3)` or `zeros([2, 3])`, options last). */
  zeros: (...args: ShapeArgs) => {
    const { shape, opts } = create.shapeAndOptions(args);
    return create.full(shape, 0, opts);
  },
  /** A tensor of ones of the given shape (`ones(2, 3)` or `ones([2, 3])`, options last). */
  ones: (...args: ShapeArgs) => {
    const { shape, opts } = create.shapeAndOptions(args);
    return create.full(shape, 1, opts);
  },
  /** A tensor of the given shape filled with `value`. */
  full: (shape: readonly number[], value: number | boolean, opts?: create.CreateOptions) => create.full(shape, value, opts),
  /** Values from `start` to `end` (excluded) by `step`; `arange(n)` is 0 … n-1. */
  arange: create.arange,
  /** `steps` evenly spaced values from `start` to `end` (both included). */
  linspace: create.linspace,
  /** An `n` × `m` matrix with ones on the diagonal and zeros elsewhere. */
  eye: create.eye,
  /** Uniform values in [0, 1): torch.rand(2, 3) or torch.rand([2, 3], { generator, device, dtype }). */
  rand: (...args: RandomShapeArgs) => {
    const { shape, opts } = create.shapeAndOptions(args);
    return create.rand(shape, opts);
  },
  /** Standard normal values: torch.randn(2, 3) or torch.randn([2, 3], { generator, device, dtype }). */
  randn: (...args: RandomShapeArgs) => {
    const { shape, opts } = create.shapeAndOptions(args);
    return create.randn(shape, opts);
  },
  /** Integers uniform in [low, high): torch.randint(low, high, shape, opts) or torch.randint(high, shape, opts). */
  randint,
  /** Zeros with `x`'s shape, dtype and device. */
  zerosLike: (x: Tensor, opts?: create.CreateOptions) => create.full(x.shape, 0, create.likeOptions(x, opts)),
  /** Ones with `x`'s shape, dtype and device. */
  onesLike: (x: Tensor, opts?: create.CreateOptions) => create.full(x.shape, 1, create.likeOptions(x, opts)),
  /** `value` with `x`'s shape, dtype and device. */
  fullLike: (x: Tensor, value: number, opts?: create.CreateOptions) => create.full(x.shape, value, create.likeOptions(x, opts)),
  /** Standard normal values with `x`'s shape, dtype and device. */
  randnLike: (x: Tensor, opts?: create.RandomOptions) => create.randn(x.shape, create.likeOptions(x, opts)),
  /** Uniform values in [0, 1) with `x`'s shape, dtype and device. */
  randLike: (x: Tensor, opts?: create.RandomOptions) => create.rand(x.shape, create.likeOptions(x, opts)),

  // Free-function forms of tensor methods (torch.sum(x, dim), torch.exp(x), torch.tril(x, k), ...).
  ...freeFunctions,
  /** Whether every element of `a` is close to `b` (`|a - b| <= atol + rtol * |b|`). */
  allclose,
  /** A new tensor (zero-filled: PyTorch leaves the values undefined, zeros are one choice of them). */
  empty: (...args: ShapeArgs) => {
    const { shape, opts } = create.shapeAndOptions(args);
    return create.full(shape, 0, opts);
  },
  /** A zero-filled tensor with `x`'s shape, dtype and device (as `empty`). */
  emptyLike: (x: Tensor, opts?: create.CreateOptions) => create.full(x.shape, 0, create.likeOptions(x, opts)),
  /** Concatenates tensors along an existing dimension `dim`. */
  cat,
  /** Concatenates tensors along an existing dimension `dim` (as `cat`). */
  concat: cat,
  /** Stacks tensors of one shape along a new dimension `dim`. */
  stack,
  /** Elementwise `cond ? a : b` (broadcasting; `a` and `b` tensors or numbers). */
  where: (cond: Tensor, a: Operand, b: Operand) => where(cond, a, b),
  /** Elementwise maximum of `a` and `b` (broadcasting). */
  maximum: (a: Tensor, b: Operand) => binary('maximum', a, b),
  /** Elementwise minimum of `a` and `b` (broadcasting). */
  minimum: (a: Tensor, b: Operand) => binary('minimum', a, b),
  /** Matrix product, as PyTorch's matmul: vectors, matrices and broadcast batches. */
  matmul,

  // ---- composite ops and random generators ----
  /** Sums products of the operands' elements over the indices the equation names: torch.einsum('ij,jk->ik', a, b). */
  einsum,
  /** beta * input + alpha * batch1 @ batch2 (3-D batches; input broadcasts). */
  baddbmm: (input: Tensor, batch1: Tensor, batch2: Tensor, opts?: BaddbmmOptions) => baddbmm(input, batch1, batch2, opts),
  /** A copy of x with src written at index along dim. */
  scatter: (x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean) => scatter(x, dim, index, src),
  /** A copy of x with src added at index along dim. */
  scatterAdd: (x: Tensor, dim: number, index: Tensor, src: Tensor | number) => scatterAdd(x, dim, index, src),
  /** x rotated by 90° k times in the plane of dims. */
  rot90: (x: Tensor, k?: number, dims?: readonly number[]) => rot90(x, k, dims),
  /** torch.repeatInterleave(x, repeats, { dim, outputSize }), or torch.repeatInterleave(repeats): each index repeated its count. */
  repeatInterleave(x: Tensor, repeats?: number | Tensor, opts?: RepeatInterleaveOptions): Tensor {
    if (repeats === undefined) return repeatInterleave(create.arange(0, x.numel(), 1, { device: x.device }), x, opts);
    return repeatInterleave(x, repeats, opts);
  },
  /** Coordinate grids from 1-D tensors: torch.meshgrid([x, y], { indexing: 'ij' | 'xy' }) (expanded views). */
  meshgrid,
  /** Pairwise p-norm distances between the rows of x1 [..., P, M] and x2 [..., R, M]: [..., P, R]. */
  cdist,
  /** Insertion points of values into the ascending last dim of a sorted tensor (int32), { right } for the last one. */
  searchsorted,
  /** A random number generator to pass as { generator } to random ops. */
  Generator,
  /** The generator random ops use when given none (torch.manualSeed seeds it). */
  defaultGenerator,
  /** Seeds the default generator from a nondeterministic source and returns the seed. */
  seed: (): number => defaultGenerator.seed(),
  /** The default generator's seed. */
  initialSeed: (): number => defaultGenerator.initialSeed(),
  /** A random permutation of 0..n-1: torch.randperm(n, { generator, device }). */
  randperm,
  /** Category indices drawn from rows of weights: torch.multinomial(probs, n, { replacement, generator }). */
  multinomial,
  /** 1 with probability p, else 0: torch.bernoulli(p, { generator }) or torch.bernoulli(x, p). */
  bernoulli,
  /** Normal samples: normal(mean, std) with tensors or numbers, or normal(mean, std, size, { generator }). */
  normal,

  // ---- safetensors files (#25) ----
  /** Saves a state dict, a Module or an object of tensors as a safetensors file of the notebook's files (PyTorch reads it with safetensors.torch.load_file): `await torch.save(model, 'm.safetensors', { metadata })`. */
  save,
  /** Loads a safetensors file (a file name, URL, File, Blob or bytes) as a flat state dict, streamed to `{ device }`: `model.loadStateDict(await torch.load('m.safetensors'))`. */
  load,
  /** The `__metadata__` strings of a safetensors file ({} if none), reading its header only. */
  loadMetadata,

  /** Traces `fn` (or a module's forward) into a graph, fuses it and replays the compiled kernels. */
  compile,

  /** Runs `fn` compiled once and reports graphs, graph breaks and their reasons. */
  explain,

  /** Resolves when every kernel launched so far has finished (as torch.cuda.synchronize). */
  async synchronize(): Promise<void> {
    await pipelinesSettled();
    for (const d of availableDevices()) await getBackend(d).finish?.();
  },

  /**
   * Resolves when the work launched so far on every device has finished, without waiting now or
   * reading errors back (one submit): null when no device queues work (the CPU's is done at once).
   */
  workDone(): Promise<void> | null {
    const waits = availableDevices().flatMap((d) => {
      const backend = getBackend(d);
      return backend.onDone ? [backend.onDone()] : [];
    });
    return waits.length ? Promise.all(waits).then(() => undefined) : null;
  },

  /**
   * Starts a cheap GPU stopwatch (a timestamp at the start and end of each command buffer
   * submitted, none per kernel): `stop()` resolves to the time the GPU ran work between start and
   * stop in ms, without the stalls between submits (shader compilation, the CPU's own work), or
   * null where the adapter has no timestamp queries.
   */
  gpuTimer(): { stop(): Promise<number | null> } {
    const gpu = availableDevices().includes('webgpu') ? getBackend('webgpu') : null;
    if (!gpu?.busyWatch) return { stop: async () => null };
    const watch = gpu.busyWatch();
    return {
      async stop() {
        const ms = await watch.stop();
        await gpu.finish?.();
        return ms;
      },
    };
  },

  /** Profiles the kernels `fn` launches: names, GPU times, FLOPs, bytes; `table()` and `chromeTrace()`. */
  profile,

  /** Kernels dispatched, shaders compiled and the time spent compiling them so far, over all devices. */
  stats(): { kernels: number; shadersCompiled: number; compileMs: number } {
    const backends = availableDevices().map((d) => getBackend(d));
    return {
      kernels: backends.reduce((n, b) => n + b.kernelCount, 0),
      /** Shader pipelines compiled so far: the GPU waits for each before its first dispatch. */
      shadersCompiled: backends.reduce((n, b) => n + (b.pipelinesCreated ?? 0), 0),
      /** Milliseconds during which shaders were compiling (sync or async; overlaps count once). */
      compileMs: backends.reduce((n, b) => n + (b.compileMs ?? 0), 0),
    };
  },

  /** Gives memory the allocator keeps for reuse back to the device, as torch.cuda.empty_cache(). */
  emptyCache(): void {
    for (const d of availableDevices()) getBackend(d).emptyCache?.();
  },

  /** Live tensors, the bytes they hold, and the bytes the allocator keeps for reuse, over all devices. */
  memory(): { liveTensors: number; liveBytes: number; pooledBytes: number } {
    const all = availableDevices().map((d) => getBackend(d).memory());
    return {
      liveTensors: liveTensorCount(),
      liveBytes: all.reduce((n, m) => n + m.liveBytes, 0),
      pooledBytes: all.reduce((n, m) => n + m.pooledBytes, 0),
    };
  },
};

function tensorsIn(value: unknown, depth = 0): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (depth > 3 || typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap((v) => tensorsIn(v, depth + 1));
}
