/**
 * The knobs of the WebGPU kernels, and of how their dispatches are submitted and timed, in one
 * place, each with what it trades. The measurements that chose the values are in
 * engine/bench/RESULTS.md ("Figures moved from code comments"). Benchmarks and sweeps change the
 * mutable ones (`*_TUNING`) at run time; pipeline keys include what those change.
 */

// Kernels

/**
 * Invocations per workgroup of the one-dimensional kernels (elementwise, reductions, arg-reduce,
 * cumsum, gather, scatter-add, update), and the size of a workgroup's reduction tree. Bigger
 * groups hide more memory latency per group and make reduction trees deeper; smaller ones spread
 * a small tensor over more of the GPU.
 */
export const WORKGROUP = 256;

/**
 * Elementwise kernels' vec4 path: at most this many workgroups, each thread striding over the
 * rest. More groups keep one vec4 per thread for bigger tensors; fewer give each thread more
 * vec4s to loop over and the GPU fewer workgroups to launch.
 */
export const EW_TUNING = { maxGroups: 65536 };

/**
 * Rows up to this length are reduced by a single invocation each; longer rows by a workgroup each,
 * with a tree in workgroup memory. A larger bound keeps more rows free of the tree's barriers but
 * leaves one thread to walk each of them.
 */
export const SHORT_ROW = 64;

/**
 * Values loaded per invocation before combining them, in flat rows: 8 while the row has them, then
 * 4. More keeps more loads in flight per invocation (long rows gain); short rows, whose loop a
 * whole workgroup never enters, gain nothing from the wider step. The benchmarks try others.
 */
export const REDUCE_TUNING: { unroll: number[] } = { unroll: [8, 4] };

/**
 * Reductions of few long rows split across workgroups (reduce-split.ts): a chunk is at least
 * `minChunk` elements, so a workgroup's threads each read several (smaller chunks mean more
 * partial results to combine in the second pass), and a reduction is split into about
 * `targetGroups` workgroups in all, enough to fill a large GPU (more cost more partials).
 */
export const SPLIT_TUNING = { minChunk: 4096, targetGroups: 2048 };

/** A matmul tile shape: [bm, bn, bk, tm, tn, stages]. */
export type Tile = [number, number, number, number, number, 1 | 2];

/**
 * The tile for many tiles of a product (see tileFor in kernels/matmul.ts): big tiles reuse each
 * loaded value for more sums, but give the GPU fewer workgroups and need more workgroup memory.
 * Two stages overlap the next tile's loads with this one's sums, at twice the workgroup memory.
 */
export const BIG_TILE: Tile = [128, 128, 8, 8, 8, 2];
/**
 * For many tiles of a plain product (A contiguous along K, B along N): BK=16, A row-major (see
 * chooseMatmul), one stage, which was faster there than two; wider tiles (8x16 sums per
 * invocation, 128x256 and 256x128) were slower.
 */
export const BIG_PLAIN_TILE: Tile = [128, 128, 16, 8, 8, 1];
/**
 * Tiles for fewer tiles, in order of preference, each with the workgroups it must give to be
 * chosen: bigger tiles reuse loads more, smaller ones give more workgroups; one stage where two
 * do not fit or gain nothing (see tileFor).
 */
export const MID_TILES: readonly [number, Tile][] = [
  [100, [128, 128, 16, 8, 8, 2]],
  [100, [128, 128, 16, 8, 8, 1]],
  [100, [128, 64, 16, 8, 4, 2]],
  [100, [128, 64, 8, 8, 4, 2]],
];
/** The tile where no bigger one gives enough workgroups: small outputs still fill the GPU. */
export const SMALL_TILE: Tile = [64, 64, 16, 4, 4, 2];
/** The tile for software adapters: small, one stage, quick to compile (see chooseMatmul). */
export const SOFTWARE_TILE: Tile = [32, 32, 8, 4, 4, 1];

