import type { OutputBundle } from '../../workers/protocol';

export function TensorOutput({ output }: { output: Extract<OutputBundle, { type: 'tensor' }> }) {
  return (
    <div className="output tensor-output" data-testid="tensor-output">
      <div className="tensor-meta">
        <span>shape [{output.shape.join(', ')}]</span>
        <span>{output.dtype}</span>
        <span>{output.device}</span>
      </div>
      <pre>{output.text}</pre>
    </div>
  );
}
