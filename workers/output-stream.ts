// Outputs on their way to the page: in call order, as soon as possible, and never a flood.
//
// - An output that can be made at once (text, a progress update) is posted at once, so it shows
//   while a long synchronous loop is still running. One that needs an async step (a tensor's
//   values) is queued, and every output after it waits for it: the page sees call order.
// - Console text is coalesced: the first line goes out at once, later lines within TEXT_WINDOW_MS
//   go out together, so a loop that logs a million lines sends some twenty messages a second.
//   The page joins them and shows the tail (app/outputs/TextOutput.tsx), with the rest a click
//   away. Past MAX_LINES lines, a bound on the page's memory, a cell's console output is cut,
//   with a note saying so.
// - An interrupt abandons outputs still being made (a tensor whose values the GPU has not
//   finished): they are never posted, and outputs after them go out at once.
import type { OutputBundle } from './protocol';

export const TEXT_WINDOW_MS = 50;
export const MAX_LINES = 100_000;

type TextStream = 'stdout' | 'stderr';

export interface OutputSink {
  post(cellId: string, output: OutputBundle): void;
  /** A failure to make an output (it was interrupted: null), shown instead of it. */
  failed(error: unknown): OutputBundle | null;
  now(): number;
}

export class OutputStream {
  /** The cell outputs belong to: the running one, or the last one that ran. */
  cellId: string | null = null;
  private queued = 0;
  private tail: Promise<void> = Promise.resolve();
  private text: { cellId: string; stream: TextStream; lines: string[] } | null = null;
  private lastTextPost = -Infinity;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lines = 0;
  /** Counts abandon() calls: outputs emitted before the last one are dropped. */
  private generation = 0;

  constructor(private readonly sink: OutputSink) {}

  /** Starts a cell's outputs. */
  begin(cellId: string): void {
    this.flushText();
    this.cellId = cellId;
    this.lines = 0;
  }

  /** Makes an output now and posts it in order; resolves to false when making it failed. */
  emit(make: () => OutputBundle | Promise<OutputBundle>): Promise<boolean> {
    const cellId = this.cellId;
    if (cellId === null) return Promise.resolve(false);
    let made: OutputBundle | Promise<OutputBundle>;
    try {
      made = make();
    } catch (error) {
      made = Promise.reject(error);
    }
    if (!(made instanceof Promise) && this.queued === 0) {
      this.push(cellId, made);
      return Promise.resolve(true);
    }
    this.queued++;
    const generation = this.generation;
    const settled = Promise.resolve(made).then(
      (output) => ({ output: output as OutputBundle | null, ok: true }),
      (error: unknown) => ({ output: this.sink.failed(error), ok: false }),
    );
    const posted = this.tail
      .then(() => settled)
      .then(({ output, ok }) => {
        if (generation !== this.generation) return false;
        this.queued--;
        if (output) this.push(cellId, output);
        return ok;
      });
    this.tail = posted.then(() => undefined);
    return posted;
  }

  /** Drops the outputs still being made (the cell was interrupted): later ones post at once. */
  abandon(): void {
    this.generation++;
    this.queued = 0;
    this.tail = Promise.resolve();
  }

  /** Resolves once every output emitted so far is posted. */
  async drain(): Promise<void> {
    let tail;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail);
    this.flushText();
  }

  private push(cellId: string, output: OutputBundle): void {
    if (output.type === 'text' && output.stream !== 'result') return this.pushText(cellId, output.stream, output.text);
    this.flushText();
    this.sink.post(cellId, output);
  }

  private pushText(cellId: string, stream: TextStream, text: string): void {
    if (cellId === this.cellId) {
      if (this.lines >= MAX_LINES) return;
      this.lines += 1 + countNewlines(text);
      if (this.lines >= MAX_LINES) text += `\n… console output cut here: a cell keeps at most ${MAX_LINES.toLocaleString('en')} lines`;
    }
    if (this.text && (this.text.cellId !== cellId || this.text.stream !== stream)) this.flushText();
    const now = this.sink.now();
    if (this.text === null && now - this.lastTextPost >= TEXT_WINDOW_MS) {
      this.lastTextPost = now;
      this.sink.post(cellId, { type: 'text', stream, text });
      return;
    }
    if (this.text === null) this.text = { cellId, stream, lines: [] };
    this.text.lines.push(text);
    if (now - this.lastTextPost >= TEXT_WINDOW_MS) this.flushText();
    else this.flushTimer ??= setTimeout(() => this.flushText(), TEXT_WINDOW_MS);
  }

  /** Posts coalesced console text now. */
  flushText(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const text = this.text;
    if (text === null) return;
    this.text = null;
    this.lastTextPost = this.sink.now();
    this.sink.post(text.cellId, { type: 'text', stream: text.stream, text: text.lines.join('\n') });
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
