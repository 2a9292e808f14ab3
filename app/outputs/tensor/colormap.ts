// Colours for heatmaps: diverging (blue, white, red) around zero when values have both signs,
// sequential (viridis) otherwise.
type Rgb = [number, number, number];

const VIRIDIS: Rgb[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];
const DIVERGING: Rgb[] = [
  [33, 102, 172],
  [103, 169, 207],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [239, 138, 98],
  [178, 24, 43],
];

function sample(stops: Rgb[], t: number): Rgb {
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export interface ColorScale {
  diverging: boolean;
  lo: number;
  hi: number;
  color(v: number): Rgb;
  /** The colour of `v` as one little-endian RGBA word, from a 256-entry table (for ImageData). */
  packed(v: number): number;
}

const LEVELS = 256;

/** A 256-entry table of packed RGBA words for `t` in [0, 1]. */
function packedTable(stops: Rgb[]): Uint32Array {
  const table = new Uint32Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) {
    const [r, g, b] = sample(stops, i / (LEVELS - 1));
    table[i] = (255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r);
  }
  return table;
}

const VIRIDIS_TABLE = packedTable(VIRIDIS);
const DIVERGING_TABLE = packedTable(DIVERGING);

function level(t: number): number {
  return Math.max(0, Math.min(LEVELS - 1, Math.round(t * (LEVELS - 1))));
}

export function colorScale(min: number, max: number): ColorScale {
  if (min < 0 && max > 0) {
    const bound = Math.max(-min, max);
    const t = (v: number) => (v / bound + 1) / 2;
    return { diverging: true, lo: -bound, hi: bound, color: (v) => sample(DIVERGING, t(v)), packed: (v) => DIVERGING_TABLE[level(t(v))] };
  }
  const span = max - min || 1;
  const t = (v: number) => (v - min) / span;
  return { diverging: false, lo: min, hi: max, color: (v) => sample(VIRIDIS, t(v)), packed: (v) => VIRIDIS_TABLE[level(t(v))] };
}

/** A CSS gradient of the scale, for its legend. */
export function legendGradient(scale: ColorScale): string {
  const steps = Array.from({ length: 9 }, (_, i) => {
    const [r, g, b] = scale.color(scale.lo + ((scale.hi - scale.lo) * i) / 8);
    return `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
  });
  return `linear-gradient(to right, ${steps.join(', ')})`;
}
