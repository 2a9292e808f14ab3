// Page state that is neither the notebook nor the kernel: selection, mode, theme, notices.
import type { StateCreator } from 'zustand';
import type { WickState } from './index';

/** Jupyter's modes: keys act on cells in command mode, and type into the editor in edit mode. */
export type Mode = 'command' | 'edit';
export type Theme = 'light' | 'dark';
export type SaveState = 'saved' | 'unsaved' | 'saving' | 'failed';

/** Where the notebook on the page came from, when not from the user's own work in this browser. */
export interface NotebookOrigin {
  kind: 'link' | 'file' | 'url' | 'example';
  /** How to name it: "a share link", the file name, the URL. */
  label: string;
  name: string;
  /** The document as it arrived, for going back to it. */
  original: unknown;
  /** Whether the notebook it replaced was kept (see autosave's keepPrevious). */
  previousKept: boolean;
}

export interface UiSlice {
  selectedId: string | null;
  mode: Mode;
  /** Bumped when `focusTarget` should take the keyboard focus (its editor in edit mode). */
  focusRequest: number;
  focusTarget: string | null;
  /** Markdown cells showing their source instead of the rendered text. */
  editingMarkdown: Record<string, boolean>;
  theme: Theme;
  saveState: SaveState;
  /** A message above the notebook, e.g. that an interrupt lost the kernel's state. */
  notice: string | null;
  /** The last share link made, shown until dismissed. */
  shareLink: string | null;
  /** Set instead of a link when the notebook is too big for one: the link's length. */
  shareTooBig: number | null;
  origin: NotebookOrigin | null;
  /** The examples' start page is open. */
  startPageOpen: boolean;
  /** How many other tabs of this browser have the autosaved notebook open (tab-sync). */
  otherTabs: number;
  /** Set when another tab saved newer changes than this tab knows: this tab's save waits for the user. */
  tabConflict: { revision: number } | null;
  /** A restart waiting for the user's confirmation (it loses every name the cells defined), with or without running all after. */
  pendingRestart: 'restart' | 'restart-run-all' | null;
  select(id: string | null, focus?: boolean): void;
  /** Selects `id` (when given) and moves to `mode`, focusing the editor or the cell. */
  enterMode(mode: Mode, id?: string): void;
  setEditingMarkdown(id: string, editing: boolean): void;
  setTheme(theme: Theme): void;
  setSaveState(state: SaveState): void;
  setNotice(notice: string | null): void;
  setShareLink(link: string | null): void;
  setShareTooBig(length: number | null): void;
  setOrigin(origin: NotebookOrigin | null): void;
  setStartPageOpen(open: boolean): void;
  setOtherTabs(count: number): void;
  setTabConflict(conflict: { revision: number } | null): void;
  setPendingRestart(pending: 'restart' | 'restart-run-all' | null): void;
  /** Records the mode without moving the focus (the focus moved already). */
  setMode(mode: Mode): void;
}

export function preferredTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const createUiSlice: StateCreator<WickState, [], [], UiSlice> = (set) => ({
  selectedId: null,
  mode: 'command',
  focusRequest: 0,
  focusTarget: null,
  editingMarkdown: {},
  theme: preferredTheme(),
  saveState: 'saved',
  notice: null,
  shareLink: null,
  shareTooBig: null,
  origin: null,
  startPageOpen: false,
  otherTabs: 0,
  tabConflict: null,
  pendingRestart: null,
  select(selectedId, focus = false) {
    set(({ focusRequest, focusTarget }) => (focus ? { selectedId, focusRequest: focusRequest + 1, focusTarget: selectedId } : { selectedId, focusTarget }));
  },
  enterMode(mode, id) {
    set(({ focusRequest, selectedId }) => ({ mode, selectedId: id ?? selectedId, focusRequest: focusRequest + 1, focusTarget: id ?? selectedId }));
  },
  setEditingMarkdown(id, editing) {
    set(({ editingMarkdown }) => ({ editingMarkdown: { ...editingMarkdown, [id]: editing } }));
  },
  setTheme(theme) {
    set({ theme });
  },
  setSaveState(saveState) {
    set({ saveState });
  },
  setNotice(notice) {
    set({ notice });
  },
  setShareLink(shareLink) {
    set({ shareLink, shareTooBig: null });
  },
  setShareTooBig(shareTooBig) {
    set({ shareTooBig, shareLink: null });
  },
  setOrigin(origin) {
    set({ origin });
  },
  setStartPageOpen(startPageOpen) {
    set({ startPageOpen });
  },
  setOtherTabs(otherTabs) {
    set({ otherTabs });
  },
  setTabConflict(tabConflict) {
    set({ tabConflict });
  },
  setPendingRestart(pendingRestart) {
    set({ pendingRestart });
  },
  setMode(mode) {
    set({ mode });
  },
});