/**
 * For the sweep (engine/bench/matmul-sweep.ts): a tile shape forced on every matmul, unrolling, A's
 * row-major tile and the launch grouping (null: by tile); `softwareAdapter` is set by the backend
 * for adapters that run on the CPU.
 */
export const MATMUL_TUNING: { force: Tile | null; unroll: boolean | null; aRows: boolean | null; group: number | null; softwareAdapter: boolean } = {
  force: null,
  unroll: null,
  aRows: null,
  group: null,
  softwareAdapter: false,
};

/** Split-K's temporary buffer holds at most this many floats: more parts fill the GPU, at the cost of that memory. */
export const MAX_PARTIAL_FLOATS = 1 << 22;

// Submits (submit-policy.ts)

/**
 * Profiled kernels in passes of their own are submitted this many at a time, so the GPU's cost of
 * their pass timestamps overlaps the recording of the next ones; fewer submit more often, which
 * costs CPU time. Kernels timed inside shared passes are not counted: they batch like plain ones
 * (in Chromium a submit every 32 was most of a profiled loop's extra CPU time).
 */
export const PROFILED_SUBMIT = 32;
/** Submit after this many dispatches by default, so the GPU starts while JavaScript keeps recording; more pay for fewer submits. */
export const MAX_BATCH = 256;
/**
 * Submit once the dispatches recorded since the last submit amount to this much work, counted in
 * bytes moved plus FLOPs / FLOPS_PER_BYTE: the GPU starts on big work while the next ops are
 * recorded, and each submit (tens to hundreds of µs of CPU through Dawn) carries more GPU work than
 * it costs. The amount starts at FIRST_SUBMIT_BYTES after a wait that found the GPU idle and
 * doubles with each submit up to EAGER_SUBMIT_BYTES, so the GPU gets work at once and a long loop
 * of big ops pays for few submits. A small fixed amount made a loop of ops on big tensors spend
 * more time submitting than the GPU spent on them; a big matmul alone in each submit ran slower end
 * to end than a few sharing one.
 */
export const EAGER_SUBMIT_BYTES = 1 << 30;
export const FIRST_SUBMIT_BYTES = 16 << 20;
/** How many FLOPs count as a byte moved in a dispatch's work (see EAGER_SUBMIT_BYTES). */
export const FLOPS_PER_BYTE = 64;

// Backpressure (queue-backlog.ts)

/**
 * Submits a loop may keep in flight before the notebook's loop guards wait for the GPU (see
 * core/backlog.ts). A submit carries up to MAX_BATCH dispatches, so this is a few submits of
 * work ahead: enough that the GPU never runs dry while JavaScript records the next batch, little
 * enough that an Interrupt leaves a short drain and progress() counts steps close to the GPU.
 * Measured with engine/bench/backlog-sweep.ts (Node, Dawn on SwiftShader, a 2-core machine under
 * heavy load, so ±15%): 300 Adam steps of a 16-64-64-1 MLP on a batch of 64, about one submit a
 * step, gave 34 steps/s without a bound, 35 at 4, 34 at 8 and 35 at 16, but 30 at 2 and 18 at 1;
 * the GPU had 7.2 s of work left after the loop without a bound, 0.1 to 0.4 s at 4 to 8. 8 leaves
 * room for a fast GPU whose submits finish sooner than the loop wakes.
 */
export const BACKLOG_TUNING = { submits: 8 };

// Timing and metadata

/** Timestamp queries per set: read back when full or at the next wait. Bigger sets read back less often and hold more buffers. */
export const QUERIES_PER_SET = 1024;
/** Kernels per calibration run of `timestampCostMs` (timestamps.ts): more average the cost over more kernels, at a longer run. */
export const CALIBRATION_KERNELS = 16;
/** Dispatches whose metadata the uniform arena holds per submit (metadata-arena.ts): a full arena forces a submit; more cost uniform memory. */
export const ARENA_SLOTS = 1024;
