/** Which backends exist, which device new tensors land on, and grad mode. */
import type { Device } from './dtype';
import type { Backend } from '../backends/backend';
import { CpuBackend } from '../backends/cpu/cpu-backend';
import { fail } from './errors';

const backends: Partial<Record<Device, Backend>> = { cpu: new CpuBackend() };
let defaultDevice: Device = 'cpu';

export function registerBackend(backend: Backend): void {
  backends[backend.device] = backend;
}

/** A device that is gone (a lost GPU that could not be replaced). */
export function unregisterBackend(device: Device): void {
  if (device !== 'cpu') delete backends[device];
}

/** While tracing (torch.compile), new tensors of every device are made by the tracer. */
let tracer: Backend | null = null;

export function withTracer<T>(backend: Backend, fn: () => T): T {
  const outer = tracer;
  tracer = backend;
  try {
    return fn();
  } finally {
    tracer = outer;
  }
}

/**
 * Makes `backend` the tracer until the returned function is called: for an async compiled
 * function, whose ops run across awaits (see compile/segments.ts).
 */
export function beginTracing(backend: Backend): () => void {
  const outer = tracer;
  tracer = backend;
  return () => {
    if (tracer === backend) tracer = outer;
  };
}

export function isTracing(): boolean {
  return tracer !== null;
}

export function getBackend(device: Device): Backend {
  if (tracer) return tracer;
  const b = backends[device];
  if (!b) fail('device', `'${device}' is not available: call await torch.init() first (have: ${availableDevices().join(', ')})`);
  return b;
}

export function availableDevices(): Device[] {
  return (Object.keys(backends) as Device[]).filter((d) => backends[d]);
}

export function getDefaultDevice(): Device {
  return defaultDevice;
}

export function setDefaultDevice(device: Device): void {
  getBackend(device);
  defaultDevice = device;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with gradient recording switched to `enabled`, restoring it afterwards. When `fn`
 * returns a promise (an async callback), the mode stays set until that promise settles, so it
 * holds across the callback's awaits. JavaScript in the browser has no async context, so the
 * mode is one global: code that runs while the promise is pending (other async callbacks started
 * concurrently, or the caller before it awaits) sees the same mode, and concurrent callbacks
 * that set different modes interleave. Await each one before starting the next.
 */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = enabled;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    gradEnabled = before;
    throw e;
  }
  if (!isPromiseLike(result)) {
    gradEnabled = before;
    return result;
  }
  const restore = () => {
    gradEnabled = before;
  };
  return result.then(
    (v) => (restore(), v),
    (e: unknown) => {
      restore();
      throw e;
    },
  ) as T;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
