// Timings taken in the page with performance.now() (whose zero is the navigation's start), so that
// Playwright's round trips to the browser never count. A time "shown" is when the browser has
// rendered the frame that holds the change: a frame clock in the page marks the end of each
// frame's rendering step (style, layout, paint), the first task after it.
import type { Locator, Page } from '@playwright/test';

/**
 * In every document the page loads from now on: `window.__painted()` resolves, with
 * performance.now(), once the browser has rendered a frame after the call; and, from the
 * navigation's start, `window.__startup` records when the notebook was ready to run (cells in the
 * page, the kernel idle), the first pointerdown after that, and when a first output was shown.
 */
const CLOCK_AND_STARTUP = `(() => {
  const waiting = [];
  let users = 0;
  let running = false;
  const tick = () => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { const now = performance.now(); for (const resolve of waiting.splice(0)) resolve(now); };
    channel.port2.postMessage(0);
    running = users > 0;
    if (running) requestAnimationFrame(tick);
  };
  window.__clock = (on) => {
    users += on ? 1 : -1;
    if (users > 0 && !running) {
      running = true;
      requestAnimationFrame(tick);
    }
  };
  window.__painted = () => new Promise((resolve) => waiting.push(resolve));
  window.__clock(true);

  const times = { ready: null, click: null, firstOutput: null };
  window.__startup = times;
  addEventListener('pointerdown', (event) => { if (times.ready !== null && times.click === null) times.click = event.timeStamp; }, true);
  let readySeen = false;
  const observer = new MutationObserver(() => {
    if (!readySeen) {
      const status = document.querySelector('[data-testid="kernel-status"]');
      if (status && /idle/.test(status.textContent) && document.querySelector('[data-testid="cell"]')) {
        readySeen = true;
        window.__painted().then((t) => (times.ready = t));
      }
    }
    if ([...document.querySelectorAll('[data-testid="cell-output"]')].some((o) => o.childElementCount > 0)) {
      observer.disconnect();
      window.__painted().then((t) => { times.firstOutput = t; window.__clock(false); });
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})()`;

type ClockWindow = { __clock(on: boolean): void; __painted(): Promise<number>; __startup: StartupTimes };

/** What the startup recorder saw, in ms from the navigation's start (null: not seen). */
export interface StartupTimes {
  /** The notebook can be run: its cells are shown and the kernel says idle. */
  ready: number | null;
  /** The first pointerdown after `ready` (the user's click on Run all). */
  click: number | null;
  /** A first output in any cell was shown. */
  firstOutput: number | null;
}

export class GoalTimings {
  constructor(readonly page: Page) {}

  /** Installs the frame clock and the startup recorder in every document loaded from now on (call before navigating). */
  async install(): Promise<void> {
    await this.page.addInitScript(CLOCK_AND_STARTUP);
  }

  /**
   * Waits until the recorder saw the notebook ready, asking with plain evaluations: a locator would
   * first have Playwright compile its helper script in the page, on the main thread being timed.
   */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((await this.startup()).ready === null) {
      if (Date.now() > until) throw new Error(`the notebook was not ready (cells shown, the kernel idle) within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async startup(): Promise<StartupTimes> {
    return this.page.evaluate(() => (window as unknown as ClockWindow).__startup);
  }

  /**
   * Presses `key` in `cell` and times the run from the Enter key's event (its `event.timeStamp`):
   * until the output, new since the press (the run clears the old one first), holds `text` and is
   * shown; until the stats line (the cell's end) is in the page; and until an element matching
   * `view` in the output is shown with the stats line.
   */
  async run(cell: Locator, key: string, text: string, view: string): Promise<RunTimes> {
    await cell.evaluate(
      async (root, [expected, viewSelector]) => {
        const w = window as unknown as ClockWindow & { __run: RunState };
        // The frame clock runs from now until the run is timed (one frame first, so it is running at the press).
        w.__clock(true);
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const output = root.querySelector('[data-testid="cell-output"]')!;
        const cleared = () => output.childElementCount === 0 && root.querySelector('[data-testid="cell-stats"]') === null;
        const state: RunState = { pressed: null, times: Promise.resolve({ output: 0, finished: 0, view: 0 }) };
        state.times = new Promise<RunTimes>((resolve, reject) => {
          let sawCleared = cleared();
          let outputShown: Promise<number> | null = null;
          let finishedAt: number | null = null;
          const observer = new MutationObserver(() => {
            if (state.pressed === null) return;
            sawCleared ||= cleared();
            if (!sawCleared) return;
            if (outputShown === null && (output.textContent ?? '').includes(expected)) outputShown = w.__painted();
            if (finishedAt === null && root.querySelector('[data-testid="cell-stats"]')) finishedAt = performance.now();
            // Outputs reach the page before the cell's end: without the expected text by then, it never comes.
            if (finishedAt !== null && outputShown === null) {
              observer.disconnect();
              reject(new Error(`the cell finished without "${expected}" in its output: ${(output.textContent ?? '').slice(0, 300)}`));
              return;
            }
            if (outputShown === null || finishedAt === null || !output.querySelector(viewSelector)) return;
            observer.disconnect();
            const [start, finished] = [state.pressed, finishedAt];
            void Promise.all([outputShown, w.__painted()]).then(([o, v]) => {
              w.__clock(false);
              resolve({ output: o - start, finished: finished - start, view: v - start });
            });
          });
          observer.observe(root, { childList: true, subtree: true, characterData: true });
        });
        const onKey = (event: KeyboardEvent) => {
          if (event.key !== 'Enter') return;
          state.pressed = event.timeStamp;
          removeEventListener('keydown', onKey, true);
        };
        addEventListener('keydown', onKey, true);
        w.__run = state;
      },
      [text, view] as const,
    );
    await this.page.keyboard.press(key);
    return this.page.evaluate(() => (window as unknown as { __run: RunState }).__run.times);
  }
}

/** A cell run, in ms from the Enter key's event. */
export interface RunTimes {
  /** The output (new since the press, holding the expected text) was shown. */
  output: number;
  /** The stats line (the cell's end) came into the page. */
  finished: number;
  /** The stats line and the view were both shown. */
  view: number;
}

type RunState = { pressed: number | null; times: Promise<RunTimes> };

/** Median of a non-empty list. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
