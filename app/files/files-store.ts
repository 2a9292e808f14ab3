// The Files panel's state: the notebook's files as the browser keeps them (the same store the
// kernel Worker opens: workers/files/), the site's usage and quota, and the panel's actions.
// Uploads take the engine's one write path (writeFile), so the panel's quota check and message are
// those a cell's files.write gets.
import { create } from 'zustand';
import { WickError } from '../../engine/core/errors';
import { checkFileName, onFilesChanged, setFileStore, type FileInfo, type FileStore } from '../../engine/io/file-store';
import { writeFile } from '../../engine/io/notebook-files';
import { fileStorePreference, openBrowserFileStore, type OpenedFileStore } from '../../workers/files/browser-store';

export interface FilesState {
  /** The store's kind ('opfs', 'indexeddb', 'memory'), null until it is open. */
  kind: string | null;
  /** Set when the files will not survive a reload. */
  warning: string | null;
  files: FileInfo[];
  /** The site's usage and quota, where the browser says. */
  estimate: { usage: number; quota: number } | null;
  /** What the last action could not do (an upload too big for the quota, …), shown as an alert. */
  error: string | null;
  /** Names being uploaded. */
  uploading: string[];
  refresh(): Promise<void>;
  /** The files changed here (a cell, an upload, …): lists them again and tells the other tabs. */
  changed(): Promise<void>;
  /** Uploads each file (replacing one of the same name); those that fail are named in `error`, the others are kept. */
  upload(files: readonly File[]): Promise<void>;
  remove(name: string): Promise<void>;
  /** Renames a file; resolves to the reason it could not (a bad or taken name), else null. */
  rename(from: string, to: string): Promise<string | null>;
  /** Saves the file to the user's downloads. */
  download(name: string): Promise<void>;
  dismissError(): void;
}

let opened: Promise<FileStore> | null = null;
/** Other tabs of this site share the files: each says when it changed them (opened with the browser's store). */
let channel: BroadcastChannel | null = null;

/** Installs an opened store as the page's (the panel opens the browser's on first use; tests pass their own). */
export function installPageFileStore({ store, warning }: OpenedFileStore): FileStore {
  setFileStore(store);
  useFiles.setState({ kind: store.kind, warning });
  opened = Promise.resolve(store);
  return store;
}

/** The page's store, opened on first use as the kernel Worker opens its own. */
function pageStore(): Promise<FileStore> {
  if (opened) return opened;
  if (typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel('wick:files');
    channel.onmessage = () => void useFiles.getState().refresh();
  }
  opened = openBrowserFileStore(fileStorePreference()).then(installPageFileStore);
  return opened;
}

/** A failure as the panel says it: the engine's message without its op. */
export function reason(error: unknown): string {
  if (error instanceof WickError) return error.message.replace(/^[\w.]+: /, '');
  return error instanceof Error ? error.message : String(error);
}

function withoutOne(names: string[], name: string): string[] {
  const at = names.indexOf(name);
  return at < 0 ? names : [...names.slice(0, at), ...names.slice(at + 1)];
}

export const useFiles = create<FilesState>()((set, get) => ({
  kind: null,
  warning: null,
  files: [],
  estimate: null,
  error: null,
  uploading: [],

  async refresh() {
    try {
      const store = await pageStore();
      const [files, estimate] = await Promise.all([store.list(), store.estimate()]);
      set({ files, estimate });
    } catch (error) {
      set({ error: `Could not list the files: ${reason(error)}` });
    }
  },

  changed() {
    channel?.postMessage('changed');
    return get().refresh();
  },

  async upload(files) {
    if (files.length === 0) return;
    await pageStore();
    set(({ uploading }) => ({ uploading: [...uploading, ...files.map((f) => f.name)], error: null }));
    const failures: string[] = [];
    for (const file of files) {
      try {
        await writeFile('upload', file.name, file);
      } catch (error) {
        failures.push(`Could not upload ${file.name}: ${reason(error)}`);
      }
      set(({ uploading }) => ({ uploading: withoutOne(uploading, file.name) }));
    }
    if (failures.length) set({ error: failures.join('\n') });
    await get().refresh();
  },

  async remove(name) {
    try {
      await (await pageStore()).remove(name);
    } catch (error) {
      set({ error: `Could not delete ${name}: ${reason(error)}` });
    }
    await get().changed();
  },

  async rename(from, to) {
    let problem: string | null = null;
    try {
      const target = checkFileName('rename', to);
      if (target !== from) await (await pageStore()).rename(from, target);
    } catch (error) {
      problem = reason(error);
    }
    await get().changed();
    return problem;
  },

  async download(name) {
    try {
      const blob = await (await pageStore()).get(name);
      if (!blob) throw new Error('it is gone (deleted meanwhile?)');
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.style.display = 'none';
      document.body.append(link);
      link.click();
      link.remove();
      // The download has its own copy of the URL once it started.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      set({ error: `Could not download ${name}: ${reason(error)}` });
    }
  },

  dismissError() {
    set({ error: null });
  },
}));

// Writes the page makes itself (uploads) tell the engine's listeners; the Worker's are a message.
onFilesChanged(() => void useFiles.getState().changed());
