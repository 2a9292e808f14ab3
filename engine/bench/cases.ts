/**
 * The cases every side of the bench measures (Wick, TensorFlow.js WebGPU, jax-js, and PyTorch
 * through pytorch_reference.py, which reads this list as JSON): one list, so the sides cannot drift.
 * Each side returns, per case id, the median milliseconds of one run (for the dispatch cases: of
 * one tiny op).
 */
import { caseWanted, type Row } from './harness';

export type Unit = 'GFLOP/s' | 'GB/s' | 'ms/step' | 'µs/op';

export interface MatmulShape {
  batch: number;
  m: number;
  k: number;
  n: number;
}

export interface ConvShape {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  k: number; // square kernel, stride 1, padding k >> 1 (output as large as the input)
}

export interface Sizes {
  matmul: MatmulShape[];
  /** Elements of the elementwise chain and of the copy. */
  chainN: number;
  softmax: [number, number]; // softmax over the last dim
  sum: [number, number]; // sum over the last dim
  conv: ConvShape;
  mlpBatch: number;
  cnnBatch: number;
  dispatchOps: number;
  /** Repeats (median of) and warm-up runs per case; the heaviest cases use fewer. */
  repeats: number;
  warmup: number;
  /**
   * Runs issued back to back before each wait in the op cases (matmul, copy, chains, softmax,
   * sum, conv2d), on every side: a time is then the GPU's rate plus a share of one wait, not a
   * whole issue-and-wait round trip per run (training steps wait per step; the tiny op is timed as
   * the median of 9 runs of `dispatchOps` ops).
   */
  runsPerWait: number;
  // ---- recurrent layers (#23) ----
  /** The lstm-step case: a 1-layer LSTM over [batch, seq, input] (batch first), hidden units. */
  lstm: LstmShape;
  // ---- attention (#23) ----
  /** Scaled dot-product attention forward + backward: q, k, v [batch, heads, seq, dim]. */
  sdpa: { batch: number; heads: number; seq: number; dim: number };
  // ---- GPT training step (#23) ----
  /** The GPT of the gpt-step case. */
  gpt: GptShape;
  // ---- per-sample gradients (#24) ----
  /** The per-sample-gradient cases: a 3-layer MLP and the batch whose per-sample gradients are computed. */
  psg: PsgShape;
}

// ---- recurrent layers (#23) ----
/** The shape of the lstm-step case. */
export interface LstmShape {
  batch: number;
  seq: number;
  input: number;
  hidden: number;
}

// ---- per-sample gradients (#24) ----
/** The MLP input -> hidden1 -> hidden2 -> classes (ReLU between) of the per-sample-gradient cases, and the batch. */
export interface PsgShape {
  batch: number;
  input: number;
  hidden1: number;
  hidden2: number;
  classes: number;
}

/** A small GPT (token + position embeddings, pre-norm blocks of causal attention and a GELU MLP, a linear head). */
export interface GptShape {
  vocab: number;
  context: number;
  d: number;
  heads: number;
  layers: number;
  batch: number;
}

export function sizes(quick: boolean): Sizes {
  const square = (quick ? [64, 128] : [256, 1024, 2048, 4096]).map((s) => ({ batch: 1, m: s, k: s, n: s }));
  return {
    matmul: [
      ...square,
      quick ? { batch: 1, m: 1024, k: 128, n: 16 } : { batch: 1, m: 32768, k: 1024, n: 64 }, // tall-skinny
      quick ? { batch: 4, m: 32, k: 32, n: 32 } : { batch: 64, m: 256, k: 256, n: 256 }, // batched
    ],
    chainN: quick ? 1 << 14 : 64 << 20,
    softmax: quick ? [64, 256] : [8192, 8192],
    sum: quick ? [64, 256] : [8192, 8192],
    conv: quick ? { n: 2, c: 4, h: 12, w: 12, o: 8, k: 3 } : { n: 32, c: 64, h: 56, w: 56, o: 64, k: 3 },
    mlpBatch: quick ? 16 : 512,
    cnnBatch: quick ? 2 : 32,
    dispatchOps: quick ? 200 : 2000,
    repeats: quick ? 3 : 10,
    warmup: quick ? 1 : 3,
    runsPerWait: quick ? 2 : 8,
    // ---- recurrent layers (#23) ----
    lstm: quick ? { batch: 4, seq: 8, input: 16, hidden: 32 } : { batch: 64, seq: 64, input: 128, hidden: 256 },
    // ---- attention (#23) ----
    sdpa: quick ? { batch: 2, heads: 2, seq: 64, dim: 16 } : { batch: 8, heads: 8, seq: 1024, dim: 64 },
    // ---- GPT training step (#23) ----
    // Full: a character-level GPT of the size of nanoGPT's smallest Shakespeare runs, scaled down (vocab 65, context 128, d 128, 4 heads, 4 layers, batch 32).
    gpt: quick ? { vocab: 65, context: 16, d: 32, heads: 4, layers: 1, batch: 4 } : { vocab: 65, context: 128, d: 128, heads: 4, layers: 4, batch: 32 },
    // ---- per-sample gradients (#24) ----
    // Full: an MNIST-sized MLP (784-128-64-10) and batch 256, as issue #24 asks.
    psg: quick ? { batch: 16, input: 64, hidden1: 32, hidden2: 16, classes: 10 } : { batch: 256, input: 784, hidden1: 128, hidden2: 64, classes: 10 },
  };
}

