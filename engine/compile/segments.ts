/**
 * Graph breaks, as Dynamo splits a function around them. A compiled function that reads a value
 * (`await x.item()`) cannot be one graph, so it runs under a recorder: its ops collect into a
 * segment, a read compiles the segment (cached by its structure), runs it and hands back the
 * value, and recording goes on into the next segment. The code between breaks still runs as
 * fused kernels.
 *
 * Values the passes fuse away stay placeholders. If anything uses one later (the next segment,
 * the caller, or autograd's backward), it is made again from the ops that produced it, and the
 * segment learns to keep it: the next call returns it from the fused kernel directly.
 */
import type { Backend, Storage, View } from '../backends/backend';
import type { Device, TypedArray } from '../core/dtype';
import { beginTracing } from '../core/runtime';
import { callerLocation } from '../core/source-location';
import { ownerOf, StorageRef, type DeferringBackend } from '../core/storage-ref';
import { Tensor } from '../tensor';
import { GraphRunner } from './execute';
import { mapValues, reads, writes, type Graph, type Node, type Value } from './ir';
import { optimize, type PassReport } from './passes/index';
import { TraceBackend, TraceStorage } from './trace-backend';
import { preparePipelines, type Readiness } from './prepare';

/** One segment compiled: the graph as recorded and after the passes, and its runner. */
export interface CompiledSegment {
  key: string;
  before: Graph;
  after: Graph;
  passes: PassReport[];
  runner: GraphRunner;
  /** The graph as recorded, one kernel per op: what runs until the compiled kernels are ready. */
  recorded: GraphRunner;
  pipelines: Readiness;
}

/** What a compiled function keeps across calls in segments mode. */
export interface SegmentCache {
  compiled: Map<string, CompiledSegment>;
  /** Per segment structure: the values (canonical numbers) used after the segment ran. */
  needed: Map<string, Set<number>>;
}

export interface SegmentBreak {
  reason: string;
  /** The user's line that read the value, e.g. "line 4" of a cell. */
  location: string | null;
}

/** What one call did: the graphs it ran and the breaks between them. */
export interface SegmentedCall {
  graphs: CompiledSegment[];
  breaks: SegmentBreak[];
}

export const READ_REASON = 'a value was read (await x.item(), x.data() or x.tolist())';

interface Flushed {
  graph: Graph;
  canon: Map<Value, number>;
  key: string;
}

/** References a recorder keeps alive (what it made, what it captured), dropped once it is collected. */
const heldByRecorder = new FinalizationRegistry<StorageRef[]>((refs) => refs.forEach((r) => r.releaseOne()));

export class SegmentRecorder extends TraceBackend implements DeferringBackend {
  readonly deferred = true;
  private active = true;
  private readonly real = new Map<Storage | Value, StorageRef>();
  private readonly flushedOf = new Map<Value, Flushed>();
  private readonly held: StorageRef[] = [];
  private readonly heldStorages = new Set<Storage>();
  readonly call: SegmentedCall = { graphs: [], breaks: [] };

  constructor(
    device: Device,
    private readonly realBackend: Backend,
    private readonly cache: SegmentCache,
  ) {
    super(device);
    heldByRecorder.register(this, this.held);
  }

  protected override valueOf(storage: Storage): Value {
    if (!(storage instanceof TraceStorage)) {
      if (!this.heldStorages.has(storage)) {
        this.heldStorages.add(storage);
        const owner = ownerOf(storage);
        if (owner) this.hold(owner);
      }
      return super.valueOf(storage);
    }
    const done = this.flushedOf.get(storage);
    if (!done) return storage;
    const made = this.real.get(storage);
    if (made) return super.valueOf(made.storage);
    this.cache.needed.get(done.key)!.add(done.canon.get(storage)!);
    this.recompute(storage, done);
    return storage;
  }

  /** Copies into the current segment the ops of an earlier one that made `v` (fused away there). */
  private recompute(v: Value, done: Flushed): void {
    const need = new Set<Value>([v]);
    const picked: Node[] = [];
    for (let i = done.graph.nodes.length - 1; i >= 0; i--) {
      const node = done.graph.nodes[i];
      if (!writes(node).some((w) => need.has(w))) continue;
      picked.push(node);
      for (const r of reads(node)) if (this.flushedOf.get(r) === done && !this.real.has(r)) need.add(r);
    }
    for (const w of need) this.flushedOf.delete(w);
    const storageOf = (value: Value) => (done.graph.captured.get(value) as Storage | undefined) ?? (value as TraceStorage);
    for (const node of picked.reverse()) {
      this.graph.nodes.push(
        mapValues(
          node,
          (vv) => this.view({ storage: storageOf(vv.value), shape: vv.shape, strides: vv.strides, offset: vv.offset, dtype: vv.dtype }),
          (x) => x,
        ),
      );
    }
  }

  private hold(ref: StorageRef): void {
    ref.retain();
    this.held.push(ref);
  }

  override read(view: View): Promise<TypedArray> {
    let made = this.real.get(view.storage);
    if (!made && view.storage instanceof TraceStorage) {
      this.valueOf(view.storage);
      this.call.breaks.push({ reason: READ_REASON, location: callerLocation() });
      this.flush([view.storage]);
      made = this.real.get(view.storage)!;
    }
    return this.realBackend.read({ ...view, storage: made ? made.storage : view.storage });
  }

