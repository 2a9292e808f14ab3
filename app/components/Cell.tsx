import { useState } from 'react';
import { deleteCell, runCell } from '../commands/notebook-commands';
import { CodeEditor } from '../editor/CodeEditor';
import { OutputView } from '../outputs/registry';
import { IDLE_CELL, useWick, type AuthoredCell, type CellRuntime } from '../store';
import { CellStats } from './CellStats';
import { MarkdownView } from './MarkdownView';

/** Jupyter's prompt: `[3]` after a run, `[*]` while running or queued. */
function prompt({ status, executionCount }: CellRuntime): string {
  if (status === 'running' || status === 'queued') return '[*]';
  return `[${executionCount ?? ' '}]`;
}

export function Cell({ cell }: { cell: AuthoredCell }) {
  const run = useWick((s) => s.runtime[cell.id]) ?? IDLE_CELL;
  const selected = useWick((s) => s.selectedId === cell.id);
  const focusRequest = useWick((s) => (s.selectedId === cell.id ? s.focusRequest : 0));
  const setSource = useWick((s) => s.setSource);
  const select = useWick((s) => s.select);
  const [editingMarkdown, setEditingMarkdown] = useState(cell.source === '');
  const isCode = cell.type === 'code';

  const onRun = (advance: boolean) => {
    if (!isCode && cell.source.trim() !== '') setEditingMarkdown(false);
    runCell(cell.id, advance);
  };

  return (
    <section
      className={`cell ${cell.type}${selected ? ' selected' : ''}`}
      data-testid="cell"
      data-cell-type={cell.type}
      data-cell-status={run.status}
      data-selected={selected}
      aria-label={isCode ? 'Code cell' : 'Markdown cell'}
      onMouseDownCapture={() => select(cell.id)}
    >
      <div className="cell-prompt" aria-hidden="true">
        {isCode ? prompt(run) : ''}
      </div>
      <div className="cell-main">
        {isCode || editingMarkdown ? (
          <div className="cell-editor" data-testid="cell-editor">
            <CodeEditor
              value={cell.source}
              language={isCode ? 'typescript' : 'markdown'}
              ariaLabel={isCode ? 'Code cell source' : 'Markdown cell source'}
              focusRequest={focusRequest}
              onChange={(source) => setSource(cell.id, source)}
              onRun={onRun}
              onFocus={() => select(cell.id)}
            />
          </div>
        ) : (
          <MarkdownView source={cell.source} onEdit={() => setEditingMarkdown(true)} />
        )}
        <div className="cell-output" data-testid="cell-output">
          {run.outputs.map((output, index) => (
            <OutputView key={index} output={output} />
          ))}
        </div>
        {run.stats && <CellStats stats={run.stats} />}
      </div>
      <div className="cell-actions">
        {isCode && (
          <button type="button" className="icon" aria-label="Run cell" title="Run cell (Shift+Enter)" onClick={() => runCell(cell.id, false)}>
            ▶
          </button>
        )}
        <button type="button" className="icon" aria-label="Delete cell" title="Delete cell" onClick={() => deleteCell(cell.id)}>
          ✕
        </button>
      </div>
    </section>
  );
}
