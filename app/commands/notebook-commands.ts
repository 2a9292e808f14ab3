// Commands on the whole notebook and its kernel: run all, interrupt, restart (and run all), clear outputs, open, export, share, save, theme.
import { kernelSession } from '../kernel/kernel-session';
import { saveNow } from '../notebook/autosave';
import { downloadNotebook } from '../notebook/files';
import { toIpynb } from '../notebook/ipynb';
import { encodeShareLink, shareMetadata, MAX_LINK_LENGTH } from '../notebook/share-link';
import { useWick } from '../store';
import type { Command } from './command';

const state = () => useWick.getState();

/** The Open button's file chooser; the toolbar registers its hidden file input here. */
let chooseFile: (() => void) | null = null;
export function registerFileChooser(open: (() => void) | null): void {
  chooseFile = open;
}

async function share(): Promise<void> {
  const { cells, notebookName, notebookMetadata, setShareLink, setShareTooBig } = state();
  const link = await encodeShareLink(`${location.origin}${location.pathname}`, cells, shareMetadata(notebookName, notebookMetadata));
  if (link.length > MAX_LINK_LENGTH) return setShareTooBig(link.length);
  setShareLink(link);
  await navigator.clipboard?.writeText(link).catch(() => undefined);
}

/** Carries out the restart the user confirmed. */
export function confirmRestart(): void {
  const pending = state().pendingRestart;
  state().setPendingRestart(null);
  if (!pending) return;
  kernelSession.restart();
  if (pending === 'restart-run-all') kernelSession.run(state().cells.map((c) => c.id));
}

export function exportNotebook(): void {
  const { notebookName, cells, runtime, notebookMetadata } = state();
  downloadNotebook(notebookName, toIpynb(cells, runtime, notebookMetadata));
}

export const NOTEBOOK_COMMANDS: Command[] = [
  { id: 'run-all', label: 'Run all', group: 'run', run: () => kernelSession.run(state().cells.map((c) => c.id)) },
  {
    id: 'interrupt',
    label: 'Interrupt',
    group: 'kernel',
    commandKeys: ['Mod+I', 'I I'],
    isEnabled: (s) => s.kernel.status === 'busy',
    run: () => kernelSession.interrupt(),
  },
  // Both ask first (components/RestartConfirm.tsx): a restart loses every name the cells defined.
  { id: 'restart', label: 'Restart', group: 'kernel', run: () => state().setPendingRestart('restart') },
  { id: 'restart-run-all', label: 'Restart and run all', group: 'kernel', run: () => state().setPendingRestart('restart-run-all') },
  { id: 'clear-all-outputs', label: 'Clear all outputs', group: 'notebook', run: () => state().clearOutputs() },
  { id: 'open', label: 'Open', group: 'notebook', commandKeys: ['Mod+O'], run: () => chooseFile?.() },
  {
    id: 'export',
    label: 'Export',
    group: 'notebook',
    run: exportNotebook,
  },
  { id: 'share', label: 'Share', group: 'notebook', run: share },
  { id: 'examples', label: 'Examples', group: 'notebook', run: () => state().setStartPageOpen(true) },
  { id: 'save', label: 'Save', group: 'notebook', commandKeys: ['Mod+S'], editKeys: ['Mod+S'], run: saveNow },
  {
    id: 'toggle-theme',
    label: 'Dark theme',
    group: 'view',
    isChecked: (s) => s.theme === 'dark',
    run: () => state().setTheme(state().theme === 'dark' ? 'light' : 'dark'),
  },
];
