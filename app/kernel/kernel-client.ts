// The typed edge of the kernel Worker: messages in, messages out, nothing else.
import type { PageToWorker, WorkerToPage } from '../../workers/protocol';

export class KernelClient {
  private readonly worker: Worker;

  constructor(onMessage: (message: WorkerToPage) => void) {
    this.worker = new Worker(new URL('../../workers/kernel.worker.ts', import.meta.url), {
      type: 'module',
      name: 'wick-kernel',
    });
    this.worker.onmessage = (event: MessageEvent<WorkerToPage>) => onMessage(event.data);
    // The Worker turns errors of cell code into outputs, so what arrives here is a failure to load.
    this.worker.onerror = (event) =>
      onMessage({ type: 'init-failed', message: event.message || 'The kernel worker failed to load.' });
  }

  send(message: PageToWorker): void {
    this.worker.postMessage(message);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
