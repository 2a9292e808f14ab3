// Charts of arrays of numbers. `display(values)` draws a line over the index (the step);
// `plot(y, options)` says what x is (numbers, or category labels), names the axes, and picks
// line, scatter or bar marks and log scales. Drawing the same array (or object of arrays) again
// during a run sends the same `displayId`, so the page redraws that chart instead of adding one:
// `display(losses)` or `plot(losses, { x: steps })` inside a training loop gives a live curve.
import type { OutputBundle, PlotMark, PlotSeries } from './protocol';

const MAX_POINTS = 100_000;
export const PLOT_MARKS: readonly PlotMark[] = ['line', 'scatter', 'bar'];
const OPTION_NAMES = ['x', 'mark', 'marks', 'title', 'xLabel', 'yLabel', 'logX', 'logY'] as const;

/** What `plot(y, options)` takes besides `y`. */
export interface PlotOptions {
  /** One x per value: numbers, or category labels (strings) such as the digits of a bar chart. Default: 0, 1, 2, … */
  x?: readonly number[] | readonly string[];
  /** How every series is drawn (default 'line'). */
  mark?: PlotMark;
  /** A mark per series name, over `mark`. */
  marks?: Record<string, PlotMark>;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logX?: boolean;
  logY?: boolean;
}

type PlotBundle = Extract<OutputBundle, { type: 'plot' }>;

const displayIds = new WeakMap<object, string>();
const plotIds = new WeakMap<object, string>();
let nextId = 0;

function idFor(ids: WeakMap<object, string>, value: object): string {
  let id = ids.get(value);
  if (id === undefined) {
    id = `plot-${++nextId}`;
    ids.set(value, id);
  }
  return id;
}

function isNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_POINTS) return false;
  return value.every((v) => typeof v === 'number');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** The series of a plottable value: an array of numbers, or a plain object whose values all are. */
export function plotSeries(value: unknown): PlotSeries[] | null {
  if (isNumberArray(value)) return [{ name: 'value', values: [...value] }];
  if (!isPlainObject(value)) return null;
  const entries = Object.entries(value);
  if (entries.length === 0 || !entries.every(([, v]) => isNumberArray(v))) return null;
  return entries.map(([name, values]) => ({ name, values: [...(values as number[])] }));
}

/** The plot bundle `display(value)` shows, or null when `value` is not plottable. */
export function plotBundle(value: unknown): OutputBundle | null {
  const series = plotSeries(value);
  if (!series) return null;
  return { type: 'plot', displayId: idFor(displayIds, value as object), series };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ? `a ${(value as object).constructor.name}` : 'an object';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function markOf(value: unknown, what: string): PlotMark {
  if (typeof value === 'string' && (PLOT_MARKS as readonly string[]).includes(value)) return value as PlotMark;
  throw new TypeError(`plot: ${what} ${describe(value)} is not a mark: use 'line', 'scatter' or 'bar'`);
}

function stringOption(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`plot: ${name} must be a string, not ${describe(value)}`);
  return value;
}

function booleanOption(options: Record<string, unknown>, name: string): boolean | undefined {
  const value = options[name];
  if (value === undefined || value === false) return undefined;
  if (value !== true) throw new TypeError(`plot: ${name} must be true or false, not ${describe(value)}`);
  return true;
}

/** `y` as series: an array of numbers (one series), or an object of named arrays (one series each, with a legend). */
function seriesOf(y: unknown): PlotSeries[] {
  const series = plotSeries(y);
  if (series) return series;
  const form = 'plot(y, options): y must be an array of numbers or an object of named arrays of numbers';
  if (Array.isArray(y)) {
    if (y.length === 0) throw new TypeError(`${form}, and y is empty`);
    if (y.length > MAX_POINTS) throw new RangeError(`plot: at most ${MAX_POINTS} points a series, and y has ${y.length}`);
    const at = y.findIndex((v) => typeof v !== 'number');
    throw new TypeError(
      `${form}; y[${at}] is ${describe(y[at])}${y[at] instanceof Object && 'tolist' in y[at] ? ' (read a tensor with await t.tolist())' : ''}`,
    );
  }
  if (isPlainObject(y)) {
    const entries = Object.entries(y);
    if (entries.length === 0) throw new TypeError(`${form}, and y has no series`);
    const [name, bad] = entries.find(([, v]) => !isNumberArray(v))!;
    throw new TypeError(`${form}; series '${name}' is ${describe(bad)}${Array.isArray(bad) && bad.length > 0 ? ' with values that are not numbers' : ''}`);
  }
  throw new TypeError(`${form}, not ${describe(y)}`);
}

