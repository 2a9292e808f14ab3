/**
 * When recorded work goes to the GPU. Small ops are batched into one submit; the first op after a
 * wait that found the GPU idle is submitted at once, and a batch is submitted once its work
 * reaches an amount that doubles with each submit, so the GPU starts on big work while the next
 * ops are recorded and a long loop of big ops pays for few submits.
 */
import { EAGER_SUBMIT_BYTES, FIRST_SUBMIT_BYTES, FLOPS_PER_BYTE, MAX_BATCH, PROFILED_SUBMIT } from './tuning';

/** A dispatch's work for the policy: bytes moved plus FLOPs / FLOPS_PER_BYTE. */
export function workOf(bytes: number, flops: number): number {
  return bytes + flops / FLOPS_PER_BYTE;
}

export class SubmitPolicy {
  /** Dispatches recorded before a submit (the benchmarks try others). */
  batchLimit = MAX_BATCH;
  /** Profiled kernels recorded before a submit (see PROFILED_SUBMIT). */
  profiledBatchLimit = PROFILED_SUBMIT;
  /** The most pending work (in bytes moved) a submit waits for (see EAGER_SUBMIT_BYTES; the benchmarks try others). */
  eagerSubmitBytes = EAGER_SUBMIT_BYTES;
  /** Pending work that triggers the first submit after the GPU was found idle (doubling from there). */
  firstSubmitBytes = FIRST_SUBMIT_BYTES;
  /** Set when a wait found the GPU idle: the next dispatch is submitted at once, so the GPU starts. */
  gpuIdle = false;
  /** Work of the dispatches recorded since the last submit, in bytes (see EAGER_SUBMIT_BYTES). */
  private pendingWork = 0;
  /** Profiled kernels recorded since the last submit. */
  private timedSinceSubmit = 0;
  /** Pending work that triggers the next submit. */
  private threshold = FIRST_SUBMIT_BYTES;

  /** Notes a dispatch of `work` (timed: profiled); true when the batch, now `slots` dispatches, should be submitted. */
  recorded(work: number, timed: boolean, slots: number): boolean {
    this.pendingWork += work;
    if (timed) this.timedSinceSubmit++;
    return slots >= this.batchLimit || this.gpuIdle || this.pendingWork >= this.threshold || this.timedSinceSubmit >= this.profiledBatchLimit;
  }

  /** After a submit: the amount for the next one starts over after an idle GPU, else doubles. */
  submitted(): void {
    this.pendingWork = 0;
    this.timedSinceSubmit = 0;
    this.threshold = this.gpuIdle ? this.firstSubmitBytes : Math.min(2 * this.threshold, this.eagerSubmitBytes);
    this.gpuIdle = false;
  }
}
