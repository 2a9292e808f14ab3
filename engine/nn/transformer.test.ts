/** nn.MultiheadAttention and the Transformer layers: keys, printing, deep copies, layouts and errors, on every device. */
import { describe, expect, it } from 'vitest';
import { nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';

const devices = await testDevices();

// What PyTorch 2.x prints for `nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16), 2)`.
const ENCODER_REPR = `TransformerEncoder(
  (layers): ModuleList(
    (0-1): 2 x TransformerEncoderLayer(
      (self_attn): MultiheadAttention(
        (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
      )
      (linear1): Linear(in_features=8, out_features=16, bias=True)
      (dropout): Dropout(p=0.1, inplace=False)
      (linear2): Linear(in_features=16, out_features=8, bias=True)
      (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
      (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
      (dropout1): Dropout(p=0.1, inplace=False)
      (dropout2): Dropout(p=0.1, inplace=False)
    )
  )
)`;

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  return (await a.sub(b).abs().max().item()) as number;
}

describe('MultiheadAttention', () => {
  it('has PyTorch keys, with separate projections when kdim/vdim differ', () => {
    expect(Object.keys(new nn.MultiheadAttention(8, 2).stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    const m = new nn.MultiheadAttention(8, 2, { kdim: 6, vdim: 5 });
    expect(Object.keys(m.stateDict())).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(m.k_proj_weight!.shape).toEqual([8, 6]);
    expect(Object.keys(new nn.MultiheadAttention(8, 2, { bias: false }).stateDict())).toEqual(['in_proj_weight', 'out_proj.weight']);
  });

  for (const d of devices) {
    it(`gives the same output batch-first, length-first and unbatched, with or without weights (${d})`, async () => {
      torch.manualSeed(1);
      const m = new nn.MultiheadAttention(8, 2, { batchFirst: true, kdim: 6, vdim: 5 }).to(d);
      const tm = new nn.MultiheadAttention(8, 2, { kdim: 6, vdim: 5 }).to(d);
      tm.loadStateDict(m.stateDict());
      const q = torch.randn([2, 3, 8], { device: d });
      const k = torch.randn([2, 4, 6], { device: d });
      const v = torch.randn([2, 4, 5], { device: d });
      const mask = torch.tensor([[false, false, true, false]], { device: d }).expand([3, 4]);
      const [out, w] = m.forward(q, k, v, { attnMask: mask });
      expect(out.shape).toEqual([2, 3, 8]);
      expect(w!.shape).toEqual([2, 3, 4]);
      expect(await w!.index(':, :, 2').abs().max().item()).toBe(0);
      const [out2, none] = m.forward(q, k, v, { attnMask: mask, needWeights: false });
      expect(none).toBeNull();
      expect(await maxDiff(out, out2)).toBeLessThan(1e-5);
      const [outT] = tm.forward(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), { attnMask: mask });
      expect(await maxDiff(out, outT.transpose(0, 1))).toBeLessThan(1e-5);
      const [out1, w1] = m.forward(q.select(0, 1), k.select(0, 1), v.select(0, 1), { attnMask: mask, averageAttnWeights: false });
      expect(w1!.shape).toEqual([2, 3, 4]);
      expect(await maxDiff(out1, out.select(0, 1))).toBeLessThan(1e-5);
    });

    it(`takes the isCausal hint with its mask and a 3-d per-head mask (${d})`, async () => {
      const m = new nn.MultiheadAttention(4, 2, { batchFirst: true }).to(d);
      const x = torch.randn([2, 3, 4], { device: d });
      const causal = torch.ones([3, 3], { device: d }).triu(1).gt(0);
      const [a] = m.forward(x, x, x, { attnMask: causal, isCausal: true, needWeights: false });
      const [b] = m.forward(x, x, x, { attnMask: causal });
      expect(await maxDiff(a, b)).toBeLessThan(1e-5);
      const [c] = m.forward(x, x, x, { attnMask: causal.unsqueeze(0).expand([4, 3, 3]) });
      expect(await maxDiff(b, c)).toBeLessThan(1e-5);
    });
  }

  it('refuses bad shapes and options with clear errors', () => {
    expect(() => new nn.MultiheadAttention(8, 3)).toThrow(/divisible by numHeads/);
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const x = torch.randn([2, 3, 8]);
    expect(() => m.forward(x, x, x, { attnMask: torch.zeros([3, 4]) })).toThrow(/attnMask must be \[3, 3\]/);
    expect(() => m.forward(x, x, x, { keyPaddingMask: torch.zeros([2, 4]).gt(0) })).toThrow(/keyPaddingMask must be \[2, 3\]/);
    expect(() => m.forward(x, x, x, { isCausal: true })).toThrow(/attnMask must be given/);
    expect(() => m.forward(torch.randn([2, 3, 6]), x, x)).toThrow(/embedDim 8/);
  });
});

describe('Transformer layers', () => {
  it('print and name their state as PyTorch does', () => {
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2);
    expect(String(enc)).toBe(ENCODER_REPR);
    const keys = Object.keys(enc.stateDict());
    expect(keys[0]).toBe('layers.0.self_attn.in_proj_weight');
    expect(keys.at(-1)).toBe('layers.1.norm2.bias');
    const dec = Object.keys(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }).stateDict());
    expect(dec.slice(4, 6)).toEqual(['multihead_attn.in_proj_weight', 'multihead_attn.in_proj_bias']);
    expect(dec.at(-1)).toBe('norm3.bias');
  });

  it('deep-copies the layer: the copies start equal and train independently', async () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(layer, 2);
    const [w0, w1] = [0, 1].map((i) => enc.stateDict()[`layers.${i}.linear1.weight`]);
    expect(await maxDiff(w0, layer.linear1.weight)).toBe(0);
    expect(await maxDiff(w0, w1)).toBe(0);
    expect(enc.parameters().length).toBe(24);
    expect(new Set(enc.parameters()).has(layer.linear1.weight)).toBe(false);
    expect(enc.parameters()[0].requiresGrad).toBe(true);
  });

  for (const d of devices) {
    it(`runs encoder and decoder stacks forward and backward, length first (${d})`, async () => {
      torch.manualSeed(2);
      const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, normFirst: true }), 2, {
        norm: new nn.LayerNorm(8),
      }).to(d);
      const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: 'gelu' }), 2).to(d);
      const src = torch.randn([5, 2, 8], { device: d, requiresGrad: true });
      const tgt = torch.randn([4, 2, 8], { device: d });
      const causal = torch.ones([4, 4], { device: d }).triu(1).gt(0);
      const kpm = torch.tensor(
        [
          [false, false, false, true, true],
          [false, false, false, false, false],
        ],
        { device: d },
      );
      const mem = enc(src, { srcKeyPaddingMask: kpm });
      const out = dec(tgt, mem, { tgtMask: causal, tgtIsCausal: true, memoryKeyPaddingMask: kpm });
      expect(out.shape).toEqual([4, 2, 8]);
      out.square().sum().backward();
      expect(src.grad!.shape).toEqual([5, 2, 8]);
      expect(Number.isFinite(await src.grad!.abs().sum().item())).toBe(true);
      // The padded keys take no part: changing them leaves the batch's first element unchanged.
      expect(await src.grad!.index('3:, 0').abs().max().item()).toBe(0);
    });
  }

  it('refuses an unknown activation', () => {
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(/activation should be 'relu' or 'gelu'/);
  });
});
