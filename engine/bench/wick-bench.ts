/**
 * Wick's side of the bench: the shared cases (cases.ts) measured the way the peers measure them,
 * plus Wick's own rows (compiled versus eager for three graphs, the soak).
 */
import { F, nn, optim, torch, type Tensor } from '../index';
import { getBackend } from '../core/runtime';
import type { BufferPool } from '../backends/webgpu/buffer-pool';
import { attempt, caseWanted, time, timeOp, tinyOpCost, type Row } from './harness';
import { sdpaComposed } from '../functional/attention';
import { wickGptStep } from './gpt';
import { wickPerSampleGrads } from './per-sample-grads';
import { CHECK, checksum, detData, emptyResult, heavyMatmul, matmulId, type ConvShape, type SideResult, type Sizes } from './cases';

/** Waits for the GPU without reading the result back (a readback would dominate the timing). */
export const sync = (t: Tensor) => {
  void t;
  return torch.synchronize();
};

export async function compiledVersusEager(device: 'webgpu' | 'cpu', n: number): Promise<Row[]> {
  const rows: Row[] = [];
  const x = torch.randn([n, 1024], { device });
  const w = torch.randn([1024, 1024], { device });
  const b = torch.randn([1024], { device });
  const cases: [string, (...a: Tensor[]) => Tensor, Tensor[]][] = [
    ['elementwise chain (6 ops)', (a) => a.mul(2).add(1).relu().sub(0.5).exp().neg(), [x]],
    ['gelu(x @ w + b)', (a, ww, bb) => F.gelu(a.matmul(ww).add(bb)), [x, w, b]],
    [
      'layer norm from primitives',
      (a) => {
        const mu = a.mean(-1, true);
        const xc = a.sub(mu);
        return xc.div(xc.square().mean(-1, true).add(1e-5).sqrt());
      },
      [x],
    ],
  ];
  for (const [name, fn, args] of cases) {
    const compiled = torch.compile(fn);
    // As the shared cases: each sample 8 runs issued back to back, then one wait, divided by 8 (a
    // wait per run times the host's wake-up, which on the GPU machine varied tenfold between runs).
    const perRun = (f: () => Tensor) =>
      timeOp(
        f,
        () => torch.synchronize(),
        (t) => t.dispose(),
        10,
        3,
        8,
      );
    const eager = await perRun(() => fn(...args));
    const fused = await perRun(() => compiled(...args));
    const kernels = async (f: () => Tensor) => (await torch.profile(() => f().data())).kernels.length;
    rows.push({
      group: 'compile',
      name: `${name} [${n}x1024]`,
      value: `eager ${eager.toFixed(2)} ms, compiled ${fused.toFixed(2)} ms (${(eager / fused).toFixed(2)}x)`,
      note: `kernels ${await kernels(() => fn(...args))} -> ${await kernels(() => compiled(...args))}`,
    });
  }
  return rows;
}

/** Collects garbage where the runtime allows it (node --expose-gc), so live bytes are what is reachable. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await torch.synchronize();
}

/**
 * Soak: 10,000 steps of an ordinary training loop (no manual frees), memory read at checkpoints.
 * Flat live bytes mean nothing leaks; pooled bytes show what the allocator keeps for reuse, which
 * must stay within 4x the peak of live bytes (read after collecting garbage: what the loop really
 * holds) plus 16 MiB; buffers made after step 100 show how well steps reuse memory.
 */
