// The kernel Worker: holds the engine and the kernel, runs cells one at a time, answers the page.
import { torch, warmEagerPipelines } from '../engine';
import { onFilesChanged, setFileStore } from '../engine/io/file-store';
import { openBrowserFileStore, type FileStorePreference } from './files/browser-store';
import { Kernel } from './kernel';
import { assertNever, type PageToWorker, type WorkerToPage } from './protocol';

const worker = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: WorkerToPage) => worker.postMessage(message);
const kernel = new Kernel({ post });

// A promise a cell forgot to await, or a timer it set, can still fail: show that under the cell
// that ran last instead of letting it reach the page as a failure of the Worker.
worker.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  kernel.reportUncaught(event.reason);
});
worker.addEventListener('error', (event) => {
  event.preventDefault();
  kernel.reportUncaught(event.error ?? event.message);
});

// Held while this Worker lives, under the name the page gave it: the page waits for the lock, so
// it learns of the Worker's death however it comes (a crash, out of memory, a cell's `close()`).
const alive = new Promise<void>((held) => {
  const locks = (navigator as WorkerNavigator).locks as LockManager | undefined;
  if (!locks || !worker.name) return held();
  locks
    .request(worker.name, () => {
      held();
      return new Promise<never>(() => {});
    })
    .catch(() => held());
});

// The notebook's files: the store the page's 'configure' names (its first message), installed
// before any cell runs; the page hears of each change a cell makes, for its Files panel.
let configured: (files: FileStorePreference) => void = () => {};
const filesReady = new Promise<FileStorePreference>((resolve) => (configured = resolve))
  .then((preference) => openBrowserFileStore(preference))
  .then(({ store }) => setFileStore(store));
onFilesChanged(() => post({ type: 'files-changed' }));

const ready = alive
  .then(() => Promise.all([torch.init(), filesReady]))
  .then(([device]) => device)
  .then(
    (device) => {
      post({ type: 'ready', device });
      // The common eager kernels' shaders compile in the background while no cell runs.
      void warmEagerPipelines();
    },
    (error: unknown) => post({ type: 'init-failed', message: error instanceof Error ? error.message : String(error) }),
  );
/** Cells run one after another, and only once the engine is ready. */
let queue: Promise<void> = ready;
let waiting = 0;

function enqueue(cellId: string, source: string, executionCount: number | undefined): void {
  waiting++;
  queue = queue
    .then(() => kernel.run(cellId, source, executionCount))
    .finally(() => {
      // The GPU may still run work of a cell that ended (interrupted): the kernel says idle once it is done.
      if (--waiting === 0) post({ type: 'status', status: kernel.draining ? 'draining' : 'idle' });
    });
}

worker.onmessage = (event: MessageEvent<PageToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'configure':
      if (message.interruptFlag) kernel.signal.useSharedFlag(message.interruptFlag);
      kernel.baseUrl = message.baseUrl;
      configured(message.files);
      break;
    case 'run':
      kernel.prepareRun();
      enqueue(message.cellId, message.source, message.executionCount);
      break;
    case 'interrupt':
      kernel.interrupt();
      break;
    case 'complete':
      kernel.complete(message.requestId, message.source, message.offset);
      break;
    case 'inspect': {
      // After the cells queued before it, so the value shown is the one they left.
      const { requestId, name } = message;
      queue = queue.then(() => kernel.inspect(requestId, name));
      break;
    }
    default:
      assertNever(message);
  }
};
