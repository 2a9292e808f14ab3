// Where the notebook's files live. The engine sees them through this narrow interface: the Worker
// installs the browser's store (the Origin Private File System, else IndexedDB: workers/files/),
// tests use the memory store below. Names are flat: no folders.
import { fail } from '../core/errors';

/** One file of the notebook's files. */
export interface FileInfo {
  name: string;
  /** Bytes. */
  size: number;
  /** Last written, in milliseconds since 1970. */
  modified: number;
}

/** The storage behind `files`: the browser's, or memory. Every method fails with a clear WickError. */
export interface FileStore {
  /** 'opfs', 'indexeddb', 'memory', …: shown in the Files panel and in errors. */
  readonly kind: string;
  list(): Promise<FileInfo[]>;
  /** The file's bytes as a Blob (file-backed where the store allows it, so a slice reads only that slice), or null when there is no such file. */
  get(name: string): Promise<Blob | null>;
  /** Writes (or replaces) the file; the old contents stay if the write fails. */
  put(name: string, data: Blob): Promise<void>;
  /** Removes the file; no error when it is missing. */
  remove(name: string): Promise<void>;
  /** Renames a file; fails if `from` is missing or `to` exists. */
  rename(from: string, to: string): Promise<void>;
  /** Bytes used and allowed for this site, or null where the browser does not say. */
  estimate(): Promise<{ usage: number; quota: number } | null>;
}

const BAD_NAME = /[/\\\0]/;

/** Checks a file name: not empty, no folders, not `.`/`..`, at most 255 characters. Returns it trimmed. */
export function checkFileName(op: string, name: unknown): string {
  if (typeof name !== 'string') fail(op, `a file name must be a string, got ${name === null ? 'null' : typeof name}`);
  const trimmed = name.trim();
  if (!trimmed) fail(op, 'a file name must not be empty');
  if (BAD_NAME.test(trimmed)) fail(op, `file name '${name}' has a '/' or '\\': the notebook's files have no folders`);
  if (trimmed === '.' || trimmed === '..') fail(op, `'${name}' is not a file name`);
  if (trimmed.length > 255) fail(op, `file name '${trimmed.slice(0, 40)}…' is longer than 255 characters`);
  return trimmed;
}

/** The files in memory: the default store in Node and in tests; gone with the process. */
export class MemoryFileStore implements FileStore {
  readonly kind = 'memory';
  private readonly files = new Map<string, { data: Blob; modified: number }>();
  /** Bytes this store may hold (to test quota errors); Infinity by default. */
  constructor(private readonly quota = Infinity) {}

  async list(): Promise<FileInfo[]> {
    return [...this.files].map(([name, f]) => ({ name, size: f.data.size, modified: f.modified })).sort((a, b) => a.name.localeCompare(b.name));
  }
  async get(name: string): Promise<Blob | null> {
    return this.files.get(name)?.data ?? null;
  }
  async put(name: string, data: Blob): Promise<void> {
    this.files.set(name, { data, modified: Date.now() });
  }
  async remove(name: string): Promise<void> {
    this.files.delete(name);
  }
  async rename(from: string, to: string): Promise<void> {
    const file = this.files.get(from);
    if (!file) fail('files.rename', `no file '${from}'`);
    if (this.files.has(to)) fail('files.rename', `'${to}' exists already`);
    this.files.delete(from);
    this.files.set(to, file);
  }
  async estimate(): Promise<{ usage: number; quota: number } | null> {
    if (this.quota === Infinity) return null;
    let usage = 0;
    for (const f of this.files.values()) usage += f.data.size;
    return { usage, quota: this.quota };
  }
}

let store: FileStore = new MemoryFileStore();
const listeners = new Set<() => void>();

/** The store `files`, `torch.save` and `torch.load` use. */
export function fileStore(): FileStore {
  return store;
}

/** Installs the store (the Worker does, at start). */
export function setFileStore(next: FileStore): void {
  store = next;
}

/** Calls `listener` after each change the engine makes to the files (the Worker tells the page, whose Files panel lists them). Returns the unsubscribe. */
export function onFilesChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the listeners that the files changed. */
export function filesChanged(): void {
  for (const listener of listeners) listener();
}
