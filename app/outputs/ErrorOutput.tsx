import type { OutputBundle } from '../../workers/protocol';

export function ErrorOutput({ output }: { output: Extract<OutputBundle, { type: 'error' }> }) {
  return (
    <div className="output error-output" data-testid="error-output" role="alert">
      <strong>{output.name}</strong>
      {output.line !== null && <span className="error-line"> on line {output.line}</span>}
      <pre>{output.message}</pre>
    </div>
  );
}
