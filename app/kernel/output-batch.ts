// Outputs from the Worker reach the store at an animation frame, not once per message, and at most
// every MIN_INTERVAL_MS: a cell that floods the console costs the page a few updates a second. Console text of one stream that
// follows text of the same stream joins it, so a cell's log is one output (TextOutput shows its tail).
import type { OutputBundle } from '../../workers/protocol';

type StreamText = Extract<OutputBundle, { type: 'text' }> & { stream: 'stdout' | 'stderr' };

function isStreamText(output: OutputBundle | undefined): output is StreamText {
  return output?.type === 'text' && output.stream !== 'result';
}

function displayIdOf(output: OutputBundle): string | null {
  return 'displayId' in output ? output.displayId : null;
}

/** `outputs` with `incoming` added: console text joined to the same stream's text before it, a `displayId` replacing its earlier output. */
export function appendOutputs(outputs: readonly OutputBundle[], incoming: readonly OutputBundle[]): OutputBundle[] {
  const next = [...outputs];
  for (const output of incoming) {
    const last = next[next.length - 1];
    if (isStreamText(output) && isStreamText(last) && last.stream === output.stream) {
      next[next.length - 1] = { ...last, text: `${last.text}\n${output.text}` };
      continue;
    }
    const id = displayIdOf(output);
    const at = id === null ? -1 : next.findIndex((o) => displayIdOf(o) === id);
    if (at >= 0) next[at] = output;
    else next.push(output);
  }
  return next;
}

/** At most this often while outputs keep coming: each update re-renders and lays out the cell's output. */
export const MIN_INTERVAL_MS = 100;

/**
 * Collects outputs per cell until `flush`, which runs at an animation frame: the next one after a
 * quiet spell, else MIN_INTERVAL_MS after the last flush (and without frames, in a hidden tab, by a timer).
 */
export class OutputBatcher {
  private pending = new Map<string, OutputBundle[]>();
  private scheduled = false;
  private last = -Infinity;

  constructor(
    private readonly apply: (batch: Map<string, OutputBundle[]>) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(cellId: string, output: OutputBundle): void {
    const list = this.pending.get(cellId);
    if (list) list.push(output);
    else this.pending.set(cellId, [output]);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, this.last + MIN_INTERVAL_MS - this.now());
    const onFrame = () => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => this.flush()) : setTimeout(() => this.flush(), 0));
    if (wait === 0) onFrame();
    else setTimeout(onFrame, wait);
    setTimeout(() => this.flush(), wait + MIN_INTERVAL_MS); // animation frames stop in background tabs
  }

  /** Applies what is pending now (before a message that must come after the outputs, like `finished`). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.last = this.now();
    this.apply(batch);
  }
}
