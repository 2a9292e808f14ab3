// Console text and results. A long log shows its last SHOWN_LINES lines (the latest are what a
// running loop is about), says how many earlier lines are hidden, and keeps them all: Show all
// puts every line on the page, Download saves the text.
import { useMemo, useState } from 'react';
import type { OutputBundle } from '../../workers/protocol';

export const SHOWN_LINES = 200;

/** The last `lines` lines of `text` and how many lines come before them (scans only the tail, and counts the rest). */
export function textTail(text: string, lines: number): { tail: string; hidden: number } {
  let at = text.length;
  for (let n = 0; n < lines; n++) {
    at = text.lastIndexOf('\n', at - 1);
    if (at < 0) return { tail: text, hidden: 0 };
  }
  let hidden = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) hidden++;
  return { tail: text.slice(at + 1), hidden };
}

function download(text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  Object.assign(document.createElement('a'), { href: url, download: 'output.txt' }).click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function TextOutput({ output }: { output: Extract<OutputBundle, { type: 'text' }> }) {
  const [showAll, setShowAll] = useState(false);
  const { tail, hidden } = useMemo(() => textTail(output.text, SHOWN_LINES), [output.text]);
  const className = `output text-output ${output.stream}`;
  if (hidden === 0 || showAll) return <pre className={className}>{output.text}</pre>;
  return (
    <div className="text-output-cut">
      <p className="output-elided" data-testid="output-elided">
        <span>
          Output truncated: {hidden.toLocaleString('en')} earlier {hidden === 1 ? 'line' : 'lines'} hidden, the last {SHOWN_LINES.toLocaleString('en')} shown.
        </span>
        <button type="button" onClick={() => setShowAll(true)}>
          Show all
        </button>
        <button type="button" onClick={() => download(output.text)}>
          Download
        </button>
      </p>
      <pre className={className}>{tail}</pre>
    </div>
  );
}
