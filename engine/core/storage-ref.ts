/**
 * Shared ownership of a backend storage by the tensors that view it. When the last tensor is
 * disposed or collected by the garbage collector, the storage goes back to its backend's pool.
 */
import type { Backend, Storage } from '../backends/backend';

export class StorageRef {
  private refs = 0;
  constructor(readonly storage: Storage, readonly backend: Backend) {}

  retain(): void {
    this.refs++;
  }

  releaseOne(): void {
    if (--this.refs === 0) this.backend.release(this.storage);
  }

  get released(): boolean {
    return this.refs <= 0;
  }
}

let liveTensors = 0;
const registry = new FinalizationRegistry<StorageRef>((ref) => {
  liveTensors--;
  ref.releaseOne();
});

/** Ties a tensor's lifetime to its storage reference. Returns the token used to dispose early. */
export function trackTensor(owner: object, ref: StorageRef): object {
  const token = {};
  ref.retain();
  liveTensors++;
  registry.register(owner, ref, token);
  return token;
}

export function untrackTensor(token: object, ref: StorageRef): void {
  if (registry.unregister(token)) {
    liveTensors--;
    ref.releaseOne();
  }
}

export function liveTensorCount(): number {
  return liveTensors;
}
