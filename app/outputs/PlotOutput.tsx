// A line chart of one or more series (uPlot). A bundle with the same displayId replaces this
// one in the store, and the chart takes the new data in place: a live loss curve.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { OutputBundle, PlotSeries } from '../../workers/protocol';
import { useWick } from '../store';
import { shortNumber } from './tensor/format-number';

const LIGHT_COLORS = ['#2f6feb', '#e36209', '#1a7f37', '#8250df', '#cf222e', '#0598bc'];
const DARK_COLORS = ['#6ea1ff', '#f0883e', '#56d364', '#bc8cff', '#ff7b72', '#39c5cf'];
const HEIGHT = 220;
/** Steps are whole numbers: ticks at 1, 2, 5, 10, 20, 50, … */
const STEP_INCREMENTS = Array.from({ length: 24 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

function aligned(series: PlotSeries[]): uPlot.AlignedData {
  const length = Math.max(...series.map((s) => s.values.length));
  const x = Array.from({ length }, (_, i) => i);
  return [x, ...series.map((s) => Array.from({ length }, (_, i) => (i < s.values.length ? s.values[i] : null)))];
}

export function PlotOutput({ output }: { output: Extract<OutputBundle, { type: 'plot' }> }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useWick((s) => s.theme);
  const names = output.series.map((s) => s.name).join('\u0000');

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const axisColor = theme === 'dark' ? '#9aa4b2' : '#656d76';
    const gridColor = theme === 'dark' ? '#30363d' : '#e6e8eb';
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    const chart = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: HEIGHT,
        scales: { x: { time: false } },
        axes: [
          { ...axis, label: 'step', incrs: STEP_INCREMENTS },
          { ...axis, values: (_u, ticks) => ticks.map(shortNumber) },
        ],
        legend: { show: output.series.length > 1 || output.series[0].name !== 'value' },
        series: [
          { label: 'step' },
          ...output.series.map((s, i) => ({
            label: s.name,
            stroke: (theme === 'dark' ? DARK_COLORS : LIGHT_COLORS)[i % LIGHT_COLORS.length],
            width: 2,
            points: { show: false },
          })),
        ],
      },
      aligned(output.series),
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
    // Rebuilt when the series or the theme change; new values for the same series go through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [names, theme]);

  useEffect(() => {
    plot.current?.setData(aligned(output.series));
  }, [output]);

  const last = output.series.map((s) => `${s.name} ${shortNumber(s.values.at(-1) ?? NaN)}`).join(', ');
  const points = Math.max(...output.series.map((s) => s.values.length));
  return (
    <div className="output plot-output" data-testid="plot-output" data-points={points} role="img" aria-label={`Line chart of ${points} steps; last: ${last}`}>
      <div ref={host} className="plot-host" />
    </div>
  );
}
