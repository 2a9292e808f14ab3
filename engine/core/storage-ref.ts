/**
 * Shared ownership of a backend storage by the tensors that view it. When the last tensor is
 * disposed or collected by the garbage collector, the storage goes back to its backend's pool.
 */
import type { Backend, Storage } from '../backends/backend';

/**
 * A backend whose storages are placeholders made real later (a compiled function's segments, see
 * compile/segments.ts): `resolveDeferred` gives the real storage's reference, or null while the
 * placeholder must stay one.
 */
export interface DeferringBackend extends Backend {
  readonly deferred: true;
  resolveDeferred(storage: Storage): StorageRef | null;
}

/** The reference that owns a real storage, so a deferring backend can keep one alive. */
export function ownerOf(storage: Storage): StorageRef | undefined {
  return storage.owner as StorageRef | undefined;
}

export class StorageRef {
  private refs = 0;
  /**
   * PyTorch's version counter: bumped by every in-place write through any tensor viewing this
   * storage, so a backward pass can tell that a value it saved was changed (see autograd/saved.ts).
   */
  version = 0;
  /** The in-place op that last bumped `version`, for the error that names it. */
  lastInPlaceOp: string | null = null;
  /** Once a placeholder is made real: the real storage's reference, which this one holds. */
  private real: StorageRef | null = null;

  constructor(
    private currentStorage: Storage,
    private currentBackend: Backend,
  ) {
    // A property rather than a WeakMap entry: cheaper to set, and to collect, for every tensor made.
    if (!(currentBackend as Partial<DeferringBackend>).deferred) currentStorage.owner = this;
  }

  get storage(): Storage {
    if ((this.currentBackend as Partial<DeferringBackend>).deferred) this.settle();
    return this.currentStorage;
  }

  get backend(): Backend {
    if ((this.currentBackend as Partial<DeferringBackend>).deferred) this.settle();
    return this.currentBackend;
  }

  private settle(): void {
    const real = (this.currentBackend as DeferringBackend).resolveDeferred(this.currentStorage);
    if (!real) return;
    real.retain();
    this.real = real;
    this.currentStorage = real.currentStorage;
    this.currentBackend = real.currentBackend;
  }

  /** Records an in-place write by `op`. */
  bumpVersion(op: string): void {
    this.version++;
    this.lastInPlaceOp = op;
  }

  retain(): void {
    this.refs++;
  }

  releaseOne(): void {
    if (--this.refs !== 0) return;
    if (this.real) this.real.releaseOne();
    else this.currentBackend.release(this.currentStorage);
  }

  get released(): boolean {
    return this.refs <= 0;
  }
}

let liveTensors = 0;
let collecting = false;
const registry = new FinalizationRegistry<StorageRef>((ref) => {
  liveTensors--;
  collecting = true;
  try {
    ref.releaseOne();
  } finally {
    collecting = false;
  }
});

/** Whether the storage being released now is the garbage collector's doing (a tensor it found unreachable), not dispose or a scope. */
export function releasedByCollector(): boolean {
  return collecting;
}

/**
 * Ties a tensor's lifetime to its storage reference. The tensor is its own unregister token
 * (held weakly, as the target is): no token object per tensor.
 */
export function trackTensor(owner: object, ref: StorageRef): void {
  ref.retain();
  liveTensors++;
  registry.register(owner, ref, owner);
}

/** Releases a tracked tensor's reference now (dispose); nothing the second time. */
export function untrackTensor(owner: object, ref: StorageRef): void {
  if (registry.unregister(owner)) {
    liveTensors--;
    ref.releaseOne();
  }
}

export function liveTensorCount(): number {
  return liveTensors;
}

let scope: object[] | null = null;

/** Remembers tensors created while an engine-internal scope is open (see `withInternalScope`). */
export function noteCreated(t: object): void {
  scope?.push(t);
}

/** Runs `fn` outside any scope: for tensors the engine caches across calls (a scope must not free them). */
export function outsideScope<T>(fn: () => T): T {
  const outer = scope;
  scope = null;
  try {
    return fn();
  } finally {
    scope = outer;
  }
}

/**
 * Runs `fn` and disposes every tensor it created except those `keep` returns: for work whose
 * temporaries never reach the user, such as a backward pass, so their memory comes back at once
 * instead of whenever the garbage collector runs.
 */
export function withInternalScope<R, T extends { dispose(): void }>(fn: () => R, keep: (result: R) => Iterable<T>): R {
  const outer = scope;
  const created: object[] = [];
  scope = created;
  let result: R;
  try {
    result = fn();
  } finally {
    scope = outer;
  }
  const kept = new Set<object>(keep(result));
  for (const t of created) if (!kept.has(t)) (t as T).dispose();
  return result;
}