  override release(): void {}

  resolveDeferred(storage: Storage): StorageRef | null {
    const made = this.real.get(storage);
    if (made || this.active) return made ?? null;
    this.valueOf(storage);
    this.flush([storage as TraceStorage], false);
    return this.real.get(storage) ?? null;
  }

  /**
   * The call returned `result`: runs the last segment, keeping what the result holds. (Not
   * named `finish`: that is Backend's optional wait for the device, which torch.synchronize calls
   * on whatever getBackend gives, this recorder included while it records.)
   */
  endCall(result: unknown): void {
    const wanted: Value[] = [];
    for (const t of tensorsIn(result)) {
      const s = t.storageRef.storage;
      if (s instanceof TraceStorage && !this.real.has(s)) {
        this.valueOf(s);
        wanted.push(s);
      }
    }
    this.flush(wanted);
    this.active = false;
  }

  /** The call threw: whatever it recorded stays a placeholder, made when something uses it. */
  abandon(): void {
    this.active = false;
  }

  private flush(requested: readonly Value[], counts = true): void {
    const graph = this.graph;
    this.graph = { inputs: [], captured: new Map(), nodes: [], outputs: [] };
    this.capturedByStorage = new Map();
    if (graph.nodes.length === 0) return;
    const canon = canonicalValues(graph);
    const key = structureKey(graph, canon);
    if (!this.cache.needed.has(key)) this.cache.needed.set(key, new Set());
    const outputs = [...new Set([...requested.map((v) => canon.get(v)!), ...this.cache.needed.get(key)!])].filter((i) => i !== undefined).sort((a, b) => a - b);
    const compiledKey = `${key}#${outputs.join(',')}`;
    let segment = this.cache.compiled.get(compiledKey);
    if (!segment) {
      segment = compileSegment(graph, canon, outputs, compiledKey, this.realBackend);
      this.cache.compiled.set(compiledKey, segment);
    }
    const byNumber = [...canon.keys()];
    const storages = (segment.pipelines.ready() ? segment.runner : segment.recorded).run([...graph.captured.values()] as Storage[]);
    outputs.forEach((n, i) => {
      const ref = new StorageRef(storages[i], this.realBackend);
      this.hold(ref);
      this.real.set(byNumber[n], ref);
    });
    const done: Flushed = { graph, canon, key };
    for (const node of graph.nodes) for (const w of writes(node)) this.flushedOf.set(w, done);
    if (counts) this.call.graphs.push(segment);
  }
}

/** Numbers for a segment's values: captured ones first, then in the order the ops touch them. */
function canonicalValues(graph: Graph): Map<Value, number> {
  const canon = new Map<Value, number>();
  for (const v of graph.captured.keys()) canon.set(v, canon.size);
  for (const node of graph.nodes) for (const v of [...reads(node), ...writes(node)]) if (!canon.has(v)) canon.set(v, canon.size);
  return canon;
}

/** A hash of an upload's bytes, so two segments with different constants differ. */
function hashBytes(data: ArrayBufferView): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `bytes:${bytes.length}:${(h >>> 0).toString(16)}`;
}

/** The segment's structure: the same ops over the same shapes give the same key on every call. */
export function structureKey(graph: Graph, canon: Map<Value, number>): string {
  const captured = [...graph.captured.keys()].map((v) => `${v.length}:${v.dtype}`);
  return JSON.stringify([captured, graph.nodes], (_k, x: unknown) =>
    x instanceof TraceStorage ? `%${canon.get(x)}` : ArrayBuffer.isView(x) ? hashBytes(x) : x,
  );
}

function compileSegment(recorded: Graph, canon: Map<Value, number>, outputs: number[], key: string, backend: Backend): CompiledSegment {
  const byNumber = [...canon.keys()];
  const graph: Graph = {
    inputs: [...recorded.captured.keys()],
    captured: new Map(),
    nodes: recorded.nodes.map((n) => ({ ...n })),
    outputs: outputs.map((n) => byNumber[n]),
  };
  const before: Graph = { ...graph, nodes: graph.nodes.map((n) => ({ ...n })), outputs: [...graph.outputs] };
  const passes = optimize(graph, 'forward');
  return {
    key,
    before,
    after: graph,
    passes,
    runner: new GraphRunner(graph, backend),
    recorded: new GraphRunner(before, backend),
    pipelines: preparePipelines(backend, [graph]),
  };
}

function tensorsIn(value: unknown, out: Tensor[] = []): Tensor[] {
  if (value instanceof Tensor) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => tensorsIn(v, out));
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach((v) => tensorsIn(v, out));
  return out;
}

/**
 * Runs `fn` in segments: returns its result (a promise for an async function) and, once it is
 * settled, reports the call through `done`.
 */
export function runSegmented(fn: () => unknown, device: Device, realBackend: Backend, cache: SegmentCache, done: (call: SegmentedCall) => void): unknown {
  const recorder = new SegmentRecorder(device, realBackend, cache);
  const end = beginTracing(recorder);
  const fail = (e: unknown): never => {
    end();
    recorder.abandon();
    throw e;
  };
  const finish = (result: unknown): unknown => {
    try {
      recorder.endCall(result);
    } finally {
      end();
    }
    done(recorder.call);
    return result;
  };
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    return fail(e);
  }
  return result instanceof Promise ? result.then(finish, fail) : finish(result);
}
