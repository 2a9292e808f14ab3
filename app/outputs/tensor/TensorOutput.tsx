// A tensor: a header (shape, dtype, device), its values as PyTorch prints them, statistics and a
// histogram, and a heatmap (2-D) or a slice picker over heatmaps (N-D). All computed in the Worker.
import { useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import type { OutputBundle } from '../../../workers/protocol';
import { outputArrivals } from '../../store/runtime-slice';
import { Heatmap } from './Heatmap';
import { Histogram, StatsTable } from './Histogram';
import { SlicePicker } from './SlicePicker';

type TensorBundle = Extract<OutputBundle, { type: 'tensor' }>;

/** Tensors of at most this many elements show their values only. */
const SMALL = 8;

/** What the bundle cost to send: typed arrays as their bytes, everything else as JSON text. */
function payloadBytes(output: TensorBundle): number {
  let typed = 0;
  const json = JSON.stringify(output, (_key, value: unknown) => {
    if (!ArrayBuffer.isView(value)) return value;
    typed += value.byteLength;
    return null;
  });
  return json.length + typed;
}

/**
 * Marks on the view how long it took from the bundle's arrival to the pixels (for tests and
 * curious users). Children draw before the view's own ref is attached, so they note the time and
 * the view writes it in its own layout effect, which runs after theirs in the same commit.
 */
function useRenderTiming(output: TensorBundle, hasPicture: boolean) {
  const root = useRef<HTMLDivElement>(null);
  const drawnAt = useRef<number | null>(null);
  const mark = useCallback(() => {
    drawnAt.current ??= performance.now();
  }, []);
  useLayoutEffect(() => {
    if (!hasPicture) mark();
    const arrived = outputArrivals.get(output);
    if (arrived === undefined || drawnAt.current === null || !root.current || root.current.dataset.renderMs) return;
    root.current.dataset.renderMs = (drawnAt.current - arrived).toFixed(1);
  });
  return { root, mark };
}

export function TensorOutput({ output }: { output: TensorBundle }) {
  const numel = output.shape.reduce((a, b) => a * b, 1);
  // A handful of values reads best as the values alone.
  const pictured = numel > SMALL;
  const hasPicture = pictured && (output.heatmap !== null || output.slices !== null);
  const { root, mark } = useRenderTiming(output, hasPicture);
  const name = `Tensor of shape [${output.shape.join(', ')}]`;

  return (
    <div
      ref={root}
      className="output tensor-output"
      data-testid="tensor-output"
      data-payload-bytes={useMemo(() => payloadBytes(output), [output])}
      role="group"
      aria-label={`${name}, ${output.dtype}, on ${output.device}`}
    >
      <div className="tensor-meta">
        <span className="tensor-shape">shape [{output.shape.join(', ')}]</span>
        <span>{output.dtype}</span>
        <span>{output.device}</span>
        <span className="muted">{numel === 1 ? '1 element' : `${numel.toLocaleString('en-US')} elements`}</span>
      </div>
      <pre className="tensor-values">{output.text}</pre>
      {pictured && (
        <div className="tensor-views">
          {output.heatmap && <Heatmap heatmap={output.heatmap} label={name} onDrawn={mark} />}
          {output.slices && <SlicePicker slices={output.slices} shape={output.shape} onDrawn={mark} />}
          {output.stats && output.stats.count > 0 && (
            <div className="tensor-distribution">
              <StatsTable stats={output.stats} />
              {output.histogram && <Histogram histogram={output.histogram} />}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
