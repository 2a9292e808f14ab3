/**
 * TensorFlow.js 4.22 on its WebGPU backend, on the shared cases. TF.js has no kernel fusion, so
 * the elementwise chain is eager only. Convolutions use TF.js's native NHWC layout (the same
 * FLOPs as NCHW); the checks transpose to NCHW before the checksum.
 */
import { createRequire } from 'node:module';
import type { Tensor, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { attempt, time, timeOp, tinyOpCost } from '../harness';
import { CHECK, checksum, detData, emptyResult, heavyMatmul, matmulId, type SideResult, type Sizes } from '../cases';

type TF = typeof import('@tensorflow/tfjs-core');

/**
 * Gradients are registered only by tfjs-core's ESM module register_all_gradients (its node build
 * has none); that module's copy of tfjs-core shares the engine and the gradient registry with the
 * node build through tfjs's globals. Node cannot import tfjs-core's ESM tree (extensionless
 * imports), so under tsx it is required (tsx compiles it); the bundle (scripts/bundle-bench.mjs
 * defines WICK_BENCH_BUNDLE) takes the import, which esbuild resolves and inlines.
 */
async function registerGradients(): Promise<void> {
  if (process.env.WICK_BENCH_BUNDLE) await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  else createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');
}

/** Loads TF.js (after exposeNavigator: the backend registers itself only where navigator.gpu exists). */
export async function tfjsCases(s: Sizes): Promise<SideResult & { info: string }> {
  const tf: TF = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  await registerGradients();
  // Small inputs would otherwise run on TF.js's CPU backend; the bench measures the GPU.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend did not start');
  await tf.ready();
  const backend = tf.backend() as WebGPUBackend;
  // The same wait as the other sides: submit what TF.js batched (as its own reads do: close the
  // open pass, submit the encoder), then onSubmittedWorkDone.
  const wait = async () => {
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
    await backend.device.queue.onSubmittedWorkDone();
  };
  const upload = (shape: number[], seed: number) =>
    tf.tensor(
      detData(
        shape.reduce((p, d) => p * d, 1),
        seed,
      ),
      shape,
    );
  const nhwc = (shape: number[], seed: number) => tf.tidy(() => tf.transpose(upload(shape, seed), [0, 2, 3, 1]) as Tensor4D);
  const filter = (shape: number[], seed: number) => tf.tidy(() => tf.transpose(upload(shape, seed), [2, 3, 1, 0]) as Tensor4D);
  const chain = (a: Tensor) => tf.neg(tf.exp(tf.sub(tf.relu(tf.add(tf.mul(a, 2), 1)), 0.5)));
  const res = emptyResult();
  const free = (t: Tensor) => t.dispose();
  const timed = (op: () => Tensor, heavy = false) =>
    timeOp(() => tf.tidy(op), wait, free, heavy ? Math.min(5, s.repeats) : s.repeats, heavy ? 2 : s.warmup, s.runsPerWait);

  for (const mm of s.matmul) {
    await attempt(res, matmulId(mm), async () => {
      const lead = mm.batch > 1 ? [mm.batch] : [];
      const a = upload([...lead, mm.m, mm.k], 1);
      const b = upload([...lead, mm.k, mm.n], 2);
      try {
        return await timed(() => tf.matMul(a, b), heavyMatmul(mm));
      } finally {
        tf.dispose([a, b]);
      }
    });
  }
  await attempt(res, 'chain-eager', async () => {
    const x = upload([s.chainN], 3);
    try {
      return await timed(() => chain(x), true);
    } finally {
      x.dispose();
    }
  });
  res.notes['chain-compiled'] = 'TF.js has no fusion (eager only)';
  for (const id of ['softmax', 'sum'] as const) {
    await attempt(res, id, async () => {
      const t = upload(s[id], id === 'softmax' ? 4 : 5);
      try {
        return await timed(() => (id === 'softmax' ? tf.softmax(t) : tf.sum(t, -1)));
      } finally {
        t.dispose();
      }
    });
  }
  await attempt(res, 'conv2d', async () => {
    const c = s.conv;
    const x = nhwc([c.n, c.c, c.h, c.w], 6);
    const w = filter([c.o, c.c, c.k, c.k], 7);
    try {
      return await timed(() => tf.conv2d(x, w, 1, 'same'), true);
    } finally {
      tf.dispose([x, w]);
    }
  });
  await attempt(res, 'mlp-step', () => {
    const dims = [784, 1024, 1024, 10];
    const layers = dims.slice(1).map((d, i) => ({ w: tf.variable(tf.randomNormal([dims[i], d], 0, 1 / Math.sqrt(dims[i]))), b: tf.variable(tf.zeros([d])) }));
    const forward = (x: Tensor) =>
      layers.reduce((h, l, i) => {
        const z = tf.add(tf.matMul(h, l.w), l.b);
        return i < layers.length - 1 ? tf.relu(z) : z;
      }, x);
    return trainStep(
      tf,
      forward,
      upload([s.mlpBatch, 784], 8),
      s.mlpBatch,
      layers.flatMap((l) => [l.w, l.b]),
      wait,
      s,
    );
  });
  await attempt(res, 'cnn-step', () => {
    const v = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, 1 / Math.sqrt(fanIn)));
    const p = {
      c1: v([3, 3, 1, 16], 9),
      b1: tf.variable(tf.zeros([16])),
      c2: v([3, 3, 16, 32], 144),
      b2: tf.variable(tf.zeros([32])),
      w: v([32 * 7 * 7, 10], 1568),
      b: tf.variable(tf.zeros([10])),
    };
    const block = (h: Tensor4D, k: Tensor4D, b: Tensor) => tf.maxPool(tf.relu(tf.add(tf.conv2d(h, k, 1, 'same'), b)) as Tensor4D, 2, 2, 'valid');
    const forward = (x: Tensor) => {
      const h = block(block(x as Tensor4D, p.c1 as unknown as Tensor4D, p.b1), p.c2 as unknown as Tensor4D, p.b2);
      return tf.add(tf.matMul(tf.reshape(h, [s.cnnBatch, 32 * 7 * 7]), p.w), p.b);
    };
    return trainStep(tf, forward, nhwc([s.cnnBatch, 1, 28, 28], 9), s.cnnBatch, Object.values(p), wait, s);
  });
  const tiny = tf.ones([4]);
  const one = tf.scalar(1); // made once: a literal 1 would be uploaded on every op
  const issue = () =>
    tf.tidy(() => {
      let y: Tensor = tiny;
      for (let i = 0; i < s.dispatchOps; i++) y = tf.add(y, one);
      return y;
    });
  const cost = await tinyOpCost(s.dispatchOps, issue, wait);
  res.ms['dispatch-cpu'] = cost.cpuMs;
  res.ms['dispatch-total'] = cost.totalMs;

  const sum = async (t: Tensor) => checksum(await t.data());
  const { matmul: mm, conv: c } = CHECK;
  res.checks = {
    matmul: await sum(tf.matMul(upload([mm.m, mm.k], 1), upload([mm.k, mm.n], 2))),
    chain: await sum(chain(upload([CHECK.chainN], 3))),
    softmax: await sum(tf.softmax(upload(CHECK.softmax, 4))),
    sum: await sum(tf.sum(upload(CHECK.sum, 5), -1)),
    conv2d: await sum(tf.transpose(tf.conv2d(nhwc([c.n, c.c, c.h, c.w], 6), filter([c.o, c.c, c.k, c.k], 7), 1, 'same'), [0, 3, 1, 2])),
  };
  return { ...res, info: `@tensorflow/tfjs-core ${tf.version_core}, webgpu backend` };
}

/** Median ms of one SGD step (optimizer.minimize) of `forward` on x with fixed labels. */
async function trainStep(
  tf: TF,
  forward: (x: Tensor) => Tensor,
  x: Tensor,
  batch: number,
  vars: Variable[],
  wait: () => Promise<void>,
  s: Sizes,
): Promise<number> {
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const opt = tf.train.sgd(0.01);
  const step = async () => {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, forward(x)), true, vars);
    await wait();
    cost?.dispose();
  };
  try {
    return (await time(step, s.repeats, s.warmup)).medianMs;
  } finally {
    tf.dispose([x, labels, ...vars]);
    opt.dispose();
  }
}
