// For tensors of three or more dims: pick a 2-D slice over the last two dims and see its heatmap.
import { useState } from 'react';
import type { TensorSlices } from '../../../workers/tensor-summary';
import { Heatmap } from './Heatmap';

export function SlicePicker({ slices, shape, onDrawn }: { slices: TensorSlices; shape: number[]; onDrawn?(): void }) {
  const [at, setAt] = useState(0);
  const slice = slices.slices[Math.min(at, slices.slices.length - 1)];
  const index = `[${[...slice.index, ':', ':'].join(', ')}]`;
  const partial = slices.slices.length < slices.total;
  return (
    <div className="slice-picker">
      <label>
        <span>
          slice <code>{index}</code> of [{shape.join(', ')}]
        </span>
        <input
          type="range"
          min={0}
          max={slices.slices.length - 1}
          value={at}
          aria-label="Slice"
          aria-valuetext={index}
          onChange={(event) => setAt(Number(event.target.value))}
        />
      </label>
      {partial && (
        <p className="muted">
          {slices.slices.length} of {slices.total} slices, evenly spread
        </p>
      )}
      <Heatmap heatmap={slice.heatmap} label={`Slice ${index}`} onDrawn={onDrawn} />
    </div>
  );
}
