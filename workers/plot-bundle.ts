// Arrays of numbers shown as line charts. Displaying the same array (or object of arrays) again
// during a run sends the same `displayId`, so the page redraws that chart instead of adding one:
// `display(losses)` inside a training loop gives a live loss curve.
import type { OutputBundle, PlotSeries } from './protocol';

const MAX_POINTS = 100_000;

const displayIds = new WeakMap<object, string>();
let nextId = 0;

function isNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_POINTS) return false;
  return value.every((v) => typeof v === 'number');
}

/** The series of a plottable value: an array of numbers, or a plain object whose values all are. */
export function plotSeries(value: unknown): PlotSeries[] | null {
  if (isNumberArray(value)) return [{ name: 'value', values: [...value] }];
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return null;
  const entries = Object.entries(value);
  if (entries.length === 0 || !entries.every(([, v]) => isNumberArray(v))) return null;
  return entries.map(([name, values]) => ({ name, values: [...(values as number[])] }));
}

/** The plot bundle for `value`, or null when it is not plottable. */
export function plotBundle(value: unknown): OutputBundle | null {
  const series = plotSeries(value);
  if (!series) return null;
  let displayId = displayIds.get(value as object);
  if (displayId === undefined) {
    displayId = `plot-${++nextId}`;
    displayIds.set(value as object, displayId);
  }
  return { type: 'plot', displayId, series };
}
