// The Files panel: the notebook's files, kept in this browser (the Origin Private File System, else
// IndexedDB) and shared with the cells (`files.read(name)`, `torch.load(name)`). Upload by the
// button or by dropping files on the panel; download, rename and delete each file. It lists the
// files again after its own actions and when a cell changes them (the kernel's 'files-changed').
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { formatBytes } from '../../engine/io/notebook-files';
import { describeStore } from '../../workers/files/browser-store';
import { useFiles } from '../files/files-store';
import { FileRow } from './FileRow';

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

function Usage() {
  const kind = useFiles((s) => s.kind);
  const estimate = useFiles((s) => s.estimate);
  const files = useFiles((s) => s.files);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (kind === null) return <p className="files-where">Opening the browser&apos;s storage…</p>;
  return (
    <p className="files-where" data-store={kind}>
      <span>{describeStore(kind)}.</span>{' '}
      <span>
        {files.length} {files.length === 1 ? 'file' : 'files'}, {formatBytes(total)}
        {estimate && (
          <>
            {'; this site uses '}
            {formatBytes(estimate.usage)} of {formatBytes(estimate.quota)}
          </>
        )}
        .
      </span>
    </p>
  );
}

function UploadError() {
  const error = useFiles((s) => s.error);
  if (!error) return null;
  return (
    <div className="files-error" role="alert" data-testid="files-error">
      <span>{error}</span>
      <button type="button" className="icon" aria-label="Dismiss the error" title="Dismiss" onClick={() => useFiles.getState().dismissError()}>
        ✕
      </button>
    </div>
  );
}

/** The Files panel's body: where the files are kept, Upload files, and one row per file. */
export function FilesPanel() {
  const files = useFiles((s) => s.files);
  const uploading = useFiles((s) => s.uploading);
  const warning = useFiles((s) => s.warning);
  const picker = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  // Listed again when the panel opens, and when the window comes back (another tab may have changed them).
  useEffect(() => {
    const refresh = () => void useFiles.getState().refresh();
    refresh();
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, []);
  const upload = (list: FileList | null | undefined) => {
    if (list && list.length) void useFiles.getState().upload([...list]);
  };
  // Files dropped here are uploaded, notebooks too (dropped elsewhere, an .ipynb opens): the page's
  // FileDrop leaves a drop whose default this prevented alone.
  const drop = {
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    },
    onDragLeave: (e: DragEvent) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      upload(e.dataTransfer.files);
    },
  };
  return (
    <div className={`files-panel${dragging ? ' dragging' : ''}`} data-testid="files-panel" {...drop}>
      <Usage />
      {warning && <p className="files-warning">{warning}</p>}
      <div className="files-actions">
        <button type="button" onClick={() => picker.current?.click()}>
          Upload files
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          aria-hidden="true"
          tabIndex={-1}
          data-testid="files-upload-input"
          onChange={(e) => {
            upload(e.target.files);
            e.target.value = '';
          }}
        />
        {uploading.length > 0 && (
          <span className="files-uploading" role="status">
            Uploading {uploading.join(', ')}…
          </span>
        )}
      </div>
      <UploadError />
      {files.length === 0 ? (
        <p className="panel-empty">
          No files yet. Upload files with the button, drop them here, or write them from a cell:{' '}
          <code>await files.write(&apos;notes.txt&apos;, &apos;hi&apos;)</code> or{' '}
          <code>await torch.save(model.stateDict(), &apos;model.safetensors&apos;)</code>. Cells read them by name:{' '}
          <code>await files.readText(&apos;notes.txt&apos;)</code>.
        </p>
      ) : (
        <ul className="files-list" aria-label="The notebook's files">
          {files.map((file) => (
            <FileRow key={file.name} file={file} />
          ))}
        </ul>
      )}
    </div>
  );
}
