// Main-thread tasks over 50 ms (the Long Tasks API), recorded from a moment the test chooses.
import type { Page } from '@playwright/test';

export interface LongTask {
  startTime: number;
  duration: number;
  name: string;
}

/** A frame over 50 ms (Long Animation Frames): which scripts ran in it, and how long its rendering took. */
export interface LongFrame {
  startTime: number;
  duration: number;
  blocking: number;
  renderMs: number;
  scripts: string[];
}

type Recorder = { __longTasks?: LongTask[]; __longFrames?: LongFrame[]; __longTaskObservers?: PerformanceObserver[] };

export class LongTasks {
  constructor(readonly page: Page) {}

  /** Waits until the page has had no long task for `quietMs` (the editors' start and background tokenizing are over). */
  async waitForQuiet(quietMs = 1_500, timeoutMs = 20_000): Promise<void> {
    await this.page.evaluate(
      ([quiet, timeout]) =>
        new Promise<void>((resolve) => {
          let last = performance.now();
          const observer = new PerformanceObserver(() => (last = performance.now()));
          observer.observe({ type: 'longtask' });
          const started = performance.now();
          const check = () => {
            const now = performance.now();
            if (now - last >= quiet || now - started >= timeout) {
              observer.disconnect();
              resolve();
            } else setTimeout(check, 100);
          };
          check();
        }),
      [quietMs, timeoutMs] as const,
    );
  }

  /** Starts recording now (earlier tasks, like the editor's start, are left out). */
  async start(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as Recorder;
      for (const o of w.__longTaskObservers ?? []) o.disconnect();
      w.__longTasks = [];
      w.__longFrames = [];
      const tasks = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks!.push({ startTime: Math.round(e.startTime), duration: Math.round(e.duration), name: e.name });
      });
      tasks.observe({ type: 'longtask' });
      w.__longTaskObservers = [tasks];
      if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
        type Frame = PerformanceEntry & {
          blockingDuration: number;
          renderStart: number;
          scripts: { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number }[];
        };
        const frames = new PerformanceObserver((list) => {
          for (const e of list.getEntries() as Frame[]) {
            w.__longFrames!.push({
              startTime: Math.round(e.startTime),
              duration: Math.round(e.duration),
              blocking: Math.round(e.blockingDuration),
              renderMs: e.renderStart ? Math.round(e.startTime + e.duration - e.renderStart) : 0,
              scripts: e.scripts.map((s) => `${s.invoker} ${s.sourceFunctionName} ${s.sourceURL.split('/').pop()} ${Math.round(s.duration)} ms`),
            });
          }
        });
        frames.observe({ type: 'long-animation-frame' });
        w.__longTaskObservers.push(frames);
      }
    });
  }

  /** What was recorded, after two more frames (so the last render is in): long tasks, and long frames to explain them. */
  async stop(): Promise<{ tasks: LongTask[]; frames: LongFrame[] }> {
    return this.page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      await new Promise((r) => setTimeout(r, 100));
      const w = window as unknown as Recorder;
      for (const o of w.__longTaskObservers ?? []) o.disconnect();
      return { tasks: w.__longTasks ?? [], frames: w.__longFrames ?? [] };
    });
  }
}
