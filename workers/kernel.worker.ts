// The kernel: holds the engine and the cells' scope, runs cells one at a time.
import { F, nn, optim, Tensor, torch } from '../engine';
import { compileCell } from './cell-compiler';
import { createScope, errorLine, runCompiledCell } from './cell-runner';
import { errorBundle, logBundle, valueBundle } from './output-bundles';
import { assertNever, type OutputBundle, type PageToWorker, type WorkerToPage } from './protocol';

const worker = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: WorkerToPage) => worker.postMessage(message);

/** The cell that outputs belong to: the running one, or the last one that ran. */
let outputCellId: string | null = null;
/** Outputs are posted in call order even when one needs an async step (reading a tensor back). */
let outputs: Promise<void> = Promise.resolve();

/** Queues an output; resolves to false when making it failed (an error output is shown instead). */
function emit(make: () => OutputBundle | Promise<OutputBundle>): Promise<boolean> {
  const cellId = outputCellId;
  if (cellId === null) return Promise.resolve(false);
  const made = outputs.then(make).then(
    (output) => ({ output, ok: true }),
    (error: unknown) => ({ output: errorBundle(error, null), ok: false }),
  );
  outputs = made.then(({ output }) => post({ type: 'output', cellId, output }));
  return made.then(({ ok }) => ok);
}

const emitLog = (stream: 'stdout' | 'stderr') => (...args: unknown[]) => void emit(() => logBundle(args, stream));

const cellConsole: Console = Object.assign(Object.create(console) as Console, {
  log: emitLog('stdout'),
  info: emitLog('stdout'),
  debug: emitLog('stdout'),
  warn: emitLog('stderr'),
  error: emitLog('stderr'),
});

const scope = createScope({
  torch,
  nn,
  F,
  optim,
  Tensor,
  console: cellConsole,
  display: (value: unknown): void => void emit(() => valueBundle(value)),
});

let runCount = 0;

async function runCell(cellId: string, source: string): Promise<void> {
  outputCellId = cellId;
  const sourceUrl = `wick-cell-${++runCount}.ts`;
  const kernelsBefore = torch.stats().kernels;
  const started = performance.now();
  let ok = true;
  try {
    const value = await runCompiledCell(compileCell(source, sourceUrl), scope);
    if (value !== undefined) ok = await emit(() => valueBundle(value));
  } catch (error) {
    ok = false;
    void emit(() => errorBundle(error, errorLine(error, sourceUrl)));
  }
  await outputs;
  const stats = { kernels: torch.stats().kernels - kernelsBefore, gpuMs: null, wallMs: performance.now() - started };
  post({ type: 'finished', cellId, ok, stats });
}

// A promise a cell forgot to await, or a timer it set, can still fail: show that under the cell
// that ran last instead of letting it reach the page as a failure of the Worker.
worker.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  void emit(() => errorBundle(event.reason, null));
});
worker.addEventListener('error', (event) => {
  event.preventDefault();
  void emit(() => errorBundle(event.error ?? event.message, null));
});

const ready = torch.init().then(
  (device) => post({ type: 'ready', device }),
  (error: unknown) => post({ type: 'init-failed', message: error instanceof Error ? error.message : String(error) }),
);
/** Cells run one after another, and only once the engine is ready. */
let queue: Promise<void> = ready;

worker.onmessage = (event: MessageEvent<PageToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'run':
      queue = queue.then(() => runCell(message.cellId, message.source));
      break;
    default:
      assertNever(message.type);
  }
};
