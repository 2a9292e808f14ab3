/**
 * How far a device's queue runs behind the JavaScript that fills it. A loop of GPU ops only
 * records and submits work; without a bound the queue grows for as long as the loop runs, and an
 * Interrupt finds the loop long finished and the GPU with seconds of work left. The notebook's
 * loop guards read `deep` at every iteration and, where they can await, wait for `drained()`.
 */
import { availableDevices, getBackend } from './runtime';

export interface Backlog {
  /** True while more submitted work is unfinished than the device allows ahead (a field: loops read it every iteration). */
  readonly deep: boolean;
  /** Submits the device has not finished yet. */
  readonly inFlight: number;
  /** Resolves once the backlog is no longer deep (at once when it is not). */
  drained(): Promise<void>;
}

/** A device that runs its work as it is issued (the CPU): never behind. */
export const NO_BACKLOG: Backlog = { deep: false, inFlight: 0, drained: () => Promise.resolve() };

/** The backlog of the device that queues work (WebGPU), or NO_BACKLOG. Look it up again after a device is lost. */
export function deviceBacklog(): Backlog {
  for (const device of availableDevices()) {
    const backlog = getBackend(device).backlog;
    if (backlog) return backlog;
  }
  return NO_BACKLOG;
}
