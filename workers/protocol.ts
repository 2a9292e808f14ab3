// Messages between the page (app/kernel) and the kernel Worker. Both sides switch over `type`
// exhaustively, so adding a message here fails type-checking until both handle it.
import type { CompiledGraphView, Device, GraphData } from '../engine';
import type { FileStorePreference } from './files/browser-store';
import type { TensorSummary } from './tensor-summary';

export type { Device };

/** What a cell's run cost: kernels dispatched, GPU time (null until timestamps exist), wall time. */
export interface CellStats {
  kernels: number;
  /** The time the GPU ran the cell's work (timestamps at submit boundaries): compiling and other stalls not counted. */
  gpuMs: number | null;
  wallMs: number;
  /** Shader pipelines compiled during the cell (the GPU waited for each before its first dispatch). */
  shadersCompiled?: number;
  /** Milliseconds spent compiling them (overlapping compiles counted once). */
  compileMs?: number;
  /** Bytes held by live tensors after the run (torch.memory().liveBytes). */
  liveBytes?: number;
}

/** An output the page draws as it is: large values stay in the Worker. */
export type OutputBundle =
  | { type: 'text'; stream: 'stdout' | 'stderr' | 'result'; text: string }
  | ({ type: 'tensor' } & TensorSummary)
  /** An error: where it happened in this cell (1-based), and the cell frames of its stack, mapped. */
  | { type: 'error'; name: string; message: string; line: number | null; column?: number | null; stack?: string[] }
  /**
   * A live progress bar; like a plot, a later bundle with the same `displayId` replaces it.
   * `done`: steps whose GPU work has finished; `issued`: steps the loop has run (done + queued).
   */
  | {
      type: 'progress';
      displayId: string;
      label: string;
      done: number;
      issued?: number;
      total: number | null;
      elapsedMs: number;
      state: 'running' | 'done' | 'stopped';
    }
  /** An nn.Module: PyTorch's print(model) and the tree it describes. */
  | { type: 'module'; text: string; tree: ModuleNode }
  /** A torch.compile'd function or module: its graphs (one per guard set) before and after the passes. */
  | { type: 'graph'; name: string; graphs: CompiledGraphView[] }
  /** A torch.profile result: one row per kernel dispatched, and its table() grouped by name. */
  | {
      type: 'profile';
      kernels: ProfileRow[];
      text: string;
      wallMs: number | null;
      hasTimestamps: boolean;
      trace?: ChromeTrace | null;
      timestampQuantumMs?: number | null;
      timestampCostMs?: number | null;
      /** Shaders compiled during the profiled run, and the ms spent compiling them (in no kernel's time). */
      shadersCompiled?: number;
      compileMs?: number;
    }
  /** A tensor with an autograd history (`display(loss)`): the tensor, and its graph of recorded ops. */
  | { type: 'autograd-graph'; tensor: Extract<OutputBundle, { type: 'tensor' }>; graph: GraphData; truncated: boolean }
  /**
   * An array of plain objects: columns the union of their keys, cells formatted (a `numeric` column
   * right-aligned), at most TABLE_ROWS rows of `totalRows`; `text` is the same table as plain text.
   */
  | { type: 'table'; columns: string[]; numeric: boolean[]; rows: string[][]; totalRows: number; text: string }
  /** torch.memory(): bytes held by live tensors and by the allocator's pool. */
  | { type: 'memory'; liveTensors: number; liveBytes: number; pooledBytes: number }
  /**
   * A chart (line by default). An output with the `displayId` of an earlier output of the same run replaces it (a live plot).
   * `x` is one value per point (numbers, or category labels), else the index; log scales need values above 0.
   */
  | {
      type: 'plot';
      displayId: string;
      series: PlotSeries[];
      x?: number[] | string[];
      title?: string;
      xLabel?: string;
      yLabel?: string;
      logX?: boolean;
      logY?: boolean;
    };

export type PlotMark = 'line' | 'scatter' | 'bar';

export interface PlotSeries {
  name: string;
  values: number[];
  /** How the series is drawn; absent: a line. */
  mark?: PlotMark;
}

