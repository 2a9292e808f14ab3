import type { OutputBundle } from '../../workers/protocol';

export function TextOutput({ output }: { output: Extract<OutputBundle, { type: 'text' }> }) {
  return <pre className={`output text-output ${output.stream}`}>{output.text}</pre>;
}
