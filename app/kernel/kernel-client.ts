// The typed edge of the kernel Worker: messages in, messages out, and the shared interrupt flag.
import type { PageToWorker, WorkerToPage } from '../../workers/protocol';

/** SharedArrayBuffer exists only where the page is cross-origin isolated (COOP and COEP headers). */
function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
}

export class KernelClient {
  private readonly worker: Worker;
  /** Slot 0 non-zero: interrupt. Loops in the Worker read it without yielding to the event loop. */
  private readonly interruptFlag: Int32Array | null;
  private closed = false;

  constructor(onMessage: (message: WorkerToPage) => void) {
    this.worker = new Worker(new URL('../../workers/kernel.worker.ts', import.meta.url), {
      type: 'module',
      name: 'wick-kernel',
    });
    // A terminated Worker's messages still in the page's queue belong to a kernel that is gone.
    this.worker.onmessage = (event: MessageEvent<WorkerToPage>) => {
      if (!this.closed) onMessage(event.data);
    };
    // The Worker turns errors of cell code into outputs, so what arrives here is a failure to load.
    this.worker.onerror = (event) => {
      if (!this.closed) onMessage({ type: 'init-failed', message: event.message || 'The kernel worker failed to load.' });
    };
    this.interruptFlag = canShareMemory() ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.send({ type: 'configure', interruptFlag: (this.interruptFlag?.buffer as SharedArrayBuffer | undefined) ?? null, baseUrl: document.baseURI });
  }

  /** Whether loops that never yield can be interrupted without restarting the Worker. */
  get canInterruptLoops(): boolean {
    return this.interruptFlag !== null;
  }

  run(cellId: string, source: string, executionCount: number): void {
    // Cleared before each run, never by the Worker, so an interrupt pressed just after this
    // message left applies to this run.
    if (this.interruptFlag) Atomics.store(this.interruptFlag, 0, 0);
    this.send({ type: 'run', cellId, source, executionCount });
  }

  interrupt(): void {
    if (this.interruptFlag) Atomics.store(this.interruptFlag, 0, 1);
    this.send({ type: 'interrupt' });
  }

  complete(requestId: number, source: string, offset: number): void {
    this.send({ type: 'complete', requestId, source, offset });
  }

  terminate(): void {
    this.closed = true;
    this.worker.terminate();
  }

  private send(message: PageToWorker): void {
    this.worker.postMessage(message);
  }
}
