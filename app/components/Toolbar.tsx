import { useRef } from 'react';
import { addCell, exportNotebook, interrupt, openNotebook, restart, runAll } from '../commands/notebook-commands';
import { useWick } from '../store';
import { KernelStatus } from './KernelStatus';

export function Toolbar() {
  const notebookName = useWick((s) => s.notebookName);
  const busy = useWick((s) => s.kernel.status === 'busy');
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <header className="toolbar">
      <div className="brand">
        <span className="brand-name">Wick</span>
        <span className="notebook-name">{notebookName}</span>
      </div>
      <div className="toolbar-buttons" role="toolbar" aria-label="Notebook">
        <button type="button" onClick={runAll}>Run all</button>
        <button type="button" onClick={interrupt} disabled={!busy}>Interrupt</button>
        <button type="button" onClick={restart}>Restart</button>
        <span className="toolbar-gap" />
        <button type="button" onClick={() => addCell('code')}>Add code cell</button>
        <button type="button" onClick={() => addCell('markdown')}>Add markdown cell</button>
        <span className="toolbar-gap" />
        <button type="button" onClick={() => fileInput.current?.click()}>Open</button>
        <input
          ref={fileInput}
          type="file"
          accept=".ipynb,application/x-ipynb+json,application/json"
          aria-label="Notebook file to open"
          hidden
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void openNotebook(file);
          }}
        />
        <button type="button" onClick={exportNotebook}>Export</button>
        <button type="button" disabled title="Share links are coming in a later version">Share</button>
      </div>
      <KernelStatus />
    </header>
  );
}
