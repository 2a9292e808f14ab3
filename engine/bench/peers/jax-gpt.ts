/**
 * jax-js's side of the gpt-step case: the GPT of engine/bench/gpt.ts written as a function of a
 * parameter tree (attention as matmul + additive causal mask + softmax, layer norm composed from
 * mean and variance, exact GELU), and one AdamW step (valueAndGrad, then the update of every
 * parameter and both moments) jitted as one function, as jax-js's own examples train. jax-js
 * counts references: an array used twice is passed as `x.ref` the first time.
 */
import type { Array as JaxArray } from '@jax-js/jax';
import { time } from '../harness';
import { detData, type GptShape, type Sizes } from '../cases';
import { gptTokens } from '../gpt';

type Jax = typeof import('@jax-js/jax');
type BlockParams = {
  ln1g: JaxArray;
  ln1b: JaxArray;
  wqkv: JaxArray;
  bqkv: JaxArray;
  wo: JaxArray;
  bo: JaxArray;
  ln2g: JaxArray;
  ln2b: JaxArray;
  w1: JaxArray;
  b1: JaxArray;
  w2: JaxArray;
  b2: JaxArray;
};
type GptParams = {
  tok: JaxArray;
  pos: JaxArray;
  blocks: BlockParams[];
  lnfg: JaxArray;
  lnfb: JaxArray;
  wh: JaxArray;
  bh: JaxArray;
};

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;
const LR = 1e-3;
const WEIGHT_DECAY = 0.01;

/** Median ms of one jitted AdamW step of the GPT (jax-js on its default device, set by the caller). */
export async function jaxGptStep(jax: Jax, s: Sizes): Promise<number> {
  const { numpy: np, nn, tree, jit, valueAndGrad } = jax;
  const g: GptShape = s.gpt;
  const { d, heads, context: t, batch: b, vocab } = g;
  const hd = d / heads;
  let seed = 40;
  const weight = (shape: number[], fanIn: number) => np.array(detData(shape[0] * shape[1], seed++), { shape }).mul(Math.sqrt(3 / fanIn)); // uniform, variance 1 / fanIn
  const zeros = (n: number) => np.zeros([n]);
  const ones = (n: number) => np.ones([n]);
  let params: GptParams = {
    tok: weight([vocab, d], 1),
    pos: weight([t, d], 1),
    blocks: Array.from({ length: g.layers }, () => ({
      ln1g: ones(d),
      ln1b: zeros(d),
      wqkv: weight([d, 3 * d], d),
      bqkv: zeros(3 * d),
      wo: weight([d, d], d),
      bo: zeros(d),
      ln2g: ones(d),
      ln2b: zeros(d),
      w1: weight([d, 4 * d], d),
      b1: zeros(4 * d),
      w2: weight([4 * d, d], 4 * d),
      b2: zeros(d),
    })),
    lnfg: ones(d),
    lnfb: zeros(d),
    wh: weight([d, vocab], d),
    bh: zeros(vocab),
  };
  let m: GptParams = tree.map((p: JaxArray) => np.zerosLike(p.ref), params);
  let v: GptParams = tree.map((p: JaxArray) => np.zerosLike(p.ref), params);
  const ids = (seedOf: number) => np.array(gptTokens(g, seedOf), { shape: [b, t], dtype: np.int32 });
  const x = ids(30);
  const y = nn.oneHot(ids(31), vocab);
  // 0 on and below the diagonal, -1e9 above it: added to the scores before the softmax.
  const mask = np.triu(np.ones([t, t]), 1).mul(-1e9);

  const layerNorm = (h: JaxArray, gain: JaxArray, bias: JaxArray) => {
    const centred = h.sub(np.mean(h.ref, -1, { keepdims: true }));
    const variance = np.mean(np.square(centred.ref), -1, { keepdims: true });
    return centred
      .div(np.sqrt(variance.add(1e-5)))
      .mul(gain)
      .add(bias);
  };
  const linear = (h: JaxArray, w: JaxArray, bias: JaxArray) => np.matmul(h, w).add(bias);
  const attention = (h: JaxArray, p: BlockParams, maskBias: JaxArray) => {
    const [q, k, val] = np.split(linear(h, p.wqkv, p.bqkv), 3, -1).map((z) => np.transpose(z.reshape([b, t, heads, hd]), [0, 2, 1, 3]));
    const scores = np
      .matmul(q, np.transpose(k, [0, 1, 3, 2]))
      .mul(1 / Math.sqrt(hd))
      .add(maskBias);
    const out = np.matmul(nn.softmax(scores, -1), val);
    return linear(np.transpose(out, [0, 2, 1, 3]).reshape([b, t, d]), p.wo, p.bo);
  };
  const loss = (p: GptParams, xs: JaxArray, ys: JaxArray, maskBias: JaxArray) => {
    let h = np.take(p.tok, xs, 0).add(p.pos);
    for (const blk of p.blocks) {
      h = h.ref.add(attention(layerNorm(h, blk.ln1g, blk.ln1b), blk, maskBias.ref));
      h = h.ref.add(linear(nn.gelu(linear(layerNorm(h, blk.ln2g, blk.ln2b), blk.w1, blk.b1), { approximate: false }), blk.w2, blk.b2));
    }
    maskBias.dispose();
    const logits = linear(layerNorm(h, p.lnfg, p.lnfb), p.wh, p.bh);
    return nn
      .logSoftmax(logits, -1)
      .mul(ys)
      .sum()
      .mul(-1 / (b * t));
  };
  const step = jit((p: GptParams, mo: GptParams, ve: GptParams, xs: JaxArray, ys: JaxArray, maskBias: JaxArray, c1: JaxArray, c2: JaxArray) => {
    const [l, grads] = valueAndGrad(loss)(tree.ref(p), xs, ys, maskBias);
    const m2: GptParams = tree.map((mi: JaxArray, gi: JaxArray) => mi.mul(B1).add(gi.mul(1 - B1)), mo, tree.ref(grads));
    const v2: GptParams = tree.map((vi: JaxArray, gi: JaxArray) => vi.mul(B2).add(np.square(gi).mul(1 - B2)), ve, grads);
    const p2: GptParams = tree.map(
      (pi: JaxArray, mi: JaxArray, vi: JaxArray) =>
        pi.mul(1 - LR * WEIGHT_DECAY).sub(
          mi
            .div(c1.ref)
            .mul(LR)
            .div(np.sqrt(vi.div(c2.ref)).add(EPS)),
        ),
      p,
      tree.ref(m2),
      tree.ref(v2),
    );
    c1.dispose();
    c2.dispose();
    return [l, p2, m2, v2] as [JaxArray, GptParams, GptParams, GptParams];
  });
  let count = 0;
  const run = async () => {
    count++;
    const c1 = np.array([1 - B1 ** count]);
    const c2 = np.array([1 - B2 ** count]);
    const [l, p2, m2, v2] = step(params, m, v, x.ref, y.ref, mask.ref, c1, c2);
    params = p2;
    m = m2;
    v = v2;
    await jax.blockUntilReady([l, params]);
    l.dispose();
  };
  try {
    return (await time(run, s.repeats, s.warmup)).medianMs;
  } finally {
    step.dispose();
    tree.dispose([params, m, v, x, y, mask]);
  }
}
