import type { OutputBundle } from '../../workers/protocol';

/** An error: its name and message, the cell line it happened on (also marked in the editor), and the cell frames of its stack. */
export function ErrorOutput({ output }: { output: Extract<OutputBundle, { type: 'error' }> }) {
  const where = output.line !== null ? ` on line ${output.line}${output.column ? `, column ${output.column}` : ''}` : '';
  return (
    <div className="output error-output" data-testid="error-output" role="alert">
      <strong>{output.name}</strong>
      {where && <span className="error-line">{where}</span>}
      <pre>{output.message}</pre>
      {output.stack && output.stack.length > 0 && (
        <details>
          <summary>Stack</summary>
          <pre>{output.stack.join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
