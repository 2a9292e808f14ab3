// A heatmap of (downsampled) values on a canvas, with a colour legend and the value under the pointer.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Heatmap as HeatmapData } from '../../../workers/tensor-summary';
import { colorScale, legendGradient } from './colormap';
import { shortNumber } from './format-number';

/** The largest side the heatmap is drawn at, in CSS pixels. */
const MAX_SIDE = 280;
/** The largest a single cell is drawn: small matrices stay small. */
const MAX_CELL = 24;

export function Heatmap({ heatmap, label, onDrawn }: { heatmap: HeatmapData; label: string; onDrawn?(): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<string | null>(null);
  const { rows, cols, values, rowStep, colStep } = heatmap;

  const scale = useMemo(() => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      if (Number.isNaN(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return colorScale(min === Infinity ? 0 : min, max === -Infinity ? 0 : max);
  }, [values]);

  // Drawn in the same task as the commit: the picture appears with the rest of the output.
  useLayoutEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(cols, rows);
    const pixels = new Uint32Array(image.data.buffer);
    const gray = 0xff808080;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      pixels[i] = Number.isNaN(v) ? gray : scale.packed(v);
    }
    context.putImageData(image, 0, 0);
    onDrawn?.();
  }, [rows, cols, values, scale, onDrawn]);

  const zoom = Math.min(MAX_CELL, Math.max(1, Math.floor(MAX_SIDE / Math.max(rows, cols))));
  const width = Math.min(MAX_SIDE, cols * zoom);
  const height = (rows / cols) * width;
  const blocks = rowStep > 1 || colStep > 1 ? ` (each cell the mean of ${rowStep}×${colStep} values)` : '';

  return (
    <figure className="heatmap">
      <canvas
        ref={canvas}
        width={cols}
        height={rows}
        style={{ width, height }}
        role="img"
        aria-label={`${label}: heatmap of ${rows}×${cols} cells${blocks}, from ${shortNumber(scale.lo)} to ${shortNumber(scale.hi)}`}
        onMouseMove={(event) => {
          const box = event.currentTarget.getBoundingClientRect();
          const c = Math.min(cols - 1, Math.floor(((event.clientX - box.left) / box.width) * cols));
          const r = Math.min(rows - 1, Math.floor(((event.clientY - box.top) / box.height) * rows));
          const at = rowStep > 1 || colStep > 1 ? `[${r * rowStep}:${(r + 1) * rowStep}, ${c * colStep}:${(c + 1) * colStep}] mean` : `[${r}, ${c}]`;
          setHover(`${at} = ${shortNumber(values[r * cols + c])}`);
        }}
        onMouseLeave={() => setHover(null)}
      />
      <figcaption>
        <span className="legend-bar" style={{ background: legendGradient(scale) }} aria-hidden="true" />
        <span className="legend-ends">
          <span>{shortNumber(scale.lo)}</span>
          <span>{hover ?? (blocks ? `${rowStep}×${colStep} blocks` : '')}</span>
          <span>{shortNumber(scale.hi)}</span>
        </span>
      </figcaption>
    </figure>
  );
}
