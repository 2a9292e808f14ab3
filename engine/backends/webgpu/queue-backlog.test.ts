/** The backlog counts unfinished submits from onSubmittedWorkDone, is deep past the bound, and wakes its waiters once it is not. */
import { afterEach, describe, expect, it } from 'vitest';
import { torch } from '../../index';
import { deviceBacklog, NO_BACKLOG } from '../../core/backlog';
import { hasWebgpu } from '../../testing/gpu-requirements';
import { QueueBacklog } from './queue-backlog';
import { BACKLOG_TUNING } from './tuning';

/** A queue whose onSubmittedWorkDone promises the test settles, in submit order. */
function fakeQueue() {
  const pending: (() => void)[] = [];
  const queue = { onSubmittedWorkDone: () => new Promise<undefined>((resolve) => pending.push(() => resolve(undefined))) } as unknown as GPUQueue;
  return { queue, finishNext: () => pending.shift()?.() };
}

const bound = BACKLOG_TUNING.submits;
afterEach(() => {
  BACKLOG_TUNING.submits = bound;
});

describe('QueueBacklog', () => {
  it('is deep while more than BACKLOG_TUNING.submits submits are unfinished', async () => {
    BACKLOG_TUNING.submits = 2;
    const { queue, finishNext } = fakeQueue();
    const backlog = new QueueBacklog(queue);
    backlog.onSubmit();
    backlog.onSubmit();
    expect([backlog.inFlight, backlog.deep]).toEqual([2, false]);
    backlog.onSubmit();
    expect([backlog.inFlight, backlog.deep]).toEqual([3, true]);
    finishNext();
    await Promise.resolve();
    expect([backlog.inFlight, backlog.deep]).toEqual([2, false]);
  });

  it('drained() resolves at once when not deep, else once a submit finishes', async () => {
    BACKLOG_TUNING.submits = 1;
    const { queue, finishNext } = fakeQueue();
    const backlog = new QueueBacklog(queue);
    await backlog.drained();
    backlog.onSubmit();
    backlog.onSubmit();
    let woke = false;
    const waiting = backlog.drained().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    finishNext();
    await waiting;
    expect(woke).toBe(true);
    expect(backlog.inFlight).toBe(1);
  });

  it('counts a submit finished when its promise rejects (a lost device)', async () => {
    BACKLOG_TUNING.submits = 0;
    const queue = { onSubmittedWorkDone: () => Promise.reject(new Error('lost')) } as unknown as GPUQueue;
    const backlog = new QueueBacklog(queue);
    backlog.onSubmit();
    expect(backlog.deep).toBe(true);
    await backlog.drained();
    expect([backlog.inFlight, backlog.deep]).toEqual([0, false]);
  });
});

describe.skipIf(!(await hasWebgpu()))("the WebGPU backend's backlog", () => {
  it('counts the submits of a loop of ops, and none once the GPU has finished them', async () => {
    const backlog = deviceBacklog();
    expect(backlog).not.toBe(NO_BACKLOG);
    const x = torch.randn([64, 64], { device: 'webgpu' });
    let y = x;
    let most = 0;
    for (let i = 0; i < 20; i++) {
      y = y.matmul(x).tanh();
      torch.workDone(); // a submit per step
      most = Math.max(most, backlog.inFlight);
    }
    expect(most).toBeGreaterThan(0);
    await torch.synchronize();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([backlog.inFlight, backlog.deep]).toEqual([0, false]);
  });
});
