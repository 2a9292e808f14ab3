/**
 * torch.compile: trace on first call (and whenever a guard breaks), run the passes, and replay
 * the compiled graph on later calls. Differentiable: the backward is a compiled graph too.
 */
import { fail, fmtShape } from '../core/errors';
import { contiguousStrides } from '../core/shape';
import { getBackend, isGradEnabled } from '../core/runtime';
import { StorageRef } from '../core/storage-ref';
import { record } from '../autograd/graph';
import type { Storage } from '../backends/backend';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
import { GraphRunner } from './execute';
import type { Graph, Value } from './ir';
import { optimize, type PassReport } from './passes/index';
import { GraphBreak } from './trace-backend';
import { compiledGraphView, segmentGraphView, type CompiledGraphView } from './graph-view';
import { runSegmented, type SegmentCache, type SegmentedCall } from './segments';
import { trace, type Skeleton, type Traced } from './trace';
import { preparePipelines, type Readiness } from './prepare';
import { tapeTracks } from '../func/tape';

export interface CompiledEntry {
  key: string;
  traced: Traced;
  /** The graphs as traced and after the passes, for display. */
  before: { forward: Graph; backward: Graph | null };
  passes: PassReport[];
  forward: GraphRunner;
  backward: GraphRunner | null;
  /** Whether its kernels' pipelines are compiled (until then calls run eagerly). */
  pipelines: Readiness;
}

type Fn = (...args: Tensor[]) => unknown;

function guardKey(args: readonly unknown[]): string {
  return (
    args
      .map((a) =>
        a instanceof Tensor
          ? `${a.device}:${a.dtype}:${a.shape.join('x')}:${a.strides.join(',')}:${a.offset}:${a.storageRef.storage.length}:${a.requiresGrad ? 'g' : ''}`
          : `~${typeof a}:${String(a)}`,
      )
      .join('|') + `|grad=${isGradEnabled()}`
  );
}

function cloneGraph(g: Graph): Graph {
  return { inputs: [...g.inputs], captured: new Map(g.captured), nodes: g.nodes.map((n) => ({ ...n })), outputs: [...g.outputs] };
}

const isAsync = (f: unknown): boolean => typeof f === 'function' && f.constructor?.name === 'AsyncFunction';

export class CompiledFunction {
  readonly cache = new Map<string, CompiledEntry>();
  /** Why the function could not be one graph (it then runs in segments, split at each read). */
  splitReason: string | null = null;
  /** Set once the function runs in segments: the segments compiled so far. */
  segments: SegmentCache | null = null;
  /** In segments mode, what the last call did: its graphs and the breaks between them. */
  lastCall: SegmentedCall | null = null;

  constructor(
    readonly fn: Fn,
    readonly name: string,
    /** ---- norms (#23): more of the guard, e.g. a module tree's train()/eval() modes (BatchNorm and Dropout trace differently in each) ---- */
    readonly extraGuard?: () => string,
  ) {
    if (isAsync(fn)) this.split("the function is async: each await of a tensor's value is a graph break");
  }

  call(args: unknown[]): unknown {
    const tensors = args.filter((a): a is Tensor => a instanceof Tensor);
    if (tensors.length === 0) return this.fn(...(args as Tensor[]));
    // ---- torch.func (#24): inside vmap or jvp following an argument, the plain function runs so the transform sees each op ----
    if (tapeTracks(tensors)) return this.fn(...(args as Tensor[]));
    if (this.segments) return this.callInSegments(args, tensors[0]);
    const key = guardKey(args) + (this.extraGuard ? `|${this.extraGuard()}` : '');
    let entry = this.cache.get(key);
    if (!entry) {
      try {
        entry = this.build(key, args, tensors);
      } catch (e) {
        if (!(e instanceof GraphBreak)) throw e;
        this.split(e.reason);
        return this.callInSegments(args, tensors[0]);
      }
      this.cache.set(key, entry);
    }
    if (!entry.pipelines.ready()) return this.fn(...(args as Tensor[]));
    return this.run(entry, tensors);
  }

  private split(reason: string): void {
    this.splitReason = reason;
    this.segments = { compiled: new Map(), needed: new Map() };
  }

  private callInSegments(args: unknown[], first: Tensor): unknown {
    return runSegmented(
      () => this.fn(...(args as Tensor[])),
      first.device,
      getBackend(first.device),
      this.segments!,
      (call) => (this.lastCall = call),
    );
  }

  /** Every graph compiled so far (one per guard set, or per segment), for display. */
  views(): CompiledGraphView[] {
    if (this.segments) return [...this.segments.compiled.values()].map((s, i) => segmentGraphView(`${this.name} [graph ${i + 1}]`, s));
    return [...this.cache.values()].map((e) => compiledGraphView(this.name, e));
  }

