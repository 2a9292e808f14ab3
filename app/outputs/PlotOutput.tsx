// A chart of one or more series (uPlot): lines, scatter points or bars over the index (a step) or
// over the x the cell gave (numbers, or category labels), with axis labels, a legend and log
// scales. A bundle with the same displayId replaces this one in the store, and the chart takes the
// new data in place: a live loss curve.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { OutputBundle, PlotMark, PlotSeries } from '../../workers/protocol';
import { useWick } from '../store';
import { shortNumber } from './tensor/format-number';

type PlotBundle = Extract<OutputBundle, { type: 'plot' }>;

const LIGHT_COLORS = ['#2f6feb', '#e36209', '#1a7f37', '#8250df', '#cf222e', '#0598bc'];
const DARK_COLORS = ['#6ea1ff', '#f0883e', '#56d364', '#bc8cff', '#ff7b72', '#39c5cf'];
const HEIGHT = 220;
/** Steps are whole numbers: ticks at 1, 2, 5, 10, 20, 50, … */
const STEP_INCREMENTS = Array.from({ length: 24 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));
/** Tick labels; a log axis leaves some ticks unlabelled (null). */
const tickLabels = (_u: uPlot, ticks: (number | null)[]) => ticks.map((t) => (t === null ? '' : shortNumber(t)));
/** Bars grow from 0, so the y range takes 0 in. */
const rangeFromZero: uPlot.Scale.Range = (_u, min, max) => uPlot.rangeNum(Math.min(0, min), Math.max(0, max), 0.1, true);
const MARK_NOUNS: Record<PlotMark, string> = { line: 'Line chart', scatter: 'Scatter plot', bar: 'Bar chart' };

/** Category labels sit at 0, 1, 2, …; numbers are the x; no x is the index. */
function xValues(output: PlotBundle): number[] {
  const length = Math.max(...output.series.map((s) => s.values.length));
  return output.x && typeof output.x[0] === 'number' ? (output.x as number[]) : Array.from({ length }, (_, i) => i);
}

function aligned(output: PlotBundle): uPlot.AlignedData {
  const x = xValues(output);
  // uPlot wants x ascending: numeric x is sorted with its values.
  const order = x.map((_, i) => i);
  if (output.x && typeof output.x[0] === 'number') order.sort((a, b) => x[a] - x[b]);
  const value = (s: PlotSeries, i: number) => (i < s.values.length && Number.isFinite(s.values[i]) ? s.values[i] : null);
  return [order.map((i) => x[i]), ...output.series.map((s) => order.map((i) => value(s, i)))];
}

/** Bars need room for half a bar beyond the first and last x. */
function barRange(output: PlotBundle): uPlot.Scale.Range | undefined {
  if (!output.series.some((s) => s.mark === 'bar')) return undefined;
  return (u, min, max) => {
    const x = [...new Set(u.data[0])].sort((a, b) => a - b);
    const gap = x.length > 1 ? Math.min(...x.slice(1).map((v, i) => v - x[i])) : 1;
    return [min - gap / 2, max + gap / 2];
  };
}

function seriesOptions(s: PlotSeries, color: string, barsInPlot: number): uPlot.Series {
  const mark = s.mark ?? 'line';
  if (mark === 'scatter') return { label: s.name, stroke: color, fill: color, paths: () => null, points: { show: true, size: 6, width: 1, fill: color } };
  if (mark === 'bar')
    return {
      label: s.name,
      stroke: color,
      fill: `${color}b3`,
      width: 1,
      paths: uPlot.paths.bars!({ size: [0.7 / Math.max(1, barsInPlot), 60] }),
      points: { show: false },
    };
  return { label: s.name, stroke: color, width: 2, points: { show: false } };
}

/** What a screen reader hears: the kind of chart, its axes and the last (or only) values. */
function describe(output: PlotBundle, points: number): string {
  const marks = [...new Set(output.series.map((s) => s.mark ?? 'line'))];
  const kind = marks.length === 1 ? MARK_NOUNS[marks[0]] : 'Chart';
  const title = output.title ? `${output.title}: ` : '';
  const over = output.x ? `${points} points${output.xLabel ? ` over ${output.xLabel}` : ''}` : `${points} ${output.xLabel ?? 'steps'}`;
  const y = output.yLabel ? `, ${output.yLabel}` : '';
  const last = output.series.map((s) => `${s.name} ${shortNumber(s.values.at(-1) ?? NaN)}`).join(', ');
  return `${title}${kind} of ${over}${y}; last: ${last}`;
}

export function PlotOutput({ output }: { output: PlotBundle }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useWick((s) => s.theme);
  const labels = output.x && typeof output.x[0] === 'string' ? (output.x as string[]) : null;
  // What needs a new chart (not just new data): the series and how they are drawn, the axes.
  const shape = JSON.stringify([
    output.series.map((s) => [s.name, s.mark]),
    labels,
    output.x === undefined,
    output.title,
    output.xLabel,
    output.yLabel,
    output.logX,
    output.logY,
  ]);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const axisColor = theme === 'dark' ? '#9aa4b2' : '#656d76';
    const gridColor = theme === 'dark' ? '#30363d' : '#e6e8eb';
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    const colors = theme === 'dark' ? DARK_COLORS : LIGHT_COLORS;
    const bars = output.series.filter((s) => s.mark === 'bar').length;
    const xAxis: uPlot.Axis = labels
      ? { ...axis, label: output.xLabel, splits: () => labels.map((_, i) => i), values: (_u, ticks) => ticks.map((t) => labels[t] ?? '') }
      : output.x
        ? { ...axis, label: output.xLabel, values: tickLabels }
        : { ...axis, label: output.xLabel ?? 'step', incrs: STEP_INCREMENTS };
    const chart = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: HEIGHT,
        title: output.title,
        scales: {
          x: { time: false, ...(output.logX && { distr: 3, log: 10 }), ...(barRange(output) && { range: barRange(output) }) },
          y: output.logY ? { distr: 3, log: 10 } : bars > 0 ? { range: rangeFromZero } : {},
        },
        axes: [xAxis, { ...axis, label: output.yLabel, values: tickLabels }],
        legend: { show: output.series.length > 1 || output.series[0].name !== 'value' },
        series: [
          { label: output.xLabel ?? (output.x ? 'x' : 'step'), ...(labels && { value: (_u: uPlot, v: number) => labels[v] ?? '' }) },
          ...output.series.map((s, i) => seriesOptions(s, colors[i % colors.length], bars)),
        ],
      },
      aligned(output),
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt when the series, axes or the theme change; new values for the same chart go through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, theme]);

  useEffect(() => {
    plot.current?.setData(aligned(output));
  }, [output]);

  const points = Math.max(...output.series.map((s) => s.values.length));
  return (
    <div className="output plot-output" data-testid="plot-output" data-points={points} role="img" aria-label={describe(output, points)}>
      <div ref={host} className="plot-host" />
    </div>
  );
}
