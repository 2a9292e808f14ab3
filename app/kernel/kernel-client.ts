// The typed edge of the kernel Worker: messages in, messages out, and the shared interrupt flag.
import { fileStorePreference } from '../../workers/files/browser-store';
import type { PageToWorker, WorkerToPage } from '../../workers/protocol';

/** SharedArrayBuffer exists only where the page is cross-origin isolated (COOP and COEP headers). */
function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
}

/** Web Locks, where the page has them (secure contexts). */
function locks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

export class KernelClient {
  private readonly worker: Worker;
  /** The Worker's name, and the Web Lock it holds while it lives (see kernel.worker.ts). */
  private readonly name = `wick-kernel-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  private watching = false;
  /** Slot 0 non-zero: interrupt. Loops in the Worker read it without yielding to the event loop. */
  private readonly interruptFlag: Int32Array | null;
  private closed = false;

  /**
   * `onDeath` is called when the Worker stops without the page asking, once it had started (it
   * crashed, ran out of memory, or a cell called `close()`), with what the page knows of why.
   */
  constructor(
    onMessage: (message: WorkerToPage) => void,
    private readonly onDeath: (why: string) => void = () => {},
  ) {
    this.worker = new Worker(new URL('../../workers/kernel.worker.ts', import.meta.url), {
      type: 'module',
      name: this.name,
    });
    // A terminated Worker's messages still in the page's queue belong to a kernel that is gone.
    this.worker.onmessage = (event: MessageEvent<WorkerToPage>) => {
      if (this.closed) return;
      // The Worker holds its lock before it says ready: from then on, the lock coming free means it died.
      if (event.data.type === 'ready') this.watchLife();
      onMessage(event.data);
    };
    // The Worker turns errors of cell code into outputs, so what arrives here is a failure to load,
    // or, once it ran, an error it could not handle: the kernel is gone either way.
    this.worker.onerror = (event) => {
      if (this.closed) return;
      if (this.watching) this.died(event.message || 'an error the kernel could not handle');
      else onMessage({ type: 'init-failed', message: event.message || 'The kernel worker failed to load.' });
    };
    this.interruptFlag = canShareMemory() ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.send({
      type: 'configure',
      interruptFlag: (this.interruptFlag?.buffer as SharedArrayBuffer | undefined) ?? null,
      baseUrl: document.baseURI,
      files: fileStorePreference(),
    });
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

  inspect(requestId: number, name: string): void {
    this.send({ type: 'inspect', requestId, name });
  }

  /** Waits for the Worker's lock: granted only once the Worker is gone. */
  private watchLife(): void {
    const manager = locks();
    if (manager === null || this.watching) return;
    this.watching = true;
    void (async () => {
      // Only a lock the Worker holds says anything (a Worker without Web Locks takes none).
      const { held = [] } = await manager.query();
      if (!held.some((lock) => lock.name === this.name)) return;
      await manager.request(this.name, () => {
        if (!this.closed) this.died('its Worker stopped');
      });
    })().catch(() => {});
  }

  private died(why: string): void {
    if (this.closed) return;
    this.terminate();
    this.onDeath(why);
  }

  terminate(): void {
    this.closed = true;
    this.worker.terminate();
  }

  private send(message: PageToWorker): void {
    this.worker.postMessage(message);
  }
}
