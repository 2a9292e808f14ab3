// The kernel: the cells' scope and everything a run needs, apart from the Worker's messaging (so
// tests drive it in Node). One cell runs at a time; kernel.worker.ts queues them.
import { F, files, loadDigits, loadNames, nn, optim, Registry, setSourceBaseUrl, Tensor, torch, type Device } from '../engine';
import { DIGITS_URL } from '../engine/data/digits';
import { NAMES_URL } from '../engine/data/names';
import { deviceBacklog } from '../engine/core/backlog';
import { setInterruptCheck } from '../engine/core/interrupt';
import { setLocator } from '../engine/core/source-location';
import { compileCell, type CompiledCell } from './cell-compiler';
import type { CellBuiltin, CellHelpers } from './cell-builtins';
import { createScope, runCompiledCell, type CellScope } from './cell-runner';
import { complete } from './completions';
import { cellLocation, errorReport, type KnownCell } from './error-report';
import { InterruptError, InterruptSignal } from './interrupt';
import { displayBundle, logBundle, resultBundle } from './output-bundles';
import { OutputStream } from './output-stream';
import { plotCallBundle, type PlotOptions } from './plot-bundle';
import { createProgress, type LiveBar } from './progress';
import { listVariables } from './variables';
import type { OutputBundle, WorkerToPage } from './protocol';

/** What the notebook says when the GPU device is lost: why, what now, and which names lost their tensors. */
function deviceLostReport(loss: { reason: string; message: string; recovered: boolean }, scope: CellScope): OutputBundle {
  const lost: string[] = [];
  for (const name of Object.keys(scope)) {
    const value = (scope as Record<string, unknown>)[name];
    if (value instanceof Tensor && torch._isLost(value)) lost.push(name);
    else if (value instanceof nn.Module && value.parameters().some((p) => torch._isLost(p))) lost.push(`${name} (its parameters)`);
  }
  const now = loss.recovered ? 'A new GPU device is in use.' : 'No GPU device could be opened again: new tensors go to the CPU.';
  const gone = lost.length
    ? `These were on the old device and are gone: ${lost.join(', ')}. Run the cells that made them again.`
    : 'No tensor in the notebook was on it.';
  return {
    type: 'error',
    name: 'GPU device lost',
    message: `The GPU device was lost (${loss.reason}${loss.message ? `: ${loss.message}` : ''}). ${now} ${gone}`,
    line: null,
    column: null,
  };
}

/** Compiled cells kept for mapping stack frames in functions they defined. */
const KNOWN_CELLS = 500;

export interface KernelOptions {
  post(message: WorkerToPage): void;
  now?: () => number;
  /** What relative URLs (`loadDigits()`'s default) resolve against: the page, not the Worker script. */
  baseUrl?: string;
}

export class Kernel {
  readonly signal = new InterruptSignal();
  readonly scope: CellScope;
  private readonly post: (message: WorkerToPage) => void;
  private readonly now: () => number;
  private readonly outputs: OutputStream;
  private readonly known = new Map<string, KnownCell>();
  private compiles = 0;
  private runs = 0;
  /** Progress bars not done yet: an interrupt says they stopped. */
  private readonly liveBars = new Set<LiveBar>();
  private running = false;
  /** The GPU's work that no cell waits for any more (after an interrupt, say), until it finishes. */
  private drain: Promise<void> | null = null;
  /** The cell running now, for naming lines in it. */
  private current: CompiledCell | null = null;
  private base: string | undefined;
  /** What relative URLs resolve against, in the cell helpers and in `torch.load`/`files`. */
  get baseUrl(): string | undefined {
    return this.base;
  }
  set baseUrl(url: string | undefined) {
    this.base = url;
    setSourceBaseUrl(url);
  }

  constructor(options: KernelOptions) {
    this.post = options.post;
    this.now = options.now ?? (() => performance.now());
    this.baseUrl = options.baseUrl;
    this.outputs = new OutputStream({
      post: (cellId, output) => this.post({ type: 'output', cellId, output }),
      failed: (error) => (error instanceof InterruptError ? null : errorReport(error, null, (url) => this.known.get(url))),
      now: this.now,
    });
    setInterruptCheck(this.signal.check);
    torch.onDeviceLost((loss) => void this.outputs.emit(() => deviceLostReport(loss, this.scope)));
    // Graph breaks and profiled kernels name the cell line that made them.
    setLocator((stack) => cellLocation(stack, this.current, (url) => this.known.get(url)));
    this.scope = createScope(this.builtins());
  }

