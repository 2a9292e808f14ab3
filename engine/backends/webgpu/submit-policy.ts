/**
 * When recorded work goes to the GPU. Small ops are batched into one submit; the first op after a
 * wait that found the GPU idle is submitted at once, and a batch is submitted once its work
 * reaches an amount that doubles with each submit, so the GPU starts on big work while the next
 * ops are recorded and a long loop of big ops pays for few submits.
 */

/**
 * Profiled kernels in passes of their own are submitted this many at a time, so the GPU's cost of
 * their pass timestamps (about 8 µs a pass on an H100 through Vulkan) overlaps the recording of
 * the next ones. Kernels timed inside shared passes are not counted: they batch like plain ones
 * (in Chromium a submit every 32 was most of a profiled loop's extra CPU time).
 */
const PROFILED_SUBMIT = 32;
/** Submit after this many dispatches by default, so the GPU starts while JavaScript keeps recording. */
const MAX_BATCH = 256;
/**
 * Submit once the dispatches recorded since the last submit amount to this much work, counted in
 * bytes moved plus FLOPs / FLOPS_PER_BYTE: the GPU starts on big work while the next ops are
 * recorded, and each submit (40 to 200 µs of CPU through Dawn on an H100's host) carries more GPU
 * work than it costs. The amount starts at FIRST_SUBMIT_BYTES after a wait that found the GPU
 * idle and doubles with each submit up to EAGER_SUBMIT_BYTES, so the GPU gets work at once and a
 * long loop of big ops pays for few submits. Measured on an H100 with a fixed amount: at 32 MiB a
 * loop of ops on 32 MB tensors spent more time submitting than the GPU spent on them (200 ops:
 * 16-20 ms, 14-16 at 128 MiB); a 1024^3 matmul (12 MB, 2 GFLOP, 0.08 ms of GPU) ran at 0.10-0.14
 * ms per run end to end when three went in a submit, 0.14-0.20 ms when each went alone.
 */
const EAGER_SUBMIT_BYTES = 1 << 30;
const FIRST_SUBMIT_BYTES = 16 << 20;
const FLOPS_PER_BYTE = 64;

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
