/**
 * What the GPU can do wrong, turned into errors a user can act on: allocations the device cannot
 * hold, running out of memory, kernels whose WGSL does not compile (named by kernel), and a lost
 * device. WebGPU reports most of these asynchronously (error scopes, the `lost` promise); they
 * are collected here and raised at the next point the engine waits on the GPU (a read).
 */
import { fail } from '../../core/errors';

const MB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * MB ? `${(bytes / (1024 * MB)).toFixed(1)} GiB` : bytes >= MB ? `${(bytes / MB).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** Allocations at least this big are watched for running out of memory (an error scope each). */
export const WATCHED_BYTES = 64 * MB;

export class GpuFaults {
  /** Errors reported by the GPU since the last read, with what the engine was doing. */
  private pending: Error[] = [];
  private scopes: Promise<void>[] = [];
  lost: { reason: string; message: string } | null = null;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBytes: number,
  ) {
    // Anything not caught by a scope: keep the first, so the next read can say what went wrong.
    device.addEventListener?.('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      if (this.pending.length < 8) this.pending.push(Object.assign(new Error(`GPU error: ${error.message}`), { uncaptured: true }));
    });
  }

  /**
   * Refuses, where the user called, a tensor of `elements` elements (`bytes` bytes) larger than one
   * GPU buffer may be. The message is built only then: formatting the count cost µs on every op.
   */
  checkSize(bytes: number, elements: number): void {
    if (this.lost) this.failLost();
    if (bytes > this.maxBytes) {
      fail(
        'allocate',
        `a tensor of ${elements.toLocaleString('en')} elements needs ${formatBytes(bytes)}, more than this GPU allows in one buffer (${formatBytes(this.maxBytes)}); use smaller tensors or the 'cpu' device`,
      );
    }
  }

  /**
   * Runs `create` inside an error scope of `filter`; a GPU error there is raised at the next read
   * as `describe(message)`. `settled` is called once the GPU has answered (error or not).
   */
  watch<T>(filter: GPUErrorFilter, create: () => T, describe: (message: string) => string, onError?: () => void, settled?: () => void): T {
    this.device.pushErrorScope(filter);
    const result = create();
    this.scopes.push(
      this.device
        .popErrorScope()
        .then(
          (error) => {
            if (!error) return;
            this.pending.push(new Error(describe(error.message)));
            onError?.();
          },
          () => undefined,
        )
        .finally(settled),
    );
    return result;
  }

  /** A rejected async pipeline creation: raised at the next read. */
  report(error: Error): void {
    this.pending.push(error);
  }

  /**
   * Waits for the scopes opened so far and throws the first error they reported, else the
   * device's first (a scope's says what the engine was doing; an invalid pipeline's later uses
   * only repeat that it is invalid).
   */
  async raise(): Promise<void> {
    if (this.scopes.length) await Promise.all(this.scopes.splice(0));
    if (this.lost) this.failLost();
    const errors = this.pending.splice(0);
    const first = errors.find((e) => !('uncaptured' in e)) ?? errors[0];
    if (first) throw first;
  }

  failLost(): never {
    fail(
      'webgpu',
      `the GPU device was lost (${this.lost!.reason}: ${this.lost!.message || 'no details'}); tensors that were on it are gone: run the cells that made them again`,
    );
  }
}