  /** Runs one cell: status, outputs as they come, then `finished` with its stats. */
  async run(cellId: string, source: string, executionCount?: number): Promise<void> {
    this.post({ type: 'status', status: 'busy' });
    this.running = true;
    this.drain = null;
    this.outputs.begin(cellId);
    this.liveBars.clear();
    const label = `In [${executionCount ?? ++this.runs}]`;
    const before = torch.stats();
    const started = this.now();
    // GPU timestamps at submit boundaries (none per kernel): cheap enough to leave on.
    const gpuTimer = torch.gpuTimer();
    let compiled: CompiledCell | null = null;
    let ok = true;
    let interrupted = false;
    const run = this.signal.begin(deviceBacklog());
    this.signal.active = true;
    try {
      compiled = compileCell(source, `wick-cell-${++this.compiles}.ts`);
      this.remember(compiled, label);
      this.current = compiled;
      const value = await run.until(runCompiledCell(compiled, this.scope, run.guard, run.wait));
      this.signal.active = false;
      if (value !== undefined) ok = await run.until(this.outputs.emit(() => resultBundle(value)));
    } catch (error) {
      ok = false;
      // An abandoned cell may still be awaiting: the engine's check keeps throwing until the next run.
      if (!(error instanceof InterruptError)) this.signal.active = false;
      else interrupted = this.stopOutputs();
      const current = compiled;
      void this.outputs.emit(() => errorReport(error, current, (url) => this.known.get(url)));
    }
    // Waits for the GPU (outputs that read tensors, the GPU timer) give way to an interrupt too.
    let gpuMs: number | null = null;
    try {
      if (!interrupted) await run.until(this.outputs.drain());
      if (!interrupted) gpuMs = await run.until(gpuTimer.stop().catch(() => null));
    } catch {
      ok = false;
      this.stopOutputs();
      void this.outputs.emit(() => errorReport(new InterruptError(), null, () => undefined));
    }
    this.outputs.flushText();
    const after = torch.stats();
    const stats = {
      kernels: after.kernels - before.kernels,
      shadersCompiled: after.shadersCompiled - before.shadersCompiled,
      compileMs: after.compileMs - before.compileMs,
      gpuMs,
      wallMs: this.now() - started,
      liveBytes: torch.memory().liveBytes,
    };
    this.post({ type: 'finished', cellId, ok, stats });
    this.post({ type: 'variables', variables: listVariables(this.scope) });
    this.running = false;
    this.watchDrain();
  }

  /** Shows the value of a name the cells defined (the variables panel's click), as `display` does. */
  async inspect(requestId: number, name: string): Promise<void> {
    let output: OutputBundle;
    if (!Object.hasOwn(this.scope, name)) {
      output = { type: 'error', name: 'NameError', message: `${name} is not defined (any more): run the cell that defines it.`, line: null };
    } else {
      try {
        output = await displayBundle(this.scope[name]);
      } catch (error) {
        output = errorReport(error, null, (url) => this.known.get(url));
      }
    }
    this.post({ type: 'inspected', requestId, name, output });
  }

  /** Whether the GPU still runs work submitted by cells that ended (the status says "draining" until it finishes). */
  get draining(): boolean {
    return this.drain !== null;
  }

  /** The page asked to stop the running cell (by message; the shared flag needs no call). */
  interrupt(): void {
    this.signal.request();
  }

  /** A new run was asked for: an interrupt requested by message before it is forgotten. */
  prepareRun(): void {
    this.signal.reset();
  }

  complete(requestId: number, source: string, offset: number): void {
    const { from, items } = complete(this.scope, source, offset);
    this.post({ type: 'completions', requestId, from, items });
  }

  /** An error no cell awaited (a timer's, a forgotten promise's): shown under the last cell. */
  reportUncaught(error: unknown): void {
    void this.outputs.emit(() => errorReport(error, null, (url) => this.known.get(url)));
  }

  /** The cell was interrupted: outputs still being made are dropped, and live progress bars say they stopped. */
  private stopOutputs(): true {
    this.outputs.abandon();
    const cellId = this.outputs.cellId;
    for (const bar of [...this.liveBars]) if (cellId !== null) this.post({ type: 'output', cellId, output: bar.stop() });
    return true;
  }

  /** After a cell: when the GPU still has work it submitted, the status says so until it is done. */
  private watchDrain(): void {
    const done = torch.workDone();
    if (done === null || deviceBacklog().inFlight === 0) return;
    const drain: Promise<void> = (this.drain = done
      .catch(() => {})
      .then(() => {
        if (this.drain !== drain) return;
        this.drain = null;
        if (!this.running) this.post({ type: 'status', status: 'idle' });
      }));
  }

  private remember(compiled: CompiledCell, label: string): void {
    this.known.set(compiled.sourceUrl, { compiled, label });
    if (this.known.size > KNOWN_CELLS) this.known.delete(this.known.keys().next().value!);
  }

  /** The values of the names cell-builtins.ts lists, no more and no fewer; the helpers as typed there. */
  private builtins(): Record<CellBuiltin, unknown> & CellHelpers {
    const emit = (make: () => OutputBundle | Promise<OutputBundle>) => void this.outputs.emit(make);
    const log =
      (stream: 'stdout' | 'stderr') =>
      (...args: unknown[]) =>
        emit(() => logBundle(args, stream));
    const cellConsole = Object.assign(Object.create(console) as Console, {
      log: log('stdout'),
      info: log('stdout'),
      debug: log('stdout'),
      warn: log('stderr'),
      error: log('stderr'),
    });
    return {
      torch,
      nn,
      F,
      optim,
      Tensor,
      Registry,
      console: cellConsole,
      /** Shows each value as an output of the running cell. */
      display: (...values: unknown[]): void => {
        for (const value of values) emit(() => displayBundle(value));
      },
      /** A chart with x values, axis labels, marks and log scales; the same `y` again redraws it. */
      plot: (y: unknown, options?: PlotOptions): void => {
        const bundle = plotCallBundle(y, options);
        emit(() => bundle);
      },
      progress: createProgress(emit, this.now, () => torch.workDone(), this.liveBars),
      /** The digits data set shipped with Wick; a relative URL is the page's, not the Worker's. */
      loadDigits: (url: string = DIGITS_URL, device?: Device) => loadDigits(this.baseUrl ? new URL(url, this.baseUrl).href : url, device),
      /** The first names shipped with Wick (the char-GPT corpus); a relative URL is the page's. */
      loadNames: (url: string = NAMES_URL) => loadNames(this.baseUrl ? new URL(url, this.baseUrl).href : url),
      files,
    };
  }
}