  private build(key: string, args: unknown[], tensors: Tensor[]): CompiledEntry {
    const device = tensors[0].device;
    const traced = trace(
      (...proxies: Tensor[]) => {
        let k = 0;
        return this.fn(...(args.map((a) => (a instanceof Tensor ? proxies[k++] : a)) as Tensor[]));
      },
      tensors,
      device,
    );
    const before = { forward: cloneGraph(traced.forward), backward: traced.backward ? cloneGraph(traced.backward.graph) : null };
    const passes = [...optimize(traced.forward, 'forward')];
    if (traced.backward) passes.push(...optimize(traced.backward.graph, 'backward'));
    const backend = getBackend(device);
    return {
      key,
      traced,
      before,
      passes,
      forward: new GraphRunner(traced.forward, backend),
      backward: traced.backward ? new GraphRunner(traced.backward.graph, backend) : null,
      pipelines: preparePipelines(backend, [traced.forward, ...(traced.backward ? [traced.backward.graph] : [])]),
    };
  }

  private run(entry: CompiledEntry, args: Tensor[]): unknown {
    const { traced } = entry;
    const storages = entry.forward.run(args.map((t) => t.storageRef.storage));
    const byValue = new Map<Value, Storage>(traced.forward.outputs.map((v, i) => [v, storages[i]]));
    const backend = entry.forward.backend;
    // Outputs that view one value share one reference, so its memory goes back to the pool once.
    const refs = new Map<Value, StorageRef>();
    const refOf = (v: Value) => refs.get(v) ?? refs.set(v, new StorageRef(byValue.get(v)!, backend)).get(v)!;
    const outs = traced.outputs.map((o) => new Tensor(refOf(o.value), o.shape, o.strides, o.offset, o.dtype));
    const bw = traced.backward;
    if (bw && entry.backward && isGradEnabled()) {
      const out = outs[traced.outputs.findIndex((o) => o.requiresGrad)];
      const leaves = bw.leaves.map((l, i) => (bw.argIndex[i] === null ? l : args[bw.argIndex[i]!]));
      const runner = entry.backward;
      const backward = (g: Tensor) => {
        const grad = g.contiguous();
        if (grad.shape.join() !== out.shape.join()) fail('compile', `gradient shape ${fmtShape(grad.shape)} does not match output ${fmtShape(out.shape)}`);
        const results = runner.run([grad.storageRef.storage], byValue);
        return leaves.map((l, i) => (l.requiresGrad ? new Tensor(new StorageRef(results[i], backend), l.shape, contiguousStrides(l.shape), 0, l.dtype) : null));
      };
      record(out, 'compiled', leaves, { backward });
    }
    return rebuild(traced.skeleton, outs);
  }
}

function rebuild(s: Skeleton, outs: Tensor[]): unknown {
  if ('tensor' in s) return outs[s.tensor];
  if ('array' in s) return s.array.map((x) => rebuild(x, outs));
  if ('object' in s) return Object.fromEntries(s.object.map(([k, v]) => [k, rebuild(v, outs)]));
  return s.plain;
}

const compiledOf = new WeakMap<object, CompiledFunction>();

/** The compiled function behind a compiled function or module, for display and explain. */
export function compiledInfo(f: unknown): CompiledFunction | undefined {
  return typeof f === 'function' || (typeof f === 'object' && f !== null) ? compiledOf.get(f as object) : undefined;
}

/** What torch.compile returns: the same call signature, plus the graphs compiled so far. */
export type Compiled<T> = T & { readonly graphs: CompiledGraphView[] };

export function compile<T extends Fn | Module>(target: T): Compiled<T> {
  if (target instanceof Module) {
    const inner = new CompiledFunction(
      (...args) => target.forward(...args),
      target.constructor.name,
      () =>
        `train=${target
          .modules()
          .map((m) => (m.training ? 1 : 0))
          .join('')}`,
    );
    const wrapper = Object.create(target) as Module;
    const forward = (...args: unknown[]) => inner.call(args);
    Object.defineProperty(wrapper, 'forward', { value: forward });
    const callable = new Proxy(target, {
      apply: (_t, _this, args: unknown[]) => inner.call(args),
      get: (t, prop, receiver) => (prop === 'forward' ? forward : prop === 'graphs' ? inner.views() : Reflect.get(t, prop, receiver)),
    });
    compiledOf.set(callable, inner);
    return callable as unknown as Compiled<T>;
  }
  if (typeof target !== 'function') fail('compile', `expected a function or an nn.Module, got ${typeof target}`);
  const inner = new CompiledFunction(target as Fn, (target as Fn).name || 'fn');
  const compiled = (...args: unknown[]) => inner.call(args);
  Object.defineProperty(compiled, 'graphs', { get: () => inner.views() });
  compiledOf.set(compiled, inner);
  return compiled as unknown as Compiled<T>;
}
