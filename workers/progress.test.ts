import { describe, expect, it } from 'vitest';
import { OutputStream } from './output-stream';
import { createProgress, MARK_MS, type WorkDone } from './progress';
import type { OutputBundle } from './protocol';

type Bar = Extract<OutputBundle, { type: 'progress' }>;

/** A device whose completion promises the test resolves: each marker covers the steps issued before it. */
function fakeDevice() {
  const markers: { resolve: () => void; done: boolean }[] = [];
  const workDone: WorkDone = () =>
    new Promise<void>((resolve) => {
      const m = { resolve: () => ((m.done = true), resolve()), done: false };
      markers.push(m);
    });
  return { markers, workDone };
}

function setup(workDone?: WorkDone) {
  let clock = 0;
  const posted: Bar[] = [];
  const stream = new OutputStream({ post: (_cell, output) => output.type === 'progress' && posted.push(output), failed: () => null, now: () => clock });
  stream.begin('cell');
  const progress = createProgress(
    (make) => void stream.emit(make),
    () => clock,
    workDone,
  );
  return { progress, posted, stream, tick: (ms: number) => (clock += ms) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('progress counts steps whose work the device finished', () => {
  it('shows no step done while the GPU has finished none, then advances as markers resolve, never past them', async () => {
    const device = fakeDevice();
    const { progress, posted, tick, stream } = setup(device.workDone);
    const issuedAtMarker: number[] = [];
    let i = 0;
    for (const _ of progress(20)) {
      i++;
      tick(MARK_MS); // every step is a marker's worth of time apart
      issuedAtMarker.push(i);
    }
    // 20 markers in the loop (one per step, as MARK_MS passed each time), and one when it ended.
    expect(device.markers).toHaveLength(21);
    const last = posted[posted.length - 1];
    expect(last).toMatchObject({ done: 0, issued: 20, state: 'running' });
    // The GPU finishes the first 7 steps' work.
    for (const m of device.markers.slice(0, 7)) m.resolve();
    await flush();
    tick(200);
    await new Promise((r) => setTimeout(r, 250)); // drain updates (each shows the count as the one before went out)
    const shown = posted.filter((b) => b.state === 'running');
    const finishedSteps = 7;
    for (const b of shown) expect(b.done).toBeLessThanOrEqual(finishedSteps);
    expect(shown.some((b) => b.done === 7)).toBe(true);
    expect(posted.some((b) => b.state === 'done')).toBe(false);
    // Everything finishes: done only now, n/n.
    for (const m of device.markers) if (!m.done) m.resolve();
    await stream.drain();
    const final = posted[posted.length - 1];
    expect(final).toMatchObject({ done: 20, issued: 20, total: 20, state: 'done' });
    for (const b of posted) expect(b.done).toBeLessThanOrEqual(b.issued ?? Infinity);
  });

  it('makes one marker every MARK_MS or 1% of the steps, however fast the loop runs', () => {
    const device = fakeDevice();
    const { progress, tick } = setup(device.workDone);
    for (const _ of progress(100_000)) tick(0.01); // 1 s of loop
    // One per 1,000 steps (the first at step 1), and one at the end; time adds none here.
    expect(device.markers.length).toBeGreaterThanOrEqual(100);
    expect(device.markers.length).toBeLessThanOrEqual(102);
    const slow = fakeDevice();
    const second = setup(slow.workDone);
    for (const _ of second.progress(20)) second.tick(10); // 200 ms of loop, 1% is one step
    expect(slow.markers).toHaveLength(21);
    const unknown = fakeDevice();
    const third = setup(unknown.workDone);
    for (const _ of third.progress(
      (function* () {
        for (let i = 0; i < 1000; i++) yield i;
      })(),
    ))
      third.tick(0.5); // 500 ms, no total
    expect(unknown.markers.length).toBeGreaterThanOrEqual(10);
    expect(unknown.markers.length).toBeLessThanOrEqual(12);
  });

  it('the cell waits for the bar: drain resolves only after the device finished every step', async () => {
    const device = fakeDevice();
    const { progress, stream, posted } = setup(device.workDone);
    for (const _ of progress(3));
    let drained = false;
    void stream.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 250));
    expect(drained).toBe(false);
    for (const m of device.markers) m.resolve();
    await new Promise((r) => setTimeout(r, 150));
    expect(drained).toBe(true);
    expect(posted[posted.length - 1]).toMatchObject({ done: 3, state: 'done' });
  });

  it('rate and time left come from finished steps (the page computes them from done)', async () => {
    const device = fakeDevice();
    const { progress, posted, tick } = setup(device.workDone);
    const it = progress(10)[Symbol.iterator]();
    it.next();
    for (let k = 0; k < 4; k++) {
      tick(MARK_MS);
      it.next();
    }
    // Four steps issued past the first; the device finished the first marker's step only.
    device.markers[0].resolve();
    await flush();
    tick(200);
    it.next(); // an update goes out
    const last = posted[posted.length - 1];
    expect(last.done).toBe(1);
    expect(last.issued).toBe(5);
  });

  it('on a device that queues nothing (CPU), every step is done when issued', () => {
    const { progress, posted } = setup(() => null);
    for (const _ of progress(4));
    expect(posted[posted.length - 1]).toMatchObject({ done: 4, issued: 4, state: 'done' });
  });

  it('a loop cut short is stopped at once, with the count the device confirmed', () => {
    const device = fakeDevice();
    const { progress, posted } = setup(device.workDone);
    for (const i of progress(10)) if (i === 3) break;
    expect(posted[posted.length - 1]).toMatchObject({ done: 0, issued: 3, state: 'stopped' });
  });
});
