/**
 * jax-js 0.1.25 on its WebGPU device, on the shared cases. jax-js counts references: every
 * function takes ownership of its array arguments, so inputs kept across runs are passed as
 * `x.ref`. Its arrays are lazy (work is issued when a result is waited for), and `jit` fuses;
 * the training steps are jitted, as jax-js's own examples train.
 */
import type { Array as JaxArray } from '@jax-js/jax';
import { attempt, time, timeOp, tinyOpCost } from '../harness';
import { CHECK, checksum, detData, emptyResult, heavyMatmul, matmulId, type SideResult, type Sizes } from '../cases';

type Jax = typeof import('@jax-js/jax');
type Layer = { w: JaxArray; b: JaxArray };

/** Loads jax-js (after exposeNavigator: it asks navigator.gpu for the adapter). */
export async function jaxCases(s: Sizes): Promise<SideResult & { info: string }> {
  const jax: Jax = await import('@jax-js/jax');
  const { numpy: np, nn, lax, jit } = jax;
  if (!(await jax.init('webgpu')).includes('webgpu')) throw new Error('jax-js: the webgpu device did not start');
  jax.defaultDevice('webgpu');
  const upload = (shape: number[], seed: number, scale = 1) => {
    const a = np.array(
      detData(
        shape.reduce((p, d) => p * d, 1),
        seed,
      ),
      { shape },
    );
    return scale === 1 ? a : a.mul(scale);
  };
  // The same wait as the other sides: issue what is pending, then wait for the queue (jax-js's
  // blockUntilReady submits each array's pending kernels, its arrays being lazy, and waits for
  // them all together).
  const wait = (results: JaxArray[]) => jax.blockUntilReady(results);
  const free = (r: JaxArray) => r.dispose();
  const timed = (op: () => JaxArray, heavy = false) => timeOp(op, wait, free, heavy ? Math.min(5, s.repeats) : s.repeats, heavy ? 2 : s.warmup, s.runsPerWait);
  const chain = (a: JaxArray) => np.negative(np.exp(nn.relu(a.mul(2).add(1)).sub(0.5)));
  const pad = (k: number): [number, number][] => [
    [k >> 1, k >> 1],
    [k >> 1, k >> 1],
  ];
  const res = emptyResult();

  for (const mm of s.matmul) {
    await attempt(res, matmulId(mm), async () => {
      const lead = mm.batch > 1 ? [mm.batch] : [];
      const a = upload([...lead, mm.m, mm.k], 1);
      const b = upload([...lead, mm.k, mm.n], 2);
      try {
        return await timed(() => np.matmul(a.ref, b.ref), heavyMatmul(mm));
      } finally {
        a.dispose();
        b.dispose();
      }
    });
  }
  const x = upload([s.chainN], 3);
  await attempt(res, 'chain-eager', () => timed(() => chain(x.ref), true));
  const compiled = jit(chain);
  await attempt(res, 'chain-compiled', () => timed(() => compiled(x.ref), true));
  compiled.dispose();
  x.dispose();
  await attempt(res, 'softmax', async () => {
    const t = upload(s.softmax, 4);
    return timed(() => nn.softmax(t.ref, -1)).finally(() => t.dispose());
  });
  await attempt(res, 'sum', async () => {
    const t = upload(s.sum, 5);
    return timed(() => np.sum(t.ref, -1)).finally(() => t.dispose());
  });
  await attempt(res, 'conv2d', async () => {
    const c = s.conv;
    const input = upload([c.n, c.c, c.h, c.w], 6);
    const weight = upload([c.o, c.c, c.k, c.k], 7);
    return timed(() => lax.conv(input.ref, weight.ref, [1, 1], pad(c.k)), true).finally(() => {
      input.dispose();
      weight.dispose();
    });
  });
  await attempt(res, 'mlp-step', () => {
    const dims = [784, 1024, 1024, 10];
    const params: Layer[] = dims.slice(1).map((d, i) => ({ w: upload([dims[i], d], 10 + i, 1 / Math.sqrt(dims[i])), b: np.zeros([d]) }));
    const forward = (p: Layer[], h: JaxArray) => {
      p.forEach((l, i) => {
        h = np.matmul(h, l.w).add(l.b);
        if (i < p.length - 1) h = nn.relu(h);
      });
      return h;
    };
    return trainStep(jax, forward, params, upload([s.mlpBatch, 784], 8), s.mlpBatch, s);
  });
  await attempt(res, 'cnn-step', () => {
    const b = s.cnnBatch;
    const params: Layer[] = [
      { w: upload([16, 1, 3, 3], 20, 1 / 3), b: np.zeros([1, 16, 1, 1]) },
      { w: upload([32, 16, 3, 3], 21, 1 / 12), b: np.zeros([1, 32, 1, 1]) },
      { w: upload([32 * 7 * 7, 10], 22, 1 / Math.sqrt(1568)), b: np.zeros([10]) },
    ];
    // 2x2 max pooling as a reshape and a max over the window axes (differentiable in jax-js).
    const block = (h: JaxArray, l: Layer, c: number, size: number) =>
      nn
        .relu(lax.conv(h, l.w, [1, 1], pad(3)).add(l.b))
        .reshape([b, c, size / 2, 2, size / 2, 2])
        .max([3, 5]);
    const forward = (p: Layer[], h: JaxArray) => {
      const f = block(block(h, p[0], 16, 28), p[1], 32, 14).reshape([b, 32 * 7 * 7]);
      return np.matmul(f, p[2].w).add(p[2].b);
    };
    return trainStep(jax, forward, params, upload([b, 1, 28, 28], 9), b, s);
  });
  // ---- GPT training step (#23) ----
  await attempt(res, 'gpt-step', async () => (await import('./jax-gpt')).jaxGptStep(jax, s));
  const tiny = upload([4], 0);
  const issue = () => {
    let y = tiny.ref;
    for (let i = 0; i < s.dispatchOps; i++) y = y.add(1);
    return y;
  };
  const cost = await tinyOpCost(s.dispatchOps, issue, (y) => (y as JaxArray).blockUntilReady());
  res.ms['dispatch-cpu'] = cost.cpuMs;
  res.ms['dispatch-total'] = cost.totalMs;
  res.notes['dispatch-cpu'] = 'jax-js is lazy: issuing records, the wait compiles and dispatches';

  const sum = async (t: JaxArray) => checksum(await t.data());
  const { matmul: mm, conv: c } = CHECK;
  res.checks = {
    matmul: await sum(np.matmul(upload([mm.m, mm.k], 1), upload([mm.k, mm.n], 2))),
    chain: await sum(chain(upload([CHECK.chainN], 3))),
    'chain-compiled': await sum(jit(chain)(upload([CHECK.chainN], 3))),
    softmax: await sum(nn.softmax(upload(CHECK.softmax, 4), -1)),
    sum: await sum(np.sum(upload(CHECK.sum, 5), -1)),
    conv2d: await sum(lax.conv(upload([c.n, c.c, c.h, c.w], 6), upload([c.o, c.c, c.k, c.k], 7), [1, 1], pad(c.k))),
  };
  return { ...res, info: '@jax-js/jax 0.1.25, webgpu device' };
}