export interface ModuleNode {
  /** The field name under the parent ('' for the root). */
  name: string;
  /** The class name: `Linear`, `Sequential`, a user's `Net`. */
  type: string;
  /** What PyTorch prints in the parentheses: `in_features=64, out_features=10, bias=True`. */
  extra: string;
  /** Parameters this module holds itself (not its children's). */
  parameters: { name: string; shape: number[]; dtype: string; requiresGrad: boolean }[];
  /** Parameter elements in this module and all below it. */
  count: number;
  children: ModuleNode[];
}

export interface ProfileRow {
  name: string;
  /** From timestamp queries, where the adapter has them. */
  gpuMs: number | null;
  /** For CPU kernels, which run synchronously. */
  cpuMs: number | null;
  flops: number | null;
  bytes: number | null;
  /** Where the kernel ran, and when it started (ms from the first kernel), where timestamps exist. */
  device?: string;
  startMs?: number | null;
  /** The op it ran (a compiled kernel's fused ops), and the cell line that launched it. */
  op?: string;
  line?: string | null;
}

/** A Chrome trace (chrome://tracing, Perfetto): complete events (`ph: 'X'`) with µs times. */
export interface ChromeTrace {
  traceEvents: object[];
  displayTimeUnit: 'ms';
}

/** A name the kernel knows at the cursor, for the editor's completion list. */
export interface CompletionItem {
  label: string;
  kind: 'variable' | 'function' | 'class' | 'module' | 'property' | 'method';
  /** A short description: a tensor's shape and dtype, a value's type. */
  detail: string;
}

/** A name the cells defined, as the variables panel lists it (nothing read back from the GPU). */
export interface VariableSummary {
  name: string;
  kind: 'tensor' | 'module' | 'optimizer' | 'value' | 'array' | 'function' | 'object';
  /** `Tensor`, a module's or optimizer's class name, `number`, `string`, `array`, `function`, … */
  type: string;
  /** A short description: a value, an array's length, a module's parameter count. */
  detail: string;
  /** Tensors only. */
  shape?: number[];
  dtype?: string;
  device?: Device;
  bytes?: number;
}

export type PageToWorker =
  | { type: 'run'; cellId: string; source: string; executionCount?: number }
  /**
   * First message after the Worker starts: the shared interrupt flag (where the page is
   * cross-origin isolated), the page's URL, which relative URLs in cells resolve against, and
   * where the notebook's files are kept ('indexeddb' forces the fallback store, for tests).
   */
  | { type: 'configure'; interruptFlag: SharedArrayBuffer | null; baseUrl: string; files: FileStorePreference }
  /** Stop the running cell (the page also raises the shared flag, which loops see without yielding). */
  | { type: 'interrupt' }
  /** Names for the editor's completion list at `offset` in `source` (from the kernel's live scope). */
  | { type: 'complete'; requestId: number; source: string; offset: number }
  /** Show the value of a name of the scope (the variables panel): answered by `inspected`, after the cells queued before it. */
  | { type: 'inspect'; requestId: number; name: string };

export type WorkerToPage =
  | { type: 'ready'; device: Device }
  | { type: 'init-failed'; message: string }
  /** The Worker started running a cell (busy) or has nothing left to run: the GPU still runs work cells submitted (draining), or not (idle). */
  | { type: 'status'; status: 'busy' | 'idle' | 'draining' }
  | { type: 'output'; cellId: string; output: OutputBundle }
  | { type: 'finished'; cellId: string; ok: boolean; stats: CellStats }
  /** The answer to a `complete` request: items replace the text from `from` to the cursor. */
  | { type: 'completions'; requestId: number; from: number; items: CompletionItem[] }
  /** The names the cells defined, sent after each cell finishes. */
  | { type: 'variables'; variables: VariableSummary[] }
  /** The answer to `inspect`: the value as `display` shows it, or an error output when the name is gone. */
  | { type: 'inspected'; requestId: number; name: string; output: OutputBundle }
  /** A cell changed the notebook's files (files.write, torch.save, …): the Files panel lists them again. */
  | { type: 'files-changed' };

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
