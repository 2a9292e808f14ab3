import { memo, useEffect, useRef } from 'react';
import { runCell } from '../commands/cell-commands';
import { runCommand } from '../commands/registry';
import { CodeEditor } from '../editor/CodeEditor';
import { OutputView } from '../outputs/registry';
import { usePanels } from '../panels/panels-store';
import { IDLE_CELL, useWick, type AuthoredCell, type CellRuntime } from '../store';
import { CellActions } from './CellActions';
import { CellStats } from './CellStats';
import { MarkdownView } from './MarkdownView';
import { CollapsedOutputs } from './OutputCollapse';
import { StaleBadge } from './StaleBadge';

/** Jupyter's prompt: `[3]` after a run, `[*]` while running or queued. */
function prompt({ status, executionCount }: CellRuntime): string {
  if (status === 'running' || status === 'queued') return '[*]';
  return `[${executionCount ?? ' '}]`;
}

const STATUS_WORDS: Record<CellRuntime['status'], string> = {
  idle: 'not run',
  queued: 'queued',
  running: 'running',
  done: 'done',
  error: 'failed',
};

function errorLineOf(run: CellRuntime): number | null {
  for (const output of run.outputs) if (output.type === 'error' && output.line !== null) return output.line;
  return null;
}

export const Cell = memo(function Cell({ cell, index }: { cell: AuthoredCell; index: number }) {
  const run = useWick((s) => s.runtime[cell.id]) ?? IDLE_CELL;
  const selected = useWick((s) => s.selectedId === cell.id);
  // One cell is in the Tab order (the selected one, else the first): Tab reaches the notebook, where command-mode keys work.
  const tabStop = useWick((s) => (s.selectedId === null || !s.cells.some((c) => c.id === s.selectedId) ? s.cells[0]?.id === cell.id : selected));
  const mode = useWick((s) => (s.selectedId === cell.id ? s.mode : 'command'));
  // Changes only when a request targets this cell: selecting it by a click, or other state, never moves the focus.
  const focusRequest = useWick((s) => (s.focusTarget === cell.id ? s.focusRequest : 0));
  const editingMarkdown = useWick((s) => s.editingMarkdown[cell.id] ?? cell.source === '');
  const stale = usePanels((s) => s.stale[cell.id]);
  const collapsed = usePanels((s) => !!s.collapsed[cell.id]) && run.outputs.length > 0;
  const section = useRef<HTMLElement>(null);
  const isCode = cell.type === 'code';
  const showEditor = isCode || editingMarkdown;
  const editorFocus = mode === 'edit' && showEditor ? focusRequest : 0;

  // Command mode keeps the focus on the selected cell, so its keys reach the notebook.
  useEffect(() => {
    if (focusRequest === 0 || useWick.getState().mode !== 'command') return;
    section.current?.focus({ preventScroll: true });
    section.current?.scrollIntoView({ block: 'nearest' });
  }, [focusRequest]);

  const { setSource, select, setMode, setEditingMarkdown, enterMode } = useWick.getState();
  const label = `${isCode ? 'Code' : 'Markdown'} cell ${index + 1}${isCode ? `, ${STATUS_WORDS[run.status]}` : ''}`;

  return (
    <section
      ref={section}
      tabIndex={tabStop ? 0 : -1}
      className={`cell ${cell.type}${selected ? ` selected ${mode}` : ''}`}
      data-testid="cell"
      data-cell-type={cell.type}
      data-cell-status={run.status}
      data-cell-stale={stale ? 'true' : undefined}
      data-selected={selected}
      data-mode={selected ? mode : undefined}
      aria-label={label}
      aria-current={selected ? 'true' : undefined}
      onMouseDownCapture={() => select(cell.id)}
      onFocus={(event) => {
        if (event.target === section.current) select(cell.id);
      }}
    >
      <div className="cell-prompt" aria-hidden="true">
        {isCode ? prompt(run) : ''}
        {isCode && run.status !== 'idle' && <span className={`cell-status-mark ${run.status}`} title={STATUS_WORDS[run.status]} />}
      </div>
      {stale && <StaleBadge mark={stale} />}
      {/* Before the editor in the Tab order: from a cell, Tab reaches its buttons before the editor (which keeps Tab for indenting). */}
      <CellActions id={cell.id} isCode={isCode} onRun={() => runCell(cell.id)} />
      <div className="cell-main">
        {showEditor ? (
          <div className="cell-editor" data-testid="cell-editor" data-error-line={isCode ? (errorLineOf(run) ?? undefined) : undefined}>
            <CodeEditor
              key={cell.type}
              cellId={cell.id}
              value={cell.source}
              language={isCode ? 'typescript' : 'markdown'}
              ariaLabel={isCode ? 'Code cell source' : 'Markdown cell source'}
              focusRequest={editorFocus}
              errorLine={isCode ? errorLineOf(run) : null}
              onChange={(source) => setSource(cell.id, source)}
              onFocus={() => {
                select(cell.id);
                setMode('edit');
              }}
              onBlur={() => setMode('command')}
              onCommand={(id) => {
                select(cell.id);
                runCommand(id);
              }}
            />
          </div>
        ) : (
          <MarkdownView
            source={cell.source}
            onEdit={() => {
              setEditingMarkdown(cell.id, true);
              enterMode('edit', cell.id);
            }}
          />
        )}
        <div className="cell-output" data-testid="cell-output" aria-label={`Output of cell ${index + 1}`} aria-live="polite">
          {collapsed ? <CollapsedOutputs id={cell.id} outputs={run.outputs} /> : run.outputs.map((output, at) => <OutputView key={at} output={output} />)}
        </div>
        {run.stats && <CellStats stats={run.stats} />}
      </div>
    </section>
  );
});
