/** Each compiler pass alone, on graphs traced from small functions (no device needed). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { torch, type Tensor } from '../../index';
import { trace } from '../trace';
import { printGraph } from '../fx-print';
import { kernelName } from '../names';
import type { Graph } from '../ir';
import { eliminateDeadCode } from './dce';
import { eliminateCommonSubexpressions } from './cse';
import { fuseElementwise } from './fuse-elementwise';
import { fusePrologues } from './fuse-prologue';
import { fuseEpilogues } from './fuse-epilogue';
import { foldConstants } from './fold';
import { simplifyViews } from './simplify-views';
import { exprKey } from '../../ops/op-types';

function traced(fn: (...a: Tensor[]) => unknown, ...shapes: number[][]): Graph {
  return trace(
    fn,
    shapes.map((s) => torch.zeros(s, { device: 'cpu' })),
    'cpu',
  ).forward;
}

const kernels = (g: Graph) => g.nodes.map(kernelName);

describe('compiler passes', () => {
  it('dce drops work nothing returns', () => {
    const g = traced(
      (a) => {
        a.exp();
        return a.add(1);
      },
      [4],
    );
    expect(kernels(g)).toEqual(['exp', 'add']);
    eliminateDeadCode(g);
    expect(kernels(g)).toEqual(['add']);
  });

  it('cse reuses an identical computation', () => {
    const g = traced((a) => a.exp().add(a.exp()), [4]);
    eliminateCommonSubexpressions(g);
    eliminateDeadCode(g);
    expect(kernels(g)).toEqual(['exp', 'add']);
  });

  it('view simplification drops a layout copy whose readers can read the source view', () => {
    const g = traced((a, b) => a.t().contiguous().matmul(b), [3, 2], [3, 4]);
    expect(kernels(g)).toEqual(['copy', 'mm']);
    simplifyViews(g);
    eliminateDeadCode(g);
    expect(kernels(g)).toEqual(['mm']);
    const mm = g.nodes[0];
    expect(mm.kind === 'matmul' && [mm.a.shape, mm.a.strides]).toEqual([
      [2, 3],
      [1, 2],
    ]);
    // A copy read in another layout (here a slice of it) stays.
    const kept = traced((a) => a.t().contiguous().narrow(0, 0, 1).exp(), [3, 2]);
    simplifyViews(kept);
    eliminateDeadCode(kept);
    expect(kernels(kept)).toEqual(['copy', 'exp']);
  });

  it('pointwise fusion turns a chain into one kernel named after its ops', () => {
    const g = traced((a, b) => a.mul(b).add(1).relu(), [3, 4], [4]);
    fuseElementwise(g);
    eliminateDeadCode(g);
    expect(kernels(g)).toEqual(['fused_mul_add_relu']);
  });

  it('a reduction takes its pointwise prologue and its epilogue', () => {
    const g = traced((a) => a.square().sum(-1).sqrt(), [3, 5]);
    fusePrologues(g);
    fuseEpilogues(g);
    expect(kernels(g)).toEqual(['fused_square_sum_sqrt']);
  });

  it('a matmul takes bias and activation as its epilogue', () => {
    const g = traced((a, w, b) => a.matmul(w).add(b).relu(), [2, 3], [3, 4], [4]);
    fuseElementwise(g);
    fuseEpilogues(g);
    expect(kernels(g)).toEqual(['fused_mm_add_relu']);
  });

  it('folding bakes the traced numbers in and drops identities', () => {
    const g = traced(
      (a) =>
        a
          .mul(1)
          .add(2 * 3)
          .sub(0),
      [4],
    );
    fuseElementwise(g);
    eliminateDeadCode(g);
    foldConstants(g);
    const node = g.nodes[0];
    expect(node.kind === 'elementwise' && node.scalars).toEqual([]);
    expect(node.kind === 'elementwise' && exprKey(node.expr)).toBe('add(i0:float32,c6:float32)');
  });

  it('prints as torch.fx prints a graph', () => {
    const g = traced((a) => a.exp().add(1), [2]);
    expect(printGraph(g, 'f')).toMatch(
      /^f\(\):\n {4}%arg0 : .* = placeholder\[target=arg0\]\n {4}%exp_0 : \[2\] float32 = call_kernel\[target=exp\]\(args = \(%arg0\)\)\n {4}%add_1 : \[2\] float32 = call_kernel\[target=add\]\(args = \(%exp_0\)\)\n {4}return \(%add_1\)$/,
    );
  });

  it('explain reports graphs, kernels and breaks', async () => {
    const ok = await torch.explain((a: Tensor) => a.mul(2).add(1), torch.ones([3], { device: 'cpu' }));
    expect([ok.graphCount, ok.graphBreakCount, ok.kernelCount]).toEqual([1, 0, 1]);
    expect(String(ok)).toContain('Graph Count: 1');
    const broken = await torch.explain(
      async (a: Tensor) => {
        const b = a.mul(2).add(1);
        return (await b.sum().item()) ? b.exp() : b; // the break: this line
      },
      torch.ones([3], { device: 'cpu' }),
    );
    expect([broken.graphCount, broken.graphBreakCount]).toEqual([2, 1]);
    expect(broken.breakReasons[0].reason).toMatch(/a value was read/);
    const line =
      readFileSync(new URL(import.meta.url), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('the break: this line')) + 1;
    expect(broken.breakReasons[0].location).toBe(`passes.test.ts:${line}`);
    expect(String(broken)).toContain(`Break Reason 1: a value was read (await x.item(), x.data() or x.tolist()) (at passes.test.ts:${line})`);
  });

  it('exposes graphs and WGSL for display', () => {
    const f = torch.compile((a: Tensor) => a.mul(2).relu());
    f(torch.ones([3], { device: 'cpu' }));
    const [view] = (f as unknown as { graphs: import('../graph-view').CompiledGraphView[] }).graphs;
    expect(view.before.nodes.filter((n) => n.kind === 'kernel').length).toBe(2);
    expect(view.after.nodes.filter((n) => n.kind === 'kernel').map((n) => n.label)).toEqual(['fused_mul_relu']);
    expect(view.kernels[0].wgsl).toContain('@compute');
  });
});
