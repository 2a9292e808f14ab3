// One file of the Files panel: its name, size and time, and Download, Rename (inline: Enter
// commits, Escape cancels) and Delete (asks first).
import { useEffect, useId, useRef, useState } from 'react';
import type { FileInfo } from '../../engine/io/file-store';
import { formatBytes } from '../../engine/io/notebook-files';
import { useFiles } from '../files/files-store';

const ICONS = {
  download: 'M8 2v8m0 0L4.5 6.5M8 10l3.5-3.5M3 13h10',
  rename: 'M10.5 2.5l3 3L6 13H3v-3z',
  delete: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5',
} as const;

function Icon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg
      viewBox="0 0 16 16"
      width="15"
      height="15"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={ICONS[name]} />
    </svg>
  );
}

/** "3 Dec, 14:05", or the time alone today. */
export function formatModified(ms: number, now = new Date()): string {
  const date = new Date(ms);
  const today = date.toDateString() === now.toDateString();
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return today
    ? time
    : `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric' })}, ${time}`;
}

function RenameInput({ name, onDone }: { name: string; onDone: () => void }) {
  const [value, setValue] = useState(name);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const errorId = useId();
  useEffect(() => {
    const dot = name.lastIndexOf('.');
    input.current?.focus();
    input.current?.setSelectionRange(0, dot > 0 ? dot : name.length);
  }, [name]);
  const commit = async () => {
    const failed = await useFiles.getState().rename(name, value);
    if (failed === null) onDone();
    else setProblem(failed);
  };
  return (
    <span className="file-rename">
      <input
        ref={input}
        value={value}
        aria-label={`New name for ${name}`}
        aria-invalid={problem !== null}
        aria-describedby={problem ? errorId : undefined}
        spellCheck={false}
        onChange={(e) => (setValue(e.target.value), setProblem(null))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void commit();
          if (e.key === 'Escape') onDone();
          e.stopPropagation();
        }}
        onBlur={() => onDone()}
      />
      {problem && (
        <span className="file-rename-error" id={errorId} role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

function DeleteConfirm({ name, onDone }: { name: string; onDone: () => void }) {
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div
      className="file-confirm"
      role="alertdialog"
      aria-label={`Delete ${name}?`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone();
        e.stopPropagation();
      }}
    >
      <span>Delete {name}? This cannot be undone.</span>
      <button type="button" ref={confirm} className="danger" onClick={() => void useFiles.getState().remove(name).then(onDone)}>
        Delete
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </div>
  );
}

/** A file's row: name, size and time, and its Download, Rename and Delete buttons. */
export function FileRow({ file }: { file: FileInfo }) {
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const { name } = file;
  return (
    <li className="file-row" data-testid="file-row" data-name={name}>
      <div className="file-main">
        {mode === 'rename' ? (
          <RenameInput name={name} onDone={() => setMode('view')} />
        ) : (
          <span className="file-name" title={name}>
            {name}
          </span>
        )}
        <span className="file-meta">
          {formatBytes(file.size)} · <time dateTime={new Date(file.modified).toISOString()}>{formatModified(file.modified)}</time>
        </span>
      </div>
      <div className="file-actions">
        <button type="button" className="icon" aria-label={`Download ${name}`} title="Download" onClick={() => void useFiles.getState().download(name)}>
          <Icon name="download" />
        </button>
        <button type="button" className="icon" aria-label={`Rename ${name}`} title="Rename" onClick={() => setMode('rename')}>
          <Icon name="rename" />
        </button>
        <button type="button" className="icon" aria-label={`Delete ${name}`} title="Delete" onClick={() => setMode('delete')}>
          <Icon name="delete" />
        </button>
      </div>
      {mode === 'delete' && <DeleteConfirm name={name} onDone={() => setMode('view')} />}
    </li>
  );
}