/** The bundle of `plot(y, options)`; a clear error for every option that cannot be drawn. */
export function plotCallBundle(y: unknown, options: unknown = {}): OutputBundle {
  const series = seriesOf(y);
  if (!isPlainObject(options)) throw new TypeError(`plot: options must be an object such as { x, xLabel, mark: 'bar' }, not ${describe(options)}`);
  const unknown = Object.keys(options).filter((k) => !(OPTION_NAMES as readonly string[]).includes(k));
  if (unknown.length > 0) throw new TypeError(`plot: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; the options are ${OPTION_NAMES.join(', ')}`);

  const bundle: PlotBundle = { type: 'plot', displayId: idFor(plotIds, y as object), series };
  const mark = options.mark === undefined ? undefined : markOf(options.mark, 'mark');
  const marks = options.marks;
  if (marks !== undefined && !isPlainObject(marks)) throw new TypeError(`plot: marks must be an object of series names to marks, not ${describe(marks)}`);
  for (const name of Object.keys(marks ?? {})) {
    if (!series.some((s) => s.name === name))
      throw new TypeError(`plot: marks names series '${name}', but the series are ${series.map((s) => `'${s.name}'`).join(', ')}`);
  }
  for (const s of series) {
    const chosen = marks?.[s.name] === undefined ? mark : markOf(marks[s.name], `the mark of '${s.name}'`);
    if (chosen && chosen !== 'line') s.mark = chosen;
  }

  const x = options.x;
  if (x !== undefined) {
    if (!Array.isArray(x) || x.length === 0) throw new TypeError(`plot: x must be a non-empty array of numbers or of labels (strings), not ${describe(x)}`);
    const numbers = x.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!numbers && !x.every((v) => typeof v === 'string'))
      throw new TypeError('plot: x must be all finite numbers or all labels (strings), not a mix or other values');
    for (const s of series) {
      if (s.values.length !== x.length)
        throw new RangeError(
          `plot: x has ${x.length} values but ${s.name === 'value' && series.length === 1 ? 'y' : `series '${s.name}'`} has ${s.values.length}: give one x per value`,
        );
    }
    bundle.x = numbers ? [...(x as number[])] : [...(x as string[])];
  }

  const title = stringOption(options, 'title');
  const xLabel = stringOption(options, 'xLabel');
  const yLabel = stringOption(options, 'yLabel');
  const logX = booleanOption(options, 'logX');
  const logY = booleanOption(options, 'logY');
  if (logX) {
    if (bundle.x === undefined) throw new RangeError('plot: logX needs x values above 0, and the default x (0, 1, 2, …) starts at 0: pass x');
    if (typeof bundle.x[0] === 'string') throw new TypeError('plot: logX needs numeric x, not labels');
    const at = (bundle.x as number[]).findIndex((v) => v <= 0);
    if (at >= 0) throw new RangeError(`plot: logX needs x values above 0, and x[${at}] is ${bundle.x[at]}`);
  }
  if (logY) {
    for (const s of series) {
      const at = s.values.findIndex((v) => v <= 0);
      if (at >= 0) throw new RangeError(`plot: logY needs values above 0, and ${series.length === 1 ? 'y' : `series '${s.name}'`}[${at}] is ${s.values[at]}`);
    }
  }
  return { ...bundle, ...(title && { title }), ...(xLabel && { xLabel }), ...(yLabel && { yLabel }), ...(logX && { logX }), ...(logY && { logY }) };
}