export interface Case {
  id: string;
  label: string;
  unit: Unit;
  /** Floating-point operations (GFLOP/s rows) or bytes moved (GB/s rows) per run; 0 otherwise. */
  work: number;
  /** Which sides run it (PyTorch reads the list too). */
  sides: ('wick' | 'tfjs' | 'jax' | 'pytorch')[];
  /** The heaviest cases take min(5, repeats) runs after 2 warm-ups on every side. */
  heavy?: boolean;
}

/** Whether a matmul counts as heavy (see Case.heavy): a GiB of multiply-adds or more. */
export const heavyMatmul = (s: MatmulShape) => s.batch * s.m * s.k * s.n >= 1 << 30;

const ALL: Case['sides'] = ['wick', 'tfjs', 'jax', 'pytorch'];

export const matmulId = (s: MatmulShape) => (s.batch > 1 ? `mm-b${s.batch}-${s.m}x${s.k}x${s.n}` : `mm-${s.m}x${s.k}x${s.n}`);

export function mlpFlops(batch: number): number {
  return 6 * batch * (784 * 1024 + 1024 * 1024 + 1024 * 10);
}

export function cases(s: Sizes): Case[] {
  const list: Case[] = [];
  for (const mm of s.matmul) {
    const kind = mm.batch > 1 ? `batched ${mm.batch}x ` : mm.m === mm.k && mm.k === mm.n ? '' : 'tall-skinny ';
    const label = `matmul ${kind}[${mm.m}x${mm.k}] @ [${mm.k}x${mm.n}]`;
    list.push({ id: matmulId(mm), label, unit: 'GFLOP/s', work: 2 * mm.batch * mm.m * mm.k * mm.n, sides: ALL, heavy: heavyMatmul(mm) });
  }
  const n = s.chainN;
  const mib = `${(n / (1 << 20)).toFixed(n >= 1 << 20 ? 0 : 3)}M floats`;
  list.push({ id: 'copy', label: `copy of ${mib} (read + write)`, unit: 'GB/s', work: 8 * n, sides: ['wick', 'pytorch'], heavy: true });
  // Bytes of the fused minimum (the input read once, the output written once) for both rows, so
  // eager and compiled read on one scale; eager moves 6x that.
  list.push({ id: 'chain-eager', label: `elementwise chain (6 ops) eager, ${mib}`, unit: 'GB/s', work: 8 * n, sides: ALL, heavy: true });
  list.push({
    id: 'chain-compiled',
    label: `elementwise chain (6 ops) compiled, ${mib}`,
    unit: 'GB/s',
    work: 8 * n,
    sides: ['wick', 'jax', 'pytorch'],
    heavy: true,
  });
  const [sr, sc] = s.softmax;
  list.push({ id: 'softmax', label: `softmax over the last dim of [${sr}x${sc}]`, unit: 'GB/s', work: 8 * sr * sc, sides: ALL });
  const [ur, uc] = s.sum;
  list.push({ id: 'sum', label: `sum over the last dim of [${ur}x${uc}]`, unit: 'GB/s', work: 4 * ur * uc, sides: ALL });
  const c = s.conv;
  list.push({
    id: 'conv2d',
    label: `conv2d [${c.n}x${c.c}x${c.h}x${c.w}] * [${c.o}x${c.c}x${c.k}x${c.k}], pad ${c.k >> 1}`,
    unit: 'GFLOP/s',
    work: 2 * c.n * c.o * c.c * c.k * c.k * c.h * c.w,
    sides: ALL,
    heavy: true,
  });
  list.push({ id: 'mlp-step', label: `MLP 784-1024-1024-10 step, batch ${s.mlpBatch}, SGD`, unit: 'ms/step', work: 0, sides: ALL });
  list.push({ id: 'cnn-step', label: `CNN (conv-relu-pool x2, linear) step, ${s.cnnBatch}x1x28x28, SGD`, unit: 'ms/step', work: 0, sides: ALL });
  list.push({
    id: 'dispatch-cpu',
    label: `tiny op (add on [4]): CPU time to issue, ${s.dispatchOps} ops, median of 9 runs`,
    unit: 'µs/op',
    work: 0,
    sides: ALL,
  });
  list.push({ id: 'dispatch-total', label: `tiny op: issue + finish on the GPU, per op`, unit: 'µs/op', work: 0, sides: ALL });
  // ---- recurrent layers (#23) ----
  const l = s.lstm;
  list.push({
    id: 'lstm-step',
    label: `LSTM step (1 layer, ${l.input}->${l.hidden}, batch ${l.batch}, seq ${l.seq}): forward + backward + SGD, MSE loss`,
    unit: 'ms/step',
    work: 0,
    sides: ['wick', 'pytorch'],
  });
  // ---- attention (#23) ----
  // Work: forward 2 matmuls, backward 4 (dV, dP, dQ, dK), 2 flops each per multiply-add.
  const a = s.sdpa;
  const sdpaShape = `[${a.batch}x${a.heads}x${a.seq}x${a.dim}]`;
  const sdpaWork = 12 * a.batch * a.heads * a.seq * a.seq * a.dim;
  list.push({
    id: 'sdpa-fwd-bwd',
    label: `scaled dot-product attention fwd+bwd ${sdpaShape}, fused (PyTorch: its default kernel)`,
    unit: 'GFLOP/s',
    work: sdpaWork,
    sides: ['wick', 'pytorch'],
    heavy: true,
  });
  list.push({
    id: 'sdpa-composed-fwd-bwd',
    label: `scaled dot-product attention fwd+bwd ${sdpaShape}, composed (PyTorch: the math backend)`,
    unit: 'GFLOP/s',
    work: sdpaWork,
    sides: ['wick', 'pytorch'],
    heavy: true,
  });
  // ---- GPT training step (#23) ----
  const g = s.gpt;
  list.push({
    id: 'gpt-step',
    label: `GPT step (AdamW), vocab ${g.vocab}, context ${g.context}, d ${g.d}, ${g.heads} heads, ${g.layers} layers, batch ${g.batch}`,
    unit: 'ms/step',
    work: 0,
    sides: ['wick', 'jax', 'pytorch'],
  });
  // ---- per-sample gradients (#24) ----
  const p = s.psg;
  const psg = `per-sample grads, MLP ${p.input}-${p.hidden1}-${p.hidden2}-${p.classes}, batch ${p.batch}, cross-entropy`;
  list.push({ id: 'psg-loop', label: `${psg}: a loop of ${p.batch} forward + backward passes, stacked`, unit: 'ms/step', work: 0, sides: ['wick', 'pytorch'] });
  list.push({ id: 'psg-vmap', label: `${psg}: vmap(grad(loss)) over functionalCall`, unit: 'ms/step', work: 0, sides: ['wick', 'pytorch'] });
  list.push({ id: 'psg-compiled', label: `${psg}: torch.compile of vmap(grad(loss))`, unit: 'ms/step', work: 0, sides: ['wick', 'pytorch'] });
  return list.filter((c) => caseWanted(c.id)); // WICK_BENCH_CASES (#24)
}

