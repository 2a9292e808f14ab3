/**
 * The per-sample-gradient cases (#24): the gradient of each sample's cross-entropy with respect to
 * every parameter of a 3-layer MLP, for a batch at once, three ways (as PyTorch's per-sample-grads
 * tutorial): a loop of one forward + backward per sample whose gradients are stacked afterwards,
 * `torch.func.vmap(torch.func.grad(loss))` over `functionalCall`, and `torch.compile` of that.
 * The three agree (checked before timing); the kernels each call dispatches are counted by the
 * profiler.
 */
import { F, nn, torch, type Tensor } from '../index';
import { caseWanted, time, type Row } from './harness';
import { detData, type PsgShape, type SideResult, type Sizes } from './cases';

type Device = 'webgpu' | 'cpu';
type Grads = Record<string, Tensor>;

/** The MLP of the per-sample-gradient cases: Linear, ReLU, Linear, ReLU, Linear. */
export function psgModel(p: PsgShape): nn.Sequential {
  return new nn.Sequential(
    new nn.Linear(p.input, p.hidden1),
    new nn.ReLU(),
    new nn.Linear(p.hidden1, p.hidden2),
    new nn.ReLU(),
    new nn.Linear(p.hidden2, p.classes),
  );
}

/** Deterministic inputs (seed 40) and class targets (seed 41), the same on every side. */
export function psgData(p: PsgShape): { x: Float32Array; t: Int32Array } {
  const x = detData(p.batch * p.input, 40);
  const t = Int32Array.from(detData(p.batch, 41), (u) => Math.min(p.classes - 1, Math.floor(((u + 1) / 2) * p.classes)));
  return { x, t };
}

/** The three ways to the per-sample gradients of `model` on (x, t): each returns [batch, ...param shape] per parameter name. */
export function psgVariants(model: nn.Module): Record<'loop' | 'vmap' | 'compiled', (x: Tensor, t: Tensor) => Grads> {
  const named = model.namedParameters();
  const params: Grads = Object.fromEntries(named.map(([k, v]) => [k, v.detach()]));
  // What a user writes without vmap: one forward + backward per sample, the gradients stacked.
  const loop = (x: Tensor, t: Tensor): Grads => {
    const per: Tensor[][] = named.map(() => []);
    for (let i = 0; i < x.shape[0]; i++) {
      const loss = F.crossEntropy(model(x.select(0, i).unsqueeze(0)), t.select(0, i).unsqueeze(0));
      torch.autograd
        .grad(
          loss,
          named.map(([, p]) => p),
        )
        .forEach((g, k) => per[k].push(g!));
    }
    return Object.fromEntries(named.map(([k], j) => [k, torch.stack(per[j], 0)]));
  };
  const lossFn = (ps: Grads, xi: Tensor, ti: Tensor) => F.crossEntropy(torch.func.functionalCall(model, ps, [xi.unsqueeze(0)]) as Tensor, ti.unsqueeze(0));
  const perSample = torch.func.vmap(torch.func.grad(lossFn), { inDims: [null, 0, 0] });
  const vmapped = (x: Tensor, t: Tensor) => perSample(params, x, t) as Grads;
  // The parameters are given as an object of tensors, which torch.compile keeps as the graph's captured constants.
  const compiled = torch.compile((x: Tensor, t: Tensor) => perSample(params, x, t) as Grads);
  return { loop, vmap: vmapped, compiled };
}

/** The largest difference between two sets of per-sample gradients, relative to the largest magnitude. */
async function maxRelDiff(a: Grads, b: Grads): Promise<number> {
  let diff = 0;
  let scale = 0;
  for (const k of Object.keys(a)) {
    if (a[k].shape.join() !== b[k].shape.join()) throw new Error(`${k}: shapes [${a[k].shape}] and [${b[k].shape}] differ`);
    const [u, v] = [(await a[k].data()) as Float32Array, (await b[k].data()) as Float32Array];
    for (let i = 0; i < u.length; i++) {
      diff = Math.max(diff, Math.abs(u[i] - v[i]));
      scale = Math.max(scale, Math.abs(u[i]));
    }
  }
  return diff / Math.max(scale, 1e-12);
}

/** Frees the gradients a call returned (torch.scope keeps what it returns). */
const free = (grads: Grads | Tensor[]) => {
  for (const g of Object.values(grads)) g?.dispose();
};

