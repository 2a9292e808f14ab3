// A tensor: a header (shape, dtype, device), its values as PyTorch prints them, statistics and a
// histogram, and a heatmap (2-D) or a slice picker over heatmaps (N-D). All computed in the Worker.
import { useCallback, useLayoutEffect, useRef } from 'react';
import type { OutputBundle } from '../../../workers/protocol';
import { outputArrivals } from '../../store/runtime-slice';
import { Heatmap } from './Heatmap';
import { Histogram, StatsTable } from './Histogram';
import { SlicePicker } from './SlicePicker';

type TensorBundle = Extract<OutputBundle, { type: 'tensor' }>;

/** Tensors of at most this many elements show their values only. */
const SMALL = 8;

/** Marks on the view how long it took from the bundle's arrival to the pixels (for tests and curious users). */
function useRenderTiming(output: TensorBundle) {
  const root = useRef<HTMLDivElement>(null);
  const mark = useCallback(() => {
    const arrived = outputArrivals.get(output);
    if (arrived !== undefined && root.current && !root.current.dataset.renderMs) {
      root.current.dataset.renderMs = (performance.now() - arrived).toFixed(1);
    }
  }, [output]);
  return { root, mark };
}

export function TensorOutput({ output }: { output: TensorBundle }) {
  const { root, mark } = useRenderTiming(output);
  const numel = output.shape.reduce((a, b) => a * b, 1);
  // A handful of values reads best as the values alone.
  const pictured = numel > SMALL;
  const hasPicture = pictured && (output.heatmap !== null || output.slices !== null);
  useLayoutEffect(() => {
    if (!hasPicture) mark();
  }, [hasPicture, mark]);
  const name = `Tensor of shape [${output.shape.join(', ')}]`;

  return (
    <div ref={root} className="output tensor-output" data-testid="tensor-output" role="group" aria-label={`${name}, ${output.dtype}, on ${output.device}`}>
      <div className="tensor-meta">
        <span className="tensor-shape">shape [{output.shape.join(', ')}]</span>
        <span>{output.dtype}</span>
        <span>{output.device}</span>
        <span className="muted">{numel.toLocaleString('en-US')} elements</span>
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
