/**
 * Counts submits the GPU has not finished (one onSubmittedWorkDone per submit, which resolve in
 * submit order), so a loop can see cheaply how far ahead of the GPU it runs (core/backlog.ts).
 */
import type { Backlog } from '../../core/backlog';
import { BACKLOG_TUNING } from './tuning';

export class QueueBacklog implements Backlog {
  deep = false;
  private submitted = 0;
  private finished = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly queue: GPUQueue) {}

  get inFlight(): number {
    return this.submitted - this.finished;
  }

  /** Call after each submit. */
  onSubmit(): void {
    const n = ++this.submitted;
    this.update();
    // A lost device settles the promise too (or never does: then interrupting the wait is what ends it).
    const done = () => this.finish(n);
    this.queue.onSubmittedWorkDone().then(done, done);
  }

  drained(): Promise<void> {
    return this.deep ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  private finish(n: number): void {
    if (n <= this.finished) return;
    this.finished = n;
    this.update();
  }

  private update(): void {
    this.deep = this.inFlight > BACKLOG_TUNING.submits;
    if (this.deep || this.waiters.length === 0) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