/** Median ms of one jitted SGD step (valueAndGrad, then p - lr * g) of `forward` with fixed labels. */
async function trainStep(jax: Jax, forward: (p: Layer[], x: JaxArray) => JaxArray, params: Layer[], x: JaxArray, batch: number, s: Sizes): Promise<number> {
  const { numpy: np, nn, tree, jit, valueAndGrad } = jax;
  const oneHot = new Float32Array(batch * 10);
  for (let i = 0; i < batch; i++) oneHot[i * 10 + (i % 10)] = 1;
  const y = np.array(oneHot, { shape: [batch, 10] });
  const loss = (p: Layer[], xs: JaxArray, ys: JaxArray) =>
    nn
      .logSoftmax(forward(p, xs), -1)
      .mul(ys)
      .sum()
      .mul(-1 / batch);
  const step = jit((p: Layer[], xs: JaxArray, ys: JaxArray) => {
    const [l, g] = valueAndGrad(loss)(tree.ref(p), xs, ys);
    return [l, tree.map((w: JaxArray, gw: JaxArray) => w.sub(gw.mul(0.01)), p, g)] as [JaxArray, Layer[]];
  });
  const run = async () => {
    const [l, next] = step(params, x.ref, y.ref);
    params = next;
    await jax.blockUntilReady([l, params]);
    l.dispose();
  };
  try {
    return (await time(run, s.repeats, s.warmup)).medianMs;
  } finally {
    step.dispose();
    tree.dispose([params, x, y]);
  }
}