export async function soak(device: 'webgpu' | 'cpu', steps: number): Promise<Row[]> {
  await settle();
  torch.emptyCache(); // start from what this loop needs, not what earlier benchmarks left
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = torch.randn([256, 64], { device });
  const y = torch.randint(0, 10, [256], { device });
  const marks = new Set([100, Math.floor(steps / 10), Math.floor(steps / 2), steps]);
  const seen: string[] = [];
  const live: number[] = [];
  const pooled: number[] = [];
  const pool = device === 'webgpu' ? (getBackend('webgpu') as unknown as { pool: BufferPool }).pool : null;
  let createdAtWarm = 0;
  const started = performance.now();
  let last = 0;
  for (let step = 1; step <= steps; step++) {
    const loss = F.crossEntropy(model(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    if (step % 50 === 0) last = Number(await loss.item());
    if (marks.has(step)) {
      await settle();
      const m = torch.memory();
      live.push(m.liveBytes);
      pooled.push(m.pooledBytes);
      seen.push(`step ${step}: live ${(m.liveBytes / 1024).toFixed(0)} KiB, pooled ${(m.pooledBytes / 1024).toFixed(0)} KiB`);
      if (step === 100) createdAtWarm = pool?.createdBuffers ?? 0;
    }
  }
  const ms = performance.now() - started;
  const flat = live.every((v) => v === live[0]);
  const peak = Math.max(...live);
  const bound = 4 * peak + 16 * 1024 * 1024;
  const within = pooled.every((p) => p <= bound);
  const made =
    pool && steps > 100
      ? `; ${pool.createdBuffers - createdAtWarm} buffers made after step 100 (${((pool.createdBuffers - createdAtWarm) / (steps - 100)).toFixed(3)}/step)`
      : '';
  return [
    {
      group: 'soak',
      name: `${steps.toLocaleString('en')} training steps, MLP 64-128-10, batch 256, Adam`,
      value: seen.join('; '),
      note:
        `${flat ? 'flat' : 'NOT flat'} live memory; peak live ${(peak / 1024).toFixed(0)} KiB, pooled at most ${(Math.max(...pooled) / 1024).toFixed(0)} KiB: ` +
        `${within ? 'within' : 'NOT within'} 4x peak live + 16 MiB (${(bound / 1024).toFixed(0)} KiB)${made}; ${(ms / steps).toFixed(2)} ms/step; last loss ${last.toFixed(4)}`,
    },
  ];
}

type Device = 'webgpu' | 'cpu';
const chain = (a: Tensor) => a.mul(2).add(1).relu().sub(0.5).exp().neg();
const upload = (device: Device, shape: number[], seed: number) =>
  torch
    .tensor(
      detData(
        shape.reduce((p, d) => p * d, 1),
        seed,
      ),
      { device },
    )
    .reshape(shape);
const conv = (x: Tensor, w: Tensor, c: ConvShape) => F.conv2d(x, w, null, { padding: c.k >> 1 });

/** The CNN of the cnn-step case: conv-relu-pool, conv-relu-pool, linear, on 1x28x28 images. */
export function smallCnn(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 10),
  );
}

