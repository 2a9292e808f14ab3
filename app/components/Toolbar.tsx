import { useEffect, useRef } from 'react';
import { registerFileChooser } from '../commands/notebook-commands';
import { command } from '../commands/registry';
import { openFile } from '../notebook/open-notebook';
import { useWick } from '../store';
import { CommandsMenu } from './CommandsMenu';
import { KernelStatus } from './KernelStatus';
import { SaveStatus } from './SaveStatus';
import { SidePanelToggles } from './SidePanel';

/** A toolbar button for a registry command: its label is the button's accessible name. */
function CommandButton({ id, title }: { id: string; title?: string }) {
  const cmd = command(id);
  const enabled = useWick((s) => (cmd.isEnabled ? cmd.isEnabled(s) : true));
  return (
    <button type="button" onClick={() => void cmd.run()} disabled={!enabled} title={title ?? cmd.label}>
      {cmd.label}
    </button>
  );
}

export function Toolbar() {
  const notebookName = useWick((s) => s.notebookName);
  const theme = useWick((s) => s.theme);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    registerFileChooser(() => fileInput.current?.click());
    return () => registerFileChooser(null);
  }, []);

  return (
    <header className="toolbar">
      <div className="toolbar-top">
        <div className="brand">
          <span className="brand-name">Wick</span>
          <span className="notebook-name">{notebookName}</span>
          <SaveStatus />
        </div>
        <KernelStatus />
      </div>
      <div className="toolbar-buttons" role="toolbar" aria-label="Notebook">
        <CommandButton id="run-all" />
        <CommandButton id="interrupt" title="Interrupt (Ctrl+I)" />
        <CommandButton id="restart" />
        <span className="toolbar-gap" />
        <CommandButton id="add-code-cell" />
        <CommandButton id="add-markdown-cell" />
        <span className="toolbar-gap" />
        <CommandButton id="open" />
        <input
          ref={fileInput}
          type="file"
          accept=".ipynb,application/x-ipynb+json,application/json"
          aria-label="Notebook file to open"
          hidden
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void openFile(file);
          }}
        />
        <CommandButton id="export" title="Export as .ipynb" />
        <CommandButton id="share" title="Copy a link that holds this notebook" />
        <CommandButton id="examples" title="Example notebooks: the paradigm tour and more" />
        {/* The page generated from the engine's types (scripts/api-reference.ts), next to the app in dev and in the build. */}
        <a
          className="toolbar-link"
          href={`${import.meta.env.BASE_URL}api/index.html`}
          target="_blank"
          rel="noopener"
          title="Every name a cell can use, with its signature"
        >
          API reference
        </a>
        <span className="toolbar-gap" />
        <SidePanelToggles />
        <button
          type="button"
          className="theme-toggle"
          aria-label={command('toggle-theme').label}
          aria-pressed={theme === 'dark'}
          title={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          onClick={() => void command('toggle-theme').run()}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <CommandsMenu />
      </div>
    </header>
  );
}
