/**
 * The GPT of the gpt-step case (the modules of the char-gpt example notebook): token and position
 * embeddings, pre-norm blocks of causal self-attention (F.scaledDotProductAttention) and a GELU
 * MLP with residuals, a final LayerNorm and a linear head. One step is AdamW on the cross-entropy
 * of the next token: forward, loss, backward, update, then a wait for the GPU (as the peers').
 */
import { F, nn, optim, torch, type Tensor } from '../index';
import { time } from './harness';
import { detData, type GptShape, type Sizes } from './cases';

/** Causal multi-head self-attention: one Linear to q, k, v, SDPA, one Linear out. */
export class CausalSelfAttention extends nn.Module {
  /** The packed q, k, v projection. */
  qkv: nn.Linear;
  /** The output projection. */
  proj: nn.Linear;
  constructor(
    readonly d: number,
    readonly heads: number,
  ) {
    super();
    this.qkv = new nn.Linear(d, 3 * d);
    this.proj = new nn.Linear(d, d);
  }
  /** x [b, t, d] -> [b, t, d]. */
  override forward(x: Tensor): Tensor {
    const [b, t, d] = x.shape;
    const [q, k, v] = this.qkv(x)
      .split(d, -1)
      .map((z: Tensor) => z.reshape([b, t, this.heads, d / this.heads]).transpose(1, 2));
    return this.proj(F.scaledDotProductAttention(q, k, v, { isCausal: true }).transpose(1, 2).reshape([b, t, d]));
  }
}

/** A pre-norm transformer block: x + attn(ln1(x)), then + mlp(ln2(x)). */
export class GptBlock extends nn.Module {
  /** The norm before attention. */
  ln1: nn.LayerNorm;
  /** The attention. */
  attn: CausalSelfAttention;
  /** The norm before the MLP. */
  ln2: nn.LayerNorm;
  /** d -> 4d -> d with GELU. */
  mlp: nn.Sequential;
  constructor(d: number, heads: number) {
    super();
    this.ln1 = new nn.LayerNorm(d);
    this.attn = new CausalSelfAttention(d, heads);
    this.ln2 = new nn.LayerNorm(d);
    this.mlp = new nn.Sequential(new nn.Linear(d, 4 * d), new nn.GELU(), new nn.Linear(4 * d, d));
  }
  /** x [b, t, d] -> [b, t, d]. */
  override forward(x: Tensor): Tensor {
    const h = x.add(this.attn(this.ln1(x)));
    return h.add(this.mlp(this.ln2(h)));
  }
}

/** The GPT: embeddings, blocks, final norm, head to vocabulary logits. */
export class Gpt extends nn.Module {
  /** Token embedding. */
  tokEmb: nn.Embedding;
  /** Position embedding. */
  posEmb: nn.Embedding;
  /** The transformer blocks. */
  blocks: nn.ModuleList;
  /** The final norm. */
  lnF: nn.LayerNorm;
  /** The language-model head. */
  head: nn.Linear;
  constructor(g: GptShape) {
    super();
    this.tokEmb = new nn.Embedding(g.vocab, g.d);
    this.posEmb = new nn.Embedding(g.context, g.d);
    this.blocks = new nn.ModuleList(Array.from({ length: g.layers }, () => new GptBlock(g.d, g.heads)));
    this.lnF = new nn.LayerNorm(g.d);
    this.head = new nn.Linear(g.d, g.vocab);
  }
  /** Token ids [b, t] (int32) -> logits [b, t, vocab]. */
  override forward(idx: Tensor): Tensor {
    let x = this.tokEmb(idx).add(this.posEmb(torch.arange(0, idx.shape[1], { device: idx.device })));
    for (const block of this.blocks.children()) x = block(x);
    return this.head(this.lnF(x));
  }
}

/** Deterministic token ids for inputs (seed 30) and targets (seed 31), [batch, context], the same on every side. */
export function gptTokens(g: GptShape, seed: number): Int32Array {
  return Int32Array.from(detData(g.batch * g.context, seed), (u) => Math.min(g.vocab - 1, Math.floor(((u + 1) / 2) * g.vocab)));
}

/** Median ms of one AdamW step of the GPT on `device`, waiting for the GPU after each step. */
export async function wickGptStep(device: 'webgpu' | 'cpu', s: Sizes): Promise<number> {
  const g = s.gpt;
  torch.manualSeed(0);
  const model = new Gpt(g).to(device);
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
  const ids = (seed: number) => torch.tensor(gptTokens(g, seed), { dtype: 'int32', device }).reshape([g.batch, g.context]);
  const x = ids(30);
  const y = ids(31).reshape([-1]);
  const step = async () => {
    const loss = F.crossEntropy(model(x).reshape([-1, g.vocab]), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    await torch.synchronize();
  };
  return (await time(step, s.repeats, s.warmup)).medianMs;
}
