// Runs cells on the kernel one at a time, and keeps the store's kernel and runtime state true.
//
// Interrupt: the page raises the shared flag (and sends `interrupt`); guards in loops and the
// engine's check between ops stop the cell, and what earlier cells defined is kept. A cell waiting
// for the GPU (a loop held back by the GPU's backlog, a read, its outputs) stops at once too: the
// work the GPU was given finishes on its own, and the status says "GPU draining" until it has
// (the next cell's work queues after it). Where nothing
// stops it within INTERRUPT_GRACE_MS (the page is not cross-origin isolated and the cell never
// awaits, or the cell is stuck where no guard reaches, as in a regular expression that
// backtracks), the Worker is terminated and a new one started, and the notice says the state
// was lost. Restart always starts a new Worker: timers, engine state and GPU memory go with it.
// A Worker that dies on its own (a crash, out of memory, a cell's `close()`) is replaced the same
// way, and the notice says what happened; the cells and the outputs of finished cells stay.
import { assertNever, type CompletionItem, type OutputBundle, type WorkerToPage } from '../../workers/protocol';
import { useFiles } from '../files/files-store';
import { usePanels } from '../panels/panels-store';
import { IDLE_CELL, useWick } from '../store';
import { STARTING_KERNEL } from '../store/kernel-slice';
import { outputArrivals } from '../store/runtime-slice';
import { KernelClient } from './kernel-client';
import { appendOutputs, OutputBatcher } from './output-batch';

export const INTERRUPT_GRACE_MS = 2000;
const COMPLETION_TIMEOUT_MS = 1000;

export interface KernelCompletions {
  /** Where the completed word starts in the source. */
  from: number;
  items: CompletionItem[];
}

const NO_COMPLETIONS: KernelCompletions = { from: 0, items: [] };

class KernelSession {
  private client: KernelClient | null = null;
  private queue: string[] = [];
  private running: string | null = null;
  /** Restarts the Worker if an interrupt has not stopped the running cell in time. */
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private requests = 0;
  private readonly pending = new Map<number, (answer: KernelCompletions) => void>();
  /** The variables panel's latest request: older answers are dropped. */
  private inspecting = 0;
  private readonly outputs = new OutputBatcher((batch) => applyOutputs(batch));

  start(): void {
    useWick.getState().setKernel(STARTING_KERNEL);
    // A new Worker: the names of the old one are gone.
    usePanels.getState().setVariables([]);
    usePanels.getState().setInspected(null);
    this.client = new KernelClient(
      (message) => this.handle(message),
      (why) => this.crashed(why),
    );
  }

  /** Queues the code cells among `ids`, in order, that are not queued or running already. */
  run(ids: string[]): void {
    const { cells, setStatus } = useWick.getState();
    const waiting = new Set([...this.queue, this.running]);
    const code = ids.filter((id) => cells.find((c) => c.id === id)?.type === 'code' && !waiting.has(id));
    setStatus(code, 'queued');
    this.queue.push(...code);
    this.next();
  }

  /** Stops the running cell and drops the queued ones, as Jupyter's interrupt does. */
  interrupt(): void {
    this.clearQueue();
    if (this.running === null || this.client === null) return;
    this.client.interrupt();
    this.watchdog ??= setTimeout(() => this.restartAfterHang(), INTERRUPT_GRACE_MS);
  }

  restart(notice: string | null = 'Kernel restarted: what earlier cells defined is gone.'): void {
    this.replaceWorker(notice, 'The kernel was restarted while this cell ran.');
  }

