/** Test helpers for sort and scan: seeded values, and plain-JS references applied along a dim of a flat row-major array. */

/** `n` seeded values: with `ties`, small integers (many equal); else spread floats. */
export function seeded(n: number, seed: number, ties = false): number[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () => (ties ? Math.floor(next() * 6) - 2 : Math.fround((next() - 0.5) * 20)));
}

/**
 * Applies `f` to every line of `data` (shape `shape`, row-major) along `dim`, writing what it
 * returns (a line of the same or a smaller length `outSize`) into a new flat array.
 */
export function alongDim(data: readonly number[], shape: readonly number[], dim: number, f: (line: number[]) => number[], outLength?: number): number[] {
  const d = dim < 0 ? dim + shape.length : dim;
  const outSize = outLength ?? shape[d];
  const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
  const size = shape[d];
  const out = new Array<number>(outer * outSize * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const line = Array.from({ length: size }, (_, j) => data[(o * size + j) * inner + i]);
      f(line).forEach((v, j) => (out[(o * outSize + j) * inner + i] = v));
    }
  }
  return out;
}

/** Whether a sorts strictly before b ascending, NaN the largest. */
function ascBefore(a: number, b: number): boolean {
  return !Number.isNaN(a) && (Number.isNaN(b) || a < b);
}

/** A stable sort of a line: the original positions in sorted order (ties keep their order; NaN largest). */
export function sortedPositions(line: readonly number[], descending: boolean): number[] {
  const before = descending ? (a: number, b: number) => ascBefore(b, a) : ascBefore;
  return line.map((_, j) => j).sort((i, j) => (before(line[i], line[j]) ? -1 : before(line[j], line[i]) ? 1 : 0));
}

/** PyTorch's cummax/cummin of a line: values and indices (the last among ties; a NaN, once seen, wins). */
export function cumExtremeLine(line: readonly number[], op: 'max' | 'min'): { values: number[]; indices: number[] } {
  const values: number[] = [];
  const indices: number[] = [];
  let best = NaN;
  let at = -1;
  line.forEach((x, j) => {
    const takes = Number.isNaN(x) || (!Number.isNaN(best) && (op === 'max' ? x >= best : x <= best));
    if (at < 0 || takes) [best, at] = [x, j];
    values.push(best);
    indices.push(at);
  });
  return { values, indices };
}