/** Kernels one call dispatches, counted by the profiler; the kernels grouped by name for a note ("12 matmul, 3 sum ..."). */
async function kernelsOf(run: () => Grads | Tensor[]): Promise<{ count: number; byName: string }> {
  const p = await torch.profile(async () => {
    const grads = torch.scope(run);
    await torch.synchronize();
    free(grads);
  });
  const names = new Map<string, number>();
  for (const k of p.kernels) names.set(k.op || k.name, (names.get(k.op || k.name) ?? 0) + 1);
  const byName = [...names]
    .sort((a, b) => b[1] - a[1])
    .map(([n, c]) => `${c} ${n}`)
    .join(', ');
  return { count: p.kernels.length, byName };
}

const VARIANTS = [
  ['loop', 'psg-loop'],
  ['vmap', 'psg-vmap'],
  ['compiled', 'psg-compiled'],
] as const;

/**
 * Wick's per-sample-gradient cases: times into `res` (median ms per call, each call waited for),
 * and a row with the agreement, the ratios and the kernel counts of each variant. A failure (or a
 * disagreement between the variants) is each case's note.
 */
export async function wickPerSampleGrads(device: Device, s: Sizes, res: SideResult): Promise<void> {
  if (!VARIANTS.some(([, id]) => caseWanted(id))) return;
  try {
    (res.rows ??= []).push(await measure(device, s, res));
  } catch (e) {
    const why = `failed: ${String((e as Error)?.message ?? e)
      .split('\n')[0]
      .slice(0, 120)}`;
    for (const [, id] of VARIANTS) if (res.ms[id] === undefined) res.notes[id] = why;
    console.warn(`per-sample grads: ${why}`);
  }
}

async function measure(device: Device, s: Sizes, res: SideResult): Promise<Row> {
  const p = s.psg;
  torch.manualSeed(0);
  const model = psgModel(p).to(device);
  const data = psgData(p);
  const x = torch.tensor(data.x, { device }).reshape([p.batch, p.input]);
  const t = torch.tensor(data.t, { dtype: 'int32', device });
  const variants = psgVariants(model);
  const reference = torch.scope(() => variants.loop(x, t));
  const agree: string[] = [];
  for (const v of ['vmap', 'compiled'] as const) {
    // The compiled version's first calls may run eagerly while its kernels compile: check a settled call.
    if (v === 'compiled') for (let i = 0; i < 3; i++) await torch.profile(() => torch.scope(() => variants.compiled(x, t)));
    const got = torch.scope(() => variants[v](x, t));
    const d = await maxRelDiff(reference, got);
    if (!(d < 1e-4)) throw new Error(`per-sample grads: ${v} differs from the loop by ${d.toExponential(2)} (relative to the largest gradient)`);
    agree.push(`${v} ${d.toExponential(1)}`);
    free(got);
  }
  free(reference);
  const named = model.namedParameters().map(([, q]) => q);
  const one = await kernelsOf(() => torch.autograd.grad(F.crossEntropy(model(x.select(0, 0).unsqueeze(0)), t.select(0, 0).unsqueeze(0)), named) as Tensor[]);
  const kernels: string[] = [];
  const notes: string[] = [];
  for (const [v, id] of VARIANTS) {
    const call = async () => {
      const grads = torch.scope(() => variants[v](x, t));
      await torch.synchronize();
      free(grads);
    };
    res.ms[id] = (await time(call, v === 'loop' ? Math.min(5, s.repeats) : s.repeats, s.warmup)).medianMs;
    const k = await kernelsOf(() => variants[v](x, t));
    kernels.push(`${v} ${k.count}`);
    if (v !== 'loop') notes.push(`${v}: ${k.byName}`);
  }
  const ratio = (a: string, b: string) => (res.ms[a] / res.ms[b]).toFixed(2);
  return {
    group: 'func',
    name: `per-sample grads, MLP ${p.input}-${p.hidden1}-${p.hidden2}-${p.classes}, batch ${p.batch}: kernels per call`,
    value: `${kernels.join(', ')} (one sample's forward + backward: ${one.count}); vmap ${ratio('psg-loop', 'psg-vmap')}x the loop, compiled ${ratio('psg-vmap', 'psg-compiled')}x vmap`,
    note: `max relative difference from the loop: ${agree.join(', ')}; ${notes.join('; ')}`,
  };
}
