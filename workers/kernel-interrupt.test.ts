// Interrupting a cell that waits on the GPU, on the CPU device with the GPU's waits faked: a loop
// held back by a deep backlog, the kernel's wait for the GPU timer after the cell, and the
// "draining" status while submitted work finishes. The cell ends at once, names are kept.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { torch } from '../engine';
import type { Backend } from '../engine/backends/backend';
import type { Backlog } from '../engine/core/backlog';
import { getBackend } from '../engine/core/runtime';
import { testKernel as kernelForTests } from './kernel-testing';

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
});

const cpu = getBackend('cpu') as { backlog?: Backlog; read: Backend['read'] };
const realRead = cpu.read;
const realTimer = torch.gpuTimer;
const realWorkDone = torch.workDone;
afterEach(() => {
  delete cpu.backlog;
  cpu.read = realRead;
  torch.gpuTimer = realTimer;
  torch.workDone = realWorkDone;
});

/** A GPU queue that is deep until `release()`; `waits` counts the loops' waits on it. */
function fakeBacklog(inFlight = 3) {
  let release = () => {};
  const drainedOnce = new Promise<void>((resolve) => (release = resolve));
  const backlog = {
    deep: true,
    inFlight,
    waits: 0,
    drained(): Promise<void> {
      backlog.waits++;
      return drainedOnce;
    },
    release(): void {
      backlog.deep = false;
      backlog.inFlight = 0;
      release();
    },
  };
  return backlog;
}

/** A kernel on the real clock: progress bars and the waits below measure time. */
const testKernel = () => kernelForTests({ fakeClock: false });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('interrupt during a wait on the GPU', () => {
  it('stops a loop held back by a deep backlog within milliseconds, and keeps the names', async () => {
    const { kernel, run } = testKernel();
    await run('let steps = 0');
    const backlog = fakeBacklog();
    cpu.backlog = backlog;
    const running = run('for (let i = 0; i < 2000; i++) { steps = Math.max(steps, steps + 1) }');
    await sleep(20);
    expect(backlog.waits).toBe(1); // the loop waits at its first guard: the GPU is behind
    const pressed = performance.now();
    kernel.interrupt();
    const stopped = await running;
    expect(performance.now() - pressed).toBeLessThan(100);
    expect(stopped).toMatchObject({ ok: false, interrupted: true });
    expect(stopped.shown).toEqual([expect.stringMatching(/^InterruptError at 1:\d+: Interrupted: the cell was stopped. What earlier cells defined is kept./)]);
    backlog.release();
    kernel.prepareRun();
    expect((await run('steps')).shown).toEqual(['result: 0']);
  });

  it('a loop waits while the backlog is deep and goes on once it drains', async () => {
    const { run } = testKernel();
    const backlog = fakeBacklog();
    cpu.backlog = backlog;
    const running = run('let n = 0\nwhile (n < 100) n = Math.max(n, n + 1)\nn');
    await sleep(20);
    expect(backlog.waits).toBe(1);
    backlog.release();
    expect((await running).shown).toEqual(['result: 100']);
    expect(backlog.waits).toBe(1);
  });

  it('a loop in a plain function never waits: it runs to its end however deep the backlog', async () => {
    const { run } = testKernel();
    const backlog = fakeBacklog();
    cpu.backlog = backlog;
    expect((await run('function count() { let n = 0; while (n < 100) n = Math.max(n, n + 1); return n }\ncount()')).shown).toEqual(['result: 100']);
    expect(backlog.waits).toBe(0);
  });

  it("stops the kernel's wait for the GPU after the cell, drops outputs still being made, and stops live bars", async () => {
    const { kernel, messages, run } = testKernel();
    torch.gpuTimer = () => ({ stop: () => new Promise<number | null>(() => {}) }); // the GPU never finishes
    cpu.read = () => new Promise(() => {}); // nor a read
    const running = run('const kept = 7\nfor (const i of progress(3)) {}\ndisplay(torch.ones([2]))\nconsole.log("after")');
    await sleep(20);
    expect(messages.some((m) => m.type === 'finished')).toBe(false);
    const pressed = performance.now();
    kernel.interrupt();
    const stopped = await running;
    expect(performance.now() - pressed).toBeLessThan(100);
    expect(stopped.ok).toBe(false);
    expect(stopped.shown).toEqual(['progress 3/3 done', expect.stringMatching(/^InterruptError at null:null: Interrupted/)]);
    torch.gpuTimer = realTimer;
    cpu.read = realRead;
    kernel.prepareRun();
    expect((await run('kept')).shown).toEqual(['result: 7']);
  });

  it('a loop of an interrupted cell does not go on once the next cell runs', async () => {
    const { kernel, run } = testKernel();
    const running = run('let count = 0\nwhile (true) { await new Promise((r) => setTimeout(r, 1)); count++ }');
    await sleep(30);
    kernel.interrupt();
    expect((await running).interrupted).toBe(true);
    await sleep(10); // the iteration under way when Interrupt came ends
    kernel.prepareRun();
    const later = await run('const before = count\nawait new Promise((r) => setTimeout(r, 40))\ncount - before');
    expect(later.shown).toEqual(['result: 0']);
  });

  it('says the GPU is draining after a cell while submitted work is unfinished, and idle once it is done', async () => {
    const { kernel, messages, run } = testKernel();
    const backlog = fakeBacklog(2);
    backlog.deep = false;
    cpu.backlog = backlog;
    let finish = () => {};
    torch.workDone = () => new Promise<void>((resolve) => (finish = resolve));
    await run('const x = 1');
    expect(kernel.draining).toBe(true);
    const before = messages.length;
    finish();
    await sleep(0);
    expect(kernel.draining).toBe(false);
    expect(messages.slice(before)).toEqual([{ type: 'status', status: 'idle' }]);
  });
});