/** Median ms of one SGD step of `model` on (x, y), waiting for the GPU after each step. */
async function trainStep(model: nn.Module, x: Tensor, y: Tensor, s: Sizes): Promise<number> {
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const step = async () => {
    const loss = F.crossEntropy(model(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    await torch.synchronize();
  };
  return (await time(step, s.repeats, s.warmup)).medianMs;
}

/** Wick's side of the shared cases: median ms per run, by case id. */
export async function wickCases(device: Device, s: Sizes): Promise<SideResult> {
  const res = emptyResult();
  // The same wait as the peers': every kernel issued so far has finished (onSubmittedWorkDone).
  const wait = () => torch.synchronize();
  const free = (t: Tensor) => t.dispose();
  // torch.scope frees each run's intermediates at once (as tf.tidy and jax-js's references do).
  const timed = (op: () => Tensor, heavy = false, scoped = true) =>
    timeOp(() => (scoped ? torch.scope(op) : op()), wait, free, heavy ? Math.min(5, s.repeats) : s.repeats, heavy ? 2 : s.warmup, s.runsPerWait);
  for (const mm of s.matmul) {
    await attempt(res, matmulId(mm), async () => {
      const lead = mm.batch > 1 ? [mm.batch] : [];
      const a = upload(device, [...lead, mm.m, mm.k], 1);
      const b = upload(device, [...lead, mm.k, mm.n], 2);
      return timed(() => a.matmul(b), heavyMatmul(mm));
    });
  }
  const x = upload(device, [s.chainN], 3);
  await attempt(res, 'copy', () => timed(() => x.clone(), true));
  await attempt(res, 'chain-eager', () => timed(() => chain(x), true));
  const compiled = torch.compile(chain);
  await attempt(res, 'chain-compiled', () => timed(() => compiled(x), true));
  x.dispose();
  await attempt(res, 'softmax', async () => {
    const t = upload(device, s.softmax, 4);
    return timed(() => t.softmax(-1));
  });
  await attempt(res, 'sum', async () => {
    const t = upload(device, s.sum, 5);
    return timed(() => t.sum(-1));
  });
  await attempt(res, 'conv2d', async () => {
    const c = s.conv;
    const input = upload(device, [c.n, c.c, c.h, c.w], 6);
    const weight = upload(device, [c.o, c.c, c.k, c.k], 7);
    return timed(() => conv(input, weight, c), true);
  });
  torch.manualSeed(0);
  await attempt(res, 'mlp-step', () => {
    const model = new nn.Sequential(new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.ReLU(), new nn.Linear(1024, 10)).to(device);
    return trainStep(model, upload(device, [s.mlpBatch, 784], 8), torch.randint(0, 10, [s.mlpBatch], { device }), s);
  });
  await attempt(res, 'cnn-step', () =>
    trainStep(smallCnn().to(device), upload(device, [s.cnnBatch, 1, 28, 28], 9), torch.randint(0, 10, [s.cnnBatch], { device }), s),
  );
  // ---- recurrent layers (#23) ----
  await attempt(res, 'lstm-step', () => lstmStep(device, s));
  // ---- GPT training step (#23) ----
  await attempt(res, 'gpt-step', () => wickGptStep(device, s));
  const tiny = torch.ones([4], { device });
  const issue = () => {
    let y = tiny;
    for (let i = 0; i < s.dispatchOps; i++) y = y.add(1);
    return y;
  };
  if (caseWanted('dispatch-cpu') || caseWanted('dispatch-total')) {
    const cost = await tinyOpCost(s.dispatchOps, issue, wait);
    res.ms['dispatch-cpu'] = cost.cpuMs;
    res.ms['dispatch-total'] = cost.totalMs;
  }
  // ---- attention (#23) ----
  await attempt(res, 'sdpa-fwd-bwd', () => sdpaStep(device, s, F.scaledDotProductAttention, timed));
  await attempt(res, 'sdpa-composed-fwd-bwd', () => sdpaStep(device, s, sdpaComposed, timed));
  // ---- per-sample gradients (#24) ----
  await wickPerSampleGrads(device, s, res);
  res.checks = await wickChecks(device);
  return res;
}

// ---- recurrent layers (#23) ----
/** Median ms of one SGD step of a 1-layer LSTM (the lstm-step case): every time step one fused kernel. */
async function lstmStep(device: Device, s: Sizes): Promise<number> {
  const l = s.lstm;
  torch.manualSeed(0);
  const model = new nn.LSTM(l.input, l.hidden, { batchFirst: true }).to(device);
  const x = upload(device, [l.batch, l.seq, l.input], 10);
  const y = upload(device, [l.batch, l.seq, l.hidden], 11);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const step = async () => {
    const [out] = model.forward(x);
    const loss = F.mseLoss(out, y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    await torch.synchronize();
  };
  return (await time(step, s.repeats, s.warmup)).medianMs;
}

/** Checksums of the small deterministic cases (CHECK), read back from the device. */
async function wickChecks(device: Device): Promise<Record<string, number>> {
  const sum = async (t: Tensor) => checksum((await t.data()) as ArrayLike<number>);
  const { matmul: mm, conv: c } = CHECK;
  const x = upload(device, [CHECK.chainN], 3);
  return {
    matmul: await sum(upload(device, [mm.m, mm.k], 1).matmul(upload(device, [mm.k, mm.n], 2))),
    chain: await sum(chain(x)),
    'chain-compiled': await sum(torch.compile(chain)(x)),
    softmax: await sum(upload(device, CHECK.softmax, 4).softmax(-1)),
    sum: await sum(upload(device, CHECK.sum, 5).sum(-1)),
    conv2d: await sum(conv(upload(device, [c.n, c.c, c.h, c.w], 6), upload(device, [c.o, c.c, c.k, c.k], 7), c)),
  };
}

// ---- attention (#23) ----
/** Median ms of one attention forward + backward (gradients of q, k and v) at the bench's sdpa size. */
async function sdpaStep(
  device: Device,
  s: Sizes,
  attend: (q: Tensor, k: Tensor, v: Tensor) => Tensor,
  timed: (op: () => Tensor, heavy?: boolean) => Promise<number>,
) {
  const { batch, heads, seq, dim } = s.sdpa;
  const shape = [batch, heads, seq, dim];
  const [q, k, v] = [10, 11, 12].map((seed) => upload(device, shape, seed).requiresGrad_());
  const g = upload(device, shape, 13);
  return timed(() => {
    for (const t of [q, k, v]) t.grad = null;
    attend(q, k, v).backward(g);
    return q.grad!;
  }, true);
}