  /** Names the kernel knows at `offset` in `source` (for the editor); empty while the kernel is busy past a second. */
  complete(source: string, offset: number): Promise<KernelCompletions> {
    const client = this.client;
    if (client === null || useWick.getState().kernel.status === 'starting') return Promise.resolve(NO_COMPLETIONS);
    const requestId = ++this.requests;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(requestId, NO_COMPLETIONS), COMPLETION_TIMEOUT_MS);
      this.pending.set(requestId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      client.complete(requestId, source, offset);
    });
  }

  /** Shows the value of `name` in the variables panel (after the cells queued before the request). */
  inspect(name: string): void {
    const { setInspected } = usePanels.getState();
    if (this.client === null || useWick.getState().kernel.status === 'failed') {
      setInspected({ name, output: { type: 'error', name: 'Kernel', message: 'The kernel is not running.', line: null } });
      return;
    }
    this.inspecting = ++this.requests;
    setInspected({ name, output: null });
    this.client.inspect(this.inspecting, name);
  }

  private restartAfterHang(): void {
    this.watchdog = null;
    const isolated = this.client?.canInterruptLoops ?? false;
    const why = isolated
      ? 'no interrupt check could reach the code it was running (a regular expression that backtracks, say)'
      : 'this page is not cross-origin isolated, so a loop that never awaits cannot be interrupted in place';
    this.replaceWorker(
      `The cell did not stop within ${INTERRUPT_GRACE_MS / 1000} s, so the kernel was restarted and its state was lost: what earlier cells defined is gone. (${why}.)`,
      `Stopped by restarting the kernel: the cell did not stop within ${INTERRUPT_GRACE_MS / 1000} s of Interrupt. State was lost.`,
    );
  }

  /** The Worker died without the page asking: a new one starts, and the notice says so. */
  private crashed(why: string): void {
    const { cells, runtime } = useWick.getState();
    const at = this.running === null ? -1 : cells.findIndex((c) => c.id === this.running);
    const count = at < 0 ? null : runtime[cells[at].id]?.executionCount;
    const during = at < 0 ? '' : ` while cell ${at + 1}${count ? ` [${count}]` : ''} ran`;
    this.replaceWorker(
      `The kernel crashed (${why})${during} and was restarted: what earlier cells defined is gone. Your cells and the outputs of finished cells are kept.`,
      `The kernel crashed while this cell ran (${why}), and was restarted. State was lost.`,
    );
  }

  private replaceWorker(notice: string | null, runningCellMessage: string): void {
    const { abortCell, setNotice } = useWick.getState();
    this.outputs.flush();
    this.clearWatchdog();
    this.client?.terminate();
    for (const answer of this.pending.values()) answer(NO_COMPLETIONS);
    this.pending.clear();
    if (this.running !== null) abortCell(this.running, runningCellMessage);
    this.running = null;
    this.clearQueue();
    this.start();
    setNotice(notice);
  }

  private handle(message: WorkerToPage): void {
    // Outputs wait for the next frame; anything else sees them applied first (a cell's outputs before its end).
    if (message.type === 'output') return this.outputs.add(message.cellId, message.output);
    this.outputs.flush();
    const state = useWick.getState();
    switch (message.type) {
      case 'ready':
        state.setKernel({ status: 'idle', device: message.device });
        this.next();
        break;
      case 'init-failed':
        state.setKernel({ status: 'failed', failure: message.message });
        this.clearQueue();
        break;
      case 'status':
        // The page moves to busy when it sends a cell; the Worker confirms when it has run them all,
        // and says when the GPU still drains work of cells that ended (then idle once it is done).
        if (message.status !== 'busy' && this.running === null && this.queue.length === 0) state.setKernel({ status: message.status });
        break;
      case 'finished':
        if (message.cellId !== this.running) break;
        this.clearWatchdog();
        state.finishCell(message.cellId, message.ok, message.stats);
        this.running = null;
        // Like Jupyter: an error stops the cells queued after it.
        if (!message.ok) this.clearQueue();
        this.next();
        break;
      case 'completions':
        this.answer(message.requestId, { from: message.from, items: message.items });
        break;
      case 'variables':
        usePanels.getState().setVariables(message.variables);
        break;
      case 'inspected':
        if (message.requestId === this.inspecting) usePanels.getState().setInspected({ name: message.name, output: message.output });
        break;
      case 'files-changed':
        void useFiles.getState().changed();
        break;
      default:
        assertNever(message);
    }
  }

  private answer(requestId: number, answer: KernelCompletions): void {
    this.pending.get(requestId)?.(answer);
    this.pending.delete(requestId);
  }

  private clearWatchdog(): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private clearQueue(): void {
    useWick.getState().setStatus(this.queue, 'idle');
    this.queue = [];
  }

  private next(): void {
    const state = useWick.getState();
    if (state.kernel.status === 'starting' || state.kernel.status === 'failed' || this.running !== null) return;
    const id = this.queue.shift();
    if (id === undefined) {
      state.setKernel({ status: 'idle' });
      return;
    }
    const cell = state.cells.find((c) => c.id === id);
    if (!cell) return this.next();
    const executions = state.kernel.executions + 1;
    this.running = id;
    state.setKernel({ status: 'busy', executions });
    state.startCell(id, executions);
    this.client?.run(id, cell.source, executions);
  }
}

/** One store update for a frame's outputs. */
function applyOutputs(batch: Map<string, OutputBundle[]>): void {
  const arrived = performance.now();
  useWick.setState(({ runtime }) => {
    const next = { ...runtime };
    for (const [id, incoming] of batch) {
      const cell = runtime[id] ?? IDLE_CELL;
      const before = new Set(cell.outputs);
      const outputs = appendOutputs(cell.outputs, incoming);
      for (const output of outputs) if (!before.has(output)) outputArrivals.set(output, arrived);
      next[id] = { ...cell, outputs };
    }
    return { runtime: next };
  });
}

export const kernelSession = new KernelSession();
