// Runs cells on the kernel one at a time, and keeps the store's kernel and runtime state true.
import { assertNever, type WorkerToPage } from '../../workers/protocol';
import { useWick } from '../store';
import { STARTING_KERNEL } from '../store/kernel-slice';
import { KernelClient } from './kernel-client';

class KernelSession {
  private client: KernelClient | null = null;
  private queue: string[] = [];
  private running: string | null = null;

  start(): void {
    useWick.getState().setKernel(STARTING_KERNEL);
    this.client = new KernelClient((message) => this.handle(message));
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

  /** Stops the running cell. For now that means a new Worker: earlier cells' state is lost. */
  interrupt(): void {
    if (this.running === null && this.queue.length === 0) return;
    this.replaceWorker('Interrupted: the kernel was restarted, so what earlier cells defined is gone.');
  }

  restart(notice: string | null = 'Kernel restarted: what earlier cells defined is gone.'): void {
    this.replaceWorker(notice);
  }

  private replaceWorker(notice: string | null): void {
    const { abortCell, setNotice } = useWick.getState();
    this.client?.terminate();
    if (this.running !== null) abortCell(this.running, 'The kernel was stopped while this cell ran.');
    this.running = null;
    this.clearQueue();
    this.start();
    setNotice(notice);
  }

  private handle(message: WorkerToPage): void {
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
      case 'output':
        state.appendOutput(message.cellId, message.output);
        break;
      case 'finished':
        state.finishCell(message.cellId, message.ok, message.stats);
        this.running = null;
        // Like Jupyter: an error stops the cells queued after it.
        if (!message.ok) this.clearQueue();
        this.next();
        break;
      default:
        assertNever(message);
    }
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
    this.client?.send({ type: 'run', cellId: id, source: cell.source });
  }
}

export const kernelSession = new KernelSession();
