/** Learning-rate schedulers against PyTorch's values: the constructor's initial step, the chainable forms, closed forms, momentum cycling. */
import { describe, expect, it } from 'vitest';
import { optim, torch } from '../index';

const { lrScheduler: S } = optim;
const sgd = (lr = 0.1) => new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr, momentum: 0.9 });

/** The learning rate before each of `n` steps (as the parity cases record them). */
function lrs(sched: { step(): void; getLastLr(): number[] }, n: number): number[] {
  return Array.from({ length: n }, () => {
    const lr = sched.getLastLr()[0];
    sched.step();
    return lr;
  });
}

const close = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g, `step ${i}: ${g} vs ${want[i]}`).toBeCloseTo(want[i], 12));
};

describe('learning-rate schedulers', () => {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const cases: [string, () => { step(): void; getLastLr(): number[] }, number[]][] = [
    ['LambdaLR', () => new S.LambdaLR(sgd(), { lrLambda: (e) => 0.5 ** e }), range(5).map((e) => 0.1 * 0.5 ** e)],
    ['MultiplicativeLR', () => new S.MultiplicativeLR(sgd(), { lrLambda: () => 0.9 }), range(5).map((e) => 0.1 * 0.9 ** e)],
    ['MultiStepLR with a repeated milestone', () => new S.MultiStepLR(sgd(), { milestones: [2, 2, 4] }), [0.1, 0.1, 0.001, 0.001, 0.0001, 0.0001]],
    ['ExponentialLR', () => new S.ExponentialLR(sgd(), { gamma: 0.5 }), [0.1, 0.05, 0.025, 0.0125]],
    ['LinearLR', () => new S.LinearLR(sgd(), { startFactor: 0.5, endFactor: 0.1, totalIters: 4 }), [0.05, 0.04, 0.03, 0.02, 0.01, 0.01]],
    ['LinearLR defaults', () => new S.LinearLR(sgd(0.3)), [0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.3]],
    ['ConstantLR', () => new S.ConstantLR(sgd(), { factor: 0.5, totalIters: 2 }), [0.05, 0.05, 0.1, 0.1]],
    ['CosineAnnealingLR past tMax', () => new S.CosineAnnealingLR(sgd(), { tMax: 2, etaMin: 0.02 }), [0.1, 0.06, 0.02, 0.06, 0.1, 0.06]],
    ['PolynomialLR power 2', () => new S.PolynomialLR(sgd(), { totalIters: 4, power: 2 }), [0.1, 0.05625, 0.025, 0.00625, 0, 0]],
    [
      'ChainedScheduler of ConstantLR and ExponentialLR',
      () => {
        const opt = sgd();
        return new S.ChainedScheduler([new S.ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 })]);
      },
      [0.01, 0.009, 0.081, 0.0729],
    ],
    ['CosineAnnealingWarmRestarts tMult 1', () => new S.CosineAnnealingWarmRestarts(sgd(), { t0: 2 }), [0.1, 0.05, 0.1, 0.05, 0.1]],
    [
      'OneCycleLR three-phase linear',
      () => new S.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, divFactor: 10, finalDivFactor: 100, threePhase: true, annealStrategy: 'linear' }),
      [0.1, 0.55, 1, 0.55, 0.1, 0.0802, 0.0604, 0.0406, 0.0208, 0.001],
    ],
    [
      'SequentialLR of three',
      () => {
        const opt = sgd();
        const schedulers = [
          new S.ConstantLR(opt, { factor: 0.5, totalIters: 10 }),
          new S.ExponentialLR(opt, { gamma: 0.5 }),
          new S.StepLR(opt, { stepSize: 2 }),
        ];
        return new S.SequentialLR(opt, { schedulers, milestones: [2, 4] });
      },
      [0.05, 0.05, 0.1, 0.05, 0.1, 0.1, 0.01, 0.01],
    ],
  ];
  for (const [name, make, want] of cases) it(`${name} gives PyTorch's learning rates`, () => close(lrs(make(), want.length), want));

  it('SequentialLR of LinearLR warmup and CosineAnnealingLR gives warmup then cosine decay (AdamW)', () => {
    const opt = new optim.AdamW([torch.zeros([1], { requiresGrad: true })], { lr: 3e-3 });
    const warmup = new S.LinearLR(opt, { startFactor: 0.1, totalIters: 4 });
    const cosine = new S.CosineAnnealingLR(opt, { tMax: 8, etaMin: 1e-4 });
    const sched = new S.SequentialLR(opt, { schedulers: [warmup, cosine], milestones: [4] });
    const want = Array.from({ length: 13 }, (_, e) =>
      e < 4 ? 3e-3 * (0.1 + (0.9 * e) / 4) : 1e-4 + ((3e-3 - 1e-4) * (1 + Math.cos((Math.PI * (e - 4)) / 8))) / 2,
    );
    close(lrs(sched, 13), want);
  });

  it('OneCycleLR cycles Adam beta1 and SGD momentum inversely to the learning rate', () => {
    const adam = new optim.Adam([torch.zeros([1], { requiresGrad: true })], { betas: [0.9, 0.99] });
    const sched = new S.OneCycleLR(adam, { maxLr: 1, totalSteps: 10, threePhase: true, annealStrategy: 'linear' });
    const betas = Array.from({ length: 10 }, () => {
      const b = adam.paramGroups[0].betas;
      sched.step();
      return b;
    });
    close(
      betas.map((b) => b[0]),
      [0.95, 0.9, 0.85, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95],
    );
    expect(betas.every((b) => b[1] === 0.99)).toBe(true);
    const opt = sgd();
    new S.OneCycleLR(opt, { maxLr: 1, totalSteps: 10, maxMomentum: 0.99 });
    expect(opt.paramGroups[0].momentum).toBe(0.99);
  });

  it('ReduceLROnPlateau follows mode, threshold, cooldown and minLr', () => {
    const opt = sgd();
    const sched = new S.ReduceLROnPlateau(opt, { mode: 'max', factor: 0.5, patience: 0, threshold: 0.1, thresholdMode: 'abs', cooldown: 1, minLr: 0.02 });
    const got = [1, 1.05, 1.2, 1.2, 1.2, 1.2].map((m) => (sched.step(m), sched.getLastLr()[0]));
    close(got, [0.1, 0.05, 0.05, 0.025, 0.025, 0.02]);
  });

  it('step(epoch) uses the closed form; stateDict has PyTorch keys and restores', () => {
    const sched = new S.ExponentialLR(sgd(), { gamma: 0.5 });
    sched.step(3);
    close(sched.getLastLr(), [0.0125]);
    const step = new S.StepLR(sgd(), { stepSize: 2, gamma: 0.5 });
    step.step();
    step.step();
    const sd = step.stateDict();
    expect(sd).toMatchObject({ base_lrs: [0.1], last_epoch: 2, step_size: 2, gamma: 0.5, _step_count: 3, _last_lr: [0.05] });
    const other = new S.StepLR(sgd(), { stepSize: 5 });
    other.loadStateDict(sd);
    expect([other.lastEpoch, other.stepSize]).toEqual([2, 2]);
  });

  it('CosineAnnealingWarmRestarts state uses PyTorch keys (T_0, T_i, T_cur) and restores mid-period', () => {
    const a = new S.CosineAnnealingWarmRestarts(sgd(), { t0: 3, tMult: 2, etaMin: 0.01 });
    for (let i = 0; i < 4; i++) a.step();
    const sd = a.stateDict();
    expect(sd).toMatchObject({ T_0: 3, T_i: 6, T_cur: 1, T_mult: 2, eta_min: 0.01, last_epoch: 4 });
    const b = new S.CosineAnnealingWarmRestarts(sgd(), { t0: 3, tMult: 2, etaMin: 0.01 });
    b.loadStateDict(sd);
    a.step();
    b.step();
    close(b.getLastLr(), a.getLastLr());
  });

  it('a scheduler records initialLr on the groups, which stateDict keeps as initial_lr', () => {
    const opt = sgd(0.2);
    new S.LambdaLR(opt, { lrLambda: () => 0.5 });
    expect(opt.paramGroups[0].initialLr).toBe(0.2);
    expect(opt.paramGroups[0].lr).toBe(0.1);
    expect(opt.stateDict().param_groups[0].initial_lr).toBe(0.2);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['no optimizer', () => new S.ExponentialLR(null as never, { gamma: 0.5 }), /must be an optimizer/],
    ['a zero stepSize', () => new S.StepLR(sgd(), { stepSize: 0 }), /invalid stepSize 0/],
    ['a lambda per group missing', () => new S.LambdaLR(sgd(), { lrLambda: [() => 1, () => 1] }), /expected 1 lrLambda/],
    ['OneCycleLR without a length', () => new S.OneCycleLR(sgd(), { maxLr: 1 }), /totalSteps/],
    ['OneCycleLR past its end', () => lrs(new S.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 2 }), 3), /totalSteps 2/],
    [
      'OneCycleLR on an optimizer without momentum',
      () => new S.OneCycleLR(new optim.Adagrad([torch.zeros([1], { requiresGrad: true })]), { maxLr: 1, totalSteps: 5 }),
      /cycleMomentum/,
    ],
    ['a plateau factor of 1', () => new S.ReduceLROnPlateau(sgd(), { factor: 1 }), /factor must be < 1/],
    ['a plateau step without a metric', () => new S.ReduceLROnPlateau(sgd()).step(undefined as never), /metric/],
    [
      'SequentialLR milestones',
      () => new S.SequentialLR(sgd(), { schedulers: [new S.ExponentialLR(sgd(), { gamma: 0.5 })], milestones: [1] }),
      /different optimizer|milestones/,
    ],
    ['LinearLR startFactor 0', () => new S.LinearLR(sgd(), { startFactor: 0 }), /invalid startFactor/],
  ];
  for (const [name, f, message] of bad) it(`fails clearly on ${name}`, () => expect(f).toThrow(message));
});
