import { beforeAll, describe, expect, it } from 'vitest';
import { torch } from '../engine';
import { Profile } from '../engine/profile/profile';
import { autogradGraph } from './autograd-graph';
import { displayBundle, resultBundle } from './output-bundles';
import type { OutputBundle } from './protocol';

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
});

describe('autograd graph', () => {
  it('walks gradFn from the result to the leaves, with edges from inputs to ops', () => {
    const w = torch.randn([3, 3], { requiresGrad: true });
    const x = torch.ones([3, 3]);
    const loss = w.mul(x).relu().sum();
    const { graph, truncated } = autogradGraph(loss)!;
    expect(truncated).toBe(false);
    expect(graph.nodes.map((n) => n.label)).toEqual(['SumBackward (result)', 'ReluBackward', 'MulBackward', 'leaf (requiresGrad)', 'constant']);
    expect(graph.nodes.map((n) => n.kind)).toEqual(['output', 'kernel', 'kernel', 'param', 'input']);
    expect(graph.edges).toEqual([
      { from: 't1', to: 't0' },
      { from: 't2', to: 't1' },
      { from: 't3', to: 't2' },
      { from: 't4', to: 't2' },
    ]);
  });

  it('stops at the node limit and says so', () => {
    let y = torch.ones([2], { requiresGrad: true });
    for (let i = 0; i < 50; i++) y = y.add(1);
    const { graph, truncated } = autogradGraph(y, 10)!;
    expect(graph.nodes).toHaveLength(10);
    expect(truncated).toBe(true);
  });

  it('display(loss) shows the tensor and its graph; a plain tensor and a cell result keep the tensor view', async () => {
    const w = torch.ones([2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    const shown = (await displayBundle(loss)) as Extract<OutputBundle, { type: 'autograd-graph' }>;
    expect(shown.type).toBe('autograd-graph');
    expect(shown.tensor.type).toBe('tensor');
    expect((await resultBundle(loss)).type).toBe('tensor');
    expect((await displayBundle(torch.ones([2]))).type).toBe('tensor');
    expect((await displayBundle(w)).type).toBe('tensor');
  });
});

describe('profile and memory bundles', () => {
  it('sends rows with device and start, and the Chrome trace', async () => {
    const p = await torch.profile(() => {
      const x = torch.ones([4, 4]);
      x.matmul(x).relu();
    });
    const bundle = (await displayBundle(p)) as Extract<OutputBundle, { type: 'profile' }>;
    expect(bundle.type).toBe('profile');
    expect(bundle.kernels.every((k) => k.device === 'cpu')).toBe(true);
    const events = bundle.trace!.traceEvents as { ph: string; name: string }[];
    expect(events.length).toBe(bundle.kernels.length);
    expect(events.every((e) => e.ph === 'X')).toBe(true);
    expect(bundle.timestampCostMs).toBeNull(); // CPU kernels: no timestamps
  });

  it('sends what timing a kernel costs the GPU, where it was measured, for the view to say', async () => {
    const record = { name: 'add', device: 'webgpu' as const, flops: 4, bytes: 48, gpuMs: 0.01, cpuMs: null, startMs: 0, group: null, site: null };
    const bundle = (await displayBundle(new Profile([record], 1, true, null, 0.0059))) as Extract<OutputBundle, { type: 'profile' }>;
    expect(bundle.timestampCostMs).toBe(0.0059);
    expect(bundle.text).toContain('about 5.9 µs');
  });

  it('sends the shaders compiled during the run and their compile time, apart from the kernel times', async () => {
    const record = { name: 'add', device: 'webgpu' as const, flops: 4, bytes: 48, gpuMs: 0.01, cpuMs: null, startMs: 0, group: null, site: null };
    const bundle = (await displayBundle(new Profile([record], 900, true, null, null, { shaders: 3, ms: 850 }))) as Extract<OutputBundle, { type: 'profile' }>;
    expect(bundle).toMatchObject({ shadersCompiled: 3, compileMs: 850 });
    expect(bundle.text).toContain('Shaders compiled: 3 in 850.0ms');
    expect(bundle.text).toContain('GPU total: 0.010ms');
    const none = (await displayBundle(new Profile([record], 1, true))) as Extract<OutputBundle, { type: 'profile' }>;
    expect(none).toMatchObject({ shadersCompiled: 0, compileMs: 0 });
    expect(none.text).not.toContain('Shaders compiled');
  });

  it('shows torch.memory() as a memory card', async () => {
    const bundle = await displayBundle(torch.memory());
    expect(bundle.type).toBe('memory');
    expect((await displayBundle({ liveBytes: 1 })).type).toBe('text');
  });
});