/** Median milliseconds per run, by case id (absent: not run or failed; the reason in notes). */
export interface SideResult {
  ms: Record<string, number>;
  notes: Record<string, string>;
  /** Weighted checksums of small deterministic cases, compared across the sides. */
  checks: Record<string, number>;
  // ---- per-sample gradients (#24) ----
  /** Wick's own rows that come with shared cases (the per-sample-gradient kernel counts). */
  rows?: Row[];
}

export const emptyResult = (): SideResult => ({ ms: {}, notes: {}, checks: {} });

/** The small deterministic cases whose outputs every side checksums (so no side times a no-op). */
export const CHECK = {
  matmul: { batch: 1, m: 48, k: 40, n: 56 } satisfies MatmulShape,
  chainN: 1000,
  softmax: [8, 50] as [number, number],
  sum: [8, 50] as [number, number],
  conv: { n: 2, c: 3, h: 9, w: 9, o: 4, k: 3 } satisfies ConvShape,
};

const cache = new Map<string, Float32Array>();

/** Deterministic values in [-1, 1) (an LCG), the same on every side; cached by length and seed. */
export function detData(n: number, seed: number): Float32Array {
  const key = `${n}:${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = new Float32Array(n);
  let state = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2147483648 - 1;
  }
  if (n <= 1 << 27) cache.set(key, out);
  return out;
}

/** Sum of values weighted by a fixed sequence (a plain sum would not tell softmax rows apart). */
export function checksum(values: ArrayLike<number>): number {
  const w = detData(values.length, 99);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * w[i];
  return s;
}

/** The elementwise chain of the compile rows: x*2+1, relu, -0.5, exp, negate. */
export const CHAIN = 'neg(exp(relu(x * 2 + 1) - 0.5))';
