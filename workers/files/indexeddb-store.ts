// The notebook's files in IndexedDB, where the browser has no Origin Private File System (or it is
// refused): one record `{ name, blob, modified }` per file in the database 'wick-files'. Browsers
// keep such Blobs on disk and read them lazily; each change is one transaction, so a write that
// fails (the quota) leaves the old record as it was.
import { fail } from '../../engine/core/errors';
import { checkFileName, type FileInfo, type FileStore } from '../../engine/io/file-store';
import { browserEstimate, rethrow, storedName } from './store-errors';

const WHERE = "the browser's IndexedDB";
const STORE = 'files';

interface FileRecord {
  name: string;
  blob: Blob;
  modified: number;
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted', 'AbortError'));
  });
}

/** The notebook's files as records of an IndexedDB database. */
export class IndexedDbFileStore implements FileStore {
  readonly kind = 'indexeddb';

  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating) the database `name`; rejects where the browser has no IndexedDB or refuses it. */
  static async open(name = 'wick-files'): Promise<IndexedDbFileStore> {
    if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB');
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'name' });
    };
    const db = await done(request);
    // Another tab that opens a newer version asks this one to let go.
    db.onversionchange = () => db.close();
    return new IndexedDbFileStore(db);
  }

  async list(): Promise<FileInfo[]> {
    try {
      const records = await done(this.db.transaction(STORE, 'readonly').objectStore(STORE).getAll() as IDBRequest<FileRecord[]>);
      return records.map((r) => ({ name: r.name, size: r.blob.size, modified: r.modified })).sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      return rethrow('files.list', 'list the files', WHERE, error);
    }
  }

  async get(name: string): Promise<Blob | null> {
    const checked = storedName(name);
    if (checked === null) return null;
    try {
      const record = await done(this.db.transaction(STORE, 'readonly').objectStore(STORE).get(checked) as IDBRequest<FileRecord | undefined>);
      return record?.blob ?? null;
    } catch (error) {
      return rethrow('files', `read '${checked}'`, WHERE, error);
    }
  }

  async put(name: string, data: Blob): Promise<void> {
    const checked = checkFileName('files', name);
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put({ name: checked, blob: data, modified: Date.now() } satisfies FileRecord);
      await committed(tx);
    } catch (error) {
      rethrow('files', `write '${checked}'`, WHERE, error);
    }
  }

  async remove(name: string): Promise<void> {
    const checked = storedName(name);
    if (checked === null) return;
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(checked);
      await committed(tx);
    } catch (error) {
      rethrow('files', `delete '${checked}'`, WHERE, error);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const a = checkFileName('files.rename', from);
    const b = checkFileName('files.rename', to);
    if (a === b) return;
    // One transaction: both names checked, the record moved, or nothing changed.
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const finished = committed(tx);
    finished.catch(() => {});
    let problem: string | null = null;
    try {
      const [source, target] = await Promise.all([done(store.get(a) as IDBRequest<FileRecord | undefined>), done(store.count(b))]);
      if (!source) problem = `no file '${a}'`;
      else if (target > 0) problem = `'${b}' exists already`;
      else {
        store.delete(a);
        store.put({ ...source, name: b } satisfies FileRecord);
      }
      await finished;
    } catch (error) {
      rethrow('files.rename', `rename '${a}' to '${b}'`, WHERE, error);
    }
    if (problem !== null) fail('files.rename', problem);
  }

  estimate(): Promise<{ usage: number; quota: number } | null> {
    return browserEstimate();
  }
}
