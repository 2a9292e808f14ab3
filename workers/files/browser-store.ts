// Picks where the notebook's files live in this browser: the Origin Private File System where it
// works, else IndexedDB, else memory (gone on reload, with a warning). The page and the kernel
// Worker each open the same store, so a file a cell writes is the file the Files panel lists.
import { MemoryFileStore, type FileStore } from '../../engine/io/file-store';
import { IndexedDbFileStore } from './indexeddb-store';
import { OpfsFileStore } from './opfs-store';

/** 'auto': OPFS where it works, else IndexedDB; 'indexeddb': IndexedDB first (tests of the fallback). */
export type FileStorePreference = 'auto' | 'indexeddb';

/** The localStorage key the page reads the preference from ('indexeddb' forces the fallback). */
export const FILE_STORE_PREFERENCE_KEY = 'wick:files';

/** How long a store may take to open before the next is tried (the kernel waits for it before its first cell). */
const OPEN_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not open within ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** An opened store, and a warning when the files will not survive a reload. */
export interface OpenedFileStore {
  store: FileStore;
  warning: string | null;
}

/** Opens the browser's store for the notebook's files (never rejects: memory is the last resort). */
export async function openBrowserFileStore(preference: FileStorePreference = 'auto'): Promise<OpenedFileStore> {
  const reasons: string[] = [];
  const attempts: [string, () => Promise<FileStore>][] = [
    ['Origin Private File System', () => OpfsFileStore.open()],
    ['IndexedDB', () => IndexedDbFileStore.open()],
  ];
  if (preference === 'indexeddb') attempts.reverse();
  for (const [name, open] of attempts) {
    try {
      return { store: await withTimeout(open()), warning: null };
    } catch (error) {
      reasons.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const warning = `This browser keeps no files for this page (${reasons.join('; ')}), so the notebook's files are kept in memory and are gone on reload.`;
  console.warn(warning);
  return { store: new MemoryFileStore(), warning };
}

/** The preference the page sets (localStorage 'wick:files'); 'auto' where there is none. */
export function fileStorePreference(): FileStorePreference {
  try {
    return globalThis.localStorage?.getItem(FILE_STORE_PREFERENCE_KEY) === 'indexeddb' ? 'indexeddb' : 'auto';
  } catch {
    return 'auto';
  }
}

/** Where the files are, in words, for the Files panel. */
export function describeStore(kind: string): string {
  switch (kind) {
    case 'opfs':
      return 'Kept in this browser (Origin Private File System)';
    case 'indexeddb':
      return 'Kept in this browser (IndexedDB)';
    case 'memory':
      return 'Kept in memory only: gone on reload';
    default:
      return `Kept in ${kind}`;
  }
}
