/** torch.func transforms composed with each other and with torch.compile, against analytic derivatives, loops and finite differences, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, torch, type Tensor } from '../index';
import { compiledInfo } from '../compile/compile';
import { testDevices } from '../testing/devices';
import { expectJvpMatchesFd, expectTensorClose, expectVmapMatchesLoop, rnd } from '../testing/func-check';

const devices = await testDevices();
const { grad, vmap, jvp, jacrev, jacfwd, hessian, functionalCall } = torch.func;
const TOL = { abs: 1e-5, rel: 1e-4 };

/** f(x) = sum(sin x) * sum(x): its Hessian is cos x_k + cos x_j - δ_jk sum(x) sin x_j. */
const f = (x: Tensor) => x.sin().sum().mul(x.sum());
function hessianOfF(d: Device, xs: number[]): Tensor {
  const s = xs.reduce((a, b) => a + b, 0);
  const rows = xs.map((xj, j) => xs.map((xk, k) => Math.cos(xk) + Math.cos(xj) - (j === k ? s * Math.sin(xj) : 0)));
  return torch.tensor(rows, { device: d });
}

describe.each(devices)('torch.func compositions on %s', (d) => {
  it('grad(grad(f)) of a scalar function equals the second derivative', async () => {
    const g = (x: Tensor) => x.sin().mul(x.square());
    const x0 = 0.7;
    const second = grad(grad(g))(torch.tensor(x0, { device: d })) as Tensor;
    const want = (2 - x0 * x0) * Math.sin(x0) + 4 * x0 * Math.cos(x0);
    await expectTensorClose(second, torch.tensor(want, { device: d }), TOL, 'grad(grad(f))');
    const third = grad(grad(grad(g)))(torch.tensor(x0, { device: d })) as Tensor;
    const want3 = -2 * x0 * Math.sin(x0) + (2 - x0 * x0) * Math.cos(x0) + 4 * Math.cos(x0) - 4 * x0 * Math.sin(x0);
    await expectTensorClose(third, torch.tensor(want3, { device: d }), TOL, 'grad(grad(grad(f)))');
  });

  it('vmap(grad(f)) equals a loop of grads, with a captured parameter (inDims null)', async () => {
    const w = rnd(d, [3], 4);
    const loss = (x: Tensor, p: Tensor) => x.mul(p).tanh().sum().add(x.square().sum().mul(p.sum()));
    await expectVmapMatchesLoop((x: Tensor, p: Tensor) => grad(loss, { argnums: 1 })(x, p), [rnd(d, [4, 3]), w], [0, null], TOL);
    await expectVmapMatchesLoop((x: Tensor, p: Tensor) => grad(loss)(x, p), [rnd(d, [4, 3]), w], [0, null], TOL);
  });

  it('jacrev(jacfwd(f)), jacfwd(jacrev(f)) and hessian(f) equal the analytic Hessian', async () => {
    const xs = [0.3, -1.1, 0.8];
    const x = torch.tensor(xs, { device: d });
    const want = hessianOfF(d, xs);
    await expectTensorClose(jacrev(jacfwd(f))(x) as Tensor, want, TOL, 'jacrev(jacfwd(f))');
    await expectTensorClose(jacfwd(jacrev(f))(x) as Tensor, want, TOL, 'jacfwd(jacrev(f))');
    await expectTensorClose(jacrev(jacrev(f))(x) as Tensor, want, TOL, 'jacrev(jacrev(f))');
    await expectTensorClose(hessian(f)(x) as Tensor, want, TOL, 'hessian(f)');
  });

  it('jvp(grad(f)) is the Hessian-vector product', async () => {
    const xs = [0.3, -1.1, 0.8];
    const v = torch.tensor([0.5, -1, 2], { device: d });
    const [, hvp] = jvp(grad(f), [torch.tensor(xs, { device: d })], [v]) as Tensor[];
    await expectTensorClose(hvp, hessianOfF(d, xs).matmul(v), TOL, 'jvp(grad(f))');
  });

  it('jvp of jvp (forward over forward) is u·H·v, and grad of jvp (reverse over forward) is H·v', async () => {
    const xs = [0.3, -1.1, 0.8];
    const x = torch.tensor(xs, { device: d });
    const [u, v] = [torch.tensor([1, 0.5, -2], { device: d }), torch.tensor([0.5, -1, 2], { device: d })];
    const H = hessianOfF(d, xs);
    const [, fof] = jvp((y: Tensor) => (jvp(f, [y], [v]) as Tensor[])[1], [x], [u]) as Tensor[];
    await expectTensorClose(fof, u.matmul(H.matmul(v)), TOL, 'jvp(jvp(f))');
    const rof = grad((y: Tensor) => (jvp(f, [y], [v]) as Tensor[])[1])(x) as Tensor;
    await expectTensorClose(rof, H.matmul(v), TOL, 'grad(jvp(f))');
  });

  it('grad of a vmapped function (a captured parameter not mapped) equals autograd on the batched expression', async () => {
    const X = rnd(d, [5, 3]);
    const w0 = rnd(d, [3], 2);
    const loss = (w: Tensor) => (vmap((x: Tensor, p: Tensor) => x.mul(p).sum().tanh(), { inDims: [0, null] })(X, w) as Tensor).square().sum();
    const got = grad(loss)(w0) as Tensor;
    const w = w0.clone().requiresGrad_();
    X.matmul(w).tanh().square().sum().backward();
    await expectTensorClose(got, w.grad!, TOL, 'grad(vmap(f))');
    await expectJvpMatchesFd(loss, [w0], 'jvp of a vmapped function');
  });

  it('vmap(vmap(f)) equals a double loop, and vmap(jvp(f)) a loop over tangents', async () => {
    const g = (a: Tensor) => a.softmax(0).mul(a).sum();
    const x = rnd(d, [2, 3, 4]);
    const rows = [0, 1].map((i) => torch.stack([0, 1, 2].map((j) => g(x.select(0, i).select(0, j)))));
    await expectTensorClose(vmap(vmap(g))(x) as Tensor, torch.stack(rows), TOL, 'vmap(vmap(f))');
    await expectVmapMatchesLoop((a: Tensor) => vmap(g, { inDims: 1 })(a), [x], [0], TOL, 'vmap(vmap(f)) with inDims 1 inside');
    const x0 = rnd(d, [4], 3);
    await expectVmapMatchesLoop(
      (t: Tensor) => (jvp((a: Tensor) => a.exp().cumsum(0).mul(a), [x0], [t]) as Tensor[])[1],
      [rnd(d, [3, 4], 5)],
      [0],
      TOL,
      'vmap(jvp)',
    );
  });

  it('meta-learning: grad of a loss after an inner grad step on a linear model (functionalCall)', async () => {
    const model = new nn.Linear(2, 1);
    const mse = (ps: Record<string, Tensor>, x: Tensor, y: Tensor) => (functionalCall(model, ps, [x]) as Tensor).sub(y).square().mean();
    const [xs, ys, xq, yq] = [rnd(d, [4, 2]), rnd(d, [4, 1], 2), rnd(d, [3, 2], 3), rnd(d, [3, 1], 4)];
    const outer = (w: Tensor, b: Tensor) => {
      const g = grad(mse)({ weight: w, bias: b }, xs, ys) as Record<string, Tensor>;
      return mse({ weight: w.sub(g.weight.mul(0.5)), bias: b.sub(g.bias.mul(0.5)) }, xq, yq);
    };
    const [w0, b0] = [rnd(d, [1, 2], 5), rnd(d, [1], 6)];
    const [gw, gb] = grad(outer, { argnums: [0, 1] })(w0, b0) as Tensor[];
    // Autograd with createGraph through the inner step, as PyTorch's MAML is written.
    const [w, b] = [w0.clone().requiresGrad_(), b0.clone().requiresGrad_()];
    const inner = functionalCall(model, { weight: w, bias: b }, [xs]) as Tensor;
    const [iw, ib] = torch.autograd.grad([inner.sub(ys).square().mean()], [w, b], { createGraph: true }) as Tensor[];
    (functionalCall(model, { weight: w.sub(iw.mul(0.5)), bias: b.sub(ib.mul(0.5)) }, [xq]) as Tensor).sub(yq).square().mean().backward();
    await expectTensorClose(gw, w.grad!, TOL, 'meta gradient of the weight');
    await expectTensorClose(gb, b.grad!, TOL, 'meta gradient of the bias');
  });

  it('torch.compile(vmap(grad(f))) equals eager, is one graph, and dispatches as many kernels at batch 4 as at batch 16', async () => {
    const w = rnd(d, [3, 2], 2);
    const loss = (p: Tensor, x: Tensor) => x.matmul(p).tanh().square().sum();
    const perSample = vmap(grad(loss), { inDims: [null, 0] });
    const compiled = torch.compile(perSample);
    const kernels: number[] = [];
    for (const n of [4, 16]) {
      const x = rnd(d, [n, 3], n);
      // The first calls trace and run eagerly until the compiled kernels are ready.
      for (let i = 0; i < 3; i++) await (compiled(w, x) as Tensor).data();
      await torch.synchronize();
      let out!: Tensor;
      const prof = await torch.profile(() => {
        out = compiled(w, x) as Tensor;
      });
      await expectTensorClose(out, perSample(w, x) as Tensor, TOL, `compiled per-sample gradients at batch ${n}`);
      kernels.push(prof.kernels.length);
      const eager = await torch.profile(() => {
        perSample(w, x);
      });
      expect(prof.kernels.length, 'the compiled graph fuses: fewer kernels than eager').toBeLessThan(eager.kernels.length);
    }
    const info = compiledInfo(compiled)!;
    expect(info.segments, 'no graph break').toBeNull();
    expect(info.cache.size, 'one graph per batch size').toBe(2);
    expect(kernels[0], 'kernels at batch 4').toBeGreaterThan(0);
    expect(kernels[1], 'kernels at batch 16 (as at batch 4)').toBe(kernels[0]);
  });
});
