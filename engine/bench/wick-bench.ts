/** Wick's own benchmarks: compiled versus eager, profiler overhead, dispatch cost, matmul rates, training step, soak. */
import { F, nn, optim, torch, type Tensor } from '../index';
import { time, type Row } from './harness';

/** Waits for the GPU without reading the result back (a readback would dominate the timing). */
const sync = (t: Tensor) => {
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
    ['layer norm from primitives', (a) => { const mu = a.mean(-1, true); const xc = a.sub(mu); return xc.div(xc.square().mean(-1, true).add(1e-5).sqrt()); }, [x]],
  ];
  for (const [name, fn, args] of cases) {
    const compiled = torch.compile(fn);
    const eager = await time(() => sync(fn(...args)));
    const fused = await time(() => sync(compiled(...args)));
    const kernels = async (f: () => Tensor) => (await torch.profile(() => f().data())).kernels.length;
    rows.push({
      group: 'compile', name: `${name} [${n}x1024]`,
      value: `eager ${eager.medianMs.toFixed(2)} ms, compiled ${fused.medianMs.toFixed(2)} ms (${(eager.medianMs / fused.medianMs).toFixed(2)}x)`,
      note: `kernels ${await kernels(() => fn(...args))} -> ${await kernels(() => compiled(...args))}`,
    });
  }
  return rows;
}

export async function dispatchCost(device: 'webgpu' | 'cpu'): Promise<Row[]> {
  const x = torch.ones([4], { device });
  await x.add(1).data();
  const n = 2000;
  const started = performance.now();
  let y = x;
  for (let i = 0; i < n; i++) y = y.add(1);
  const cpuUs = ((performance.now() - started) * 1000) / n;
  await y.data();
  return [{ group: 'dispatch', name: 'CPU time to dispatch a tiny op', value: `${cpuUs.toFixed(1)} µs/op`, note: 'target < 15 µs' }];
}

export async function matmulRates(device: 'webgpu' | 'cpu', sizes: number[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of sizes) {
    const a = torch.randn([s, s], { device });
    const b = torch.randn([s, s], { device });
    const t = await time(() => sync(a.matmul(b)), 5, 2);
    rows.push({ group: 'matmul', name: `fp32 ${s}^3`, value: `${((2 * s ** 3) / (t.medianMs * 1e6)).toFixed(1)} GFLOP/s`, note: `${t.medianMs.toFixed(2)} ms` });
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
 * Flat live bytes mean nothing leaks; pooled bytes show what the allocator keeps for reuse.
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
      seen.push(`step ${step}: live ${(m.liveBytes / 1024).toFixed(0)} KiB, pooled ${(m.pooledBytes / 1024).toFixed(0)} KiB`);
    }
  }
  const ms = performance.now() - started;
  const flat = live.every((v) => v === live[0]);
  return [{
    group: 'soak', name: `${steps.toLocaleString('en')} training steps, MLP 64-128-10, batch 256, Adam`,
    value: seen.join('; '),
    note: `${flat ? 'flat' : 'NOT flat'} live memory; ${(ms / steps).toFixed(2)} ms/step; last loss ${last.toFixed(4)}`,
  }];
}

/** One training step of the MLP 784-1024-1024-10 at batch 512 (the performance issue's case). */
export async function mlpStep(device: 'webgpu' | 'cpu', batch: number): Promise<Row[]> {
  const model = new nn.Sequential(new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.ReLU(), new nn.Linear(1024, 10)).to(device);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = torch.randn([batch, 784], { device });
  const y = torch.randint(0, 10, [batch], { device });
  const step = async () => {
    const loss = F.crossEntropy(model(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    await torch.synchronize();
  };
  const t = await time(step, 10, 3);
  const flops = 6 * batch * (784 * 1024 + 1024 * 1024 + 1024 * 10);
  return [{ group: 'train', name: `MLP 784-1024-1024-10 step, batch ${batch}, SGD`, value: `${t.medianMs.toFixed(2)} ms/step`, note: `${(flops / (t.medianMs * 1e6)).toFixed(0)} GFLOP/s (peers not measured yet)` }];
}
