// The notebook's files in the Origin Private File System: a folder of real files, private to this
// site. Reads hand out the file-backed File (a slice reads only that slice); writes go through
// createWritable(), which writes a swap file and replaces the old file only on close, so a write
// that fails keeps the old contents. Where createWritable() is missing (older Safari, in a Worker)
// the bytes go through a sync access handle into a swap file that is then moved in place.
import { fail } from '../../engine/core/errors';
import { checkFileName, type FileInfo, type FileStore } from '../../engine/io/file-store';
import { browserEstimate, rethrow, storedName } from './store-errors';

const WHERE = "the browser's Origin Private File System";
/** Bytes per write through a sync access handle. */
const CHUNK = 8 << 20;

/** What TypeScript's DOM types leave out (async iteration, move) or have only in Workers. */
interface Iterable {
  values(): AsyncIterableIterator<FileSystemHandle>;
}
interface Movable {
  move?(name: string): Promise<void>;
  move?(parent: FileSystemDirectoryHandle, name: string): Promise<void>;
}
/** Synchronous since Safari 16.4; awaited, so the older promise-returning form works too. */
interface SyncHandle {
  write(bytes: Uint8Array, options: { at: number }): number | Promise<number>;
  truncate(size: number): void | Promise<void>;
  flush(): void | Promise<void>;
  close(): void | Promise<void>;
}
interface SyncCapable {
  createSyncAccessHandle?(): Promise<SyncHandle>;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError');
}

/** The notebook's files as files of a folder in the Origin Private File System. */
export class OpfsFileStore implements FileStore {
  readonly kind = 'opfs';

  private constructor(
    private readonly root: FileSystemDirectoryHandle,
    private readonly dir: FileSystemDirectoryHandle,
    private readonly folder: string,
  ) {}

  /** Opens (creating) the folder `folder` of the site's private file system; rejects where the browser has none or refuses it (private windows may). */
  static async open(folder = 'wick-files'): Promise<OpfsFileStore> {
    if (typeof navigator?.storage?.getDirectory !== 'function') throw new Error('this browser has no Origin Private File System');
    const root = await navigator.storage.getDirectory();
    return new OpfsFileStore(root, await root.getDirectoryHandle(folder, { create: true }), folder);
  }

  async list(): Promise<FileInfo[]> {
    const files: FileInfo[] = [];
    try {
      for await (const handle of (this.dir as unknown as Iterable).values()) {
        if (handle.kind !== 'file') continue;
        try {
          const file = await (handle as FileSystemFileHandle).getFile();
          files.push({ name: handle.name, size: file.size, modified: file.lastModified });
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
    } catch (error) {
      rethrow('files.list', 'list the files', WHERE, error);
    }
    return files.sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<Blob | null> {
    const checked = storedName(name);
    const handle = checked === null ? null : await this.handle(checked);
    if (handle === null) return null;
    try {
      return await handle.getFile();
    } catch (error) {
      if (isMissing(error)) return null;
      return rethrow('files', `read '${checked}'`, WHERE, error);
    }
  }

  async put(name: string, data: Blob): Promise<void> {
    const checked = checkFileName('files', name);
    const existed = (await this.handle(checked)) !== null;
    try {
      const handle = await this.dir.getFileHandle(checked, { create: true });
      if (typeof handle.createWritable === 'function') {
        const writable = await handle.createWritable();
        try {
          await writable.write(data);
          await writable.close();
        } catch (error) {
          await writable.abort().catch(() => {});
          throw error;
        }
      } else await this.putThroughSwap(checked, handle, data);
    } catch (error) {
      // A file this write created goes again; an older one is as it was.
      if (!existed) await this.dir.removeEntry(checked).catch(() => {});
      rethrow('files', `write '${checked}'`, WHERE, error);
    }
  }

  async remove(name: string): Promise<void> {
    const checked = storedName(name);
    if (checked === null) return;
    try {
      await this.dir.removeEntry(checked);
    } catch (error) {
      if (!isMissing(error)) rethrow('files', `delete '${checked}'`, WHERE, error);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const a = checkFileName('files.rename', from);
    const b = checkFileName('files.rename', to);
    const source = await this.handle(a);
    if (source === null) fail('files.rename', `no file '${a}'`);
    if (a === b) return;
    if ((await this.handle(b)) !== null) fail('files.rename', `'${b}' exists already`);
    try {
      const movable = source as unknown as Movable;
      if (typeof movable.move === 'function') {
        await movable.move(b);
        return;
      }
      await this.put(b, await source.getFile());
      await this.dir.removeEntry(a);
    } catch (error) {
      rethrow('files.rename', `rename '${a}' to '${b}'`, WHERE, error);
    }
  }

  estimate(): Promise<{ usage: number; quota: number } | null> {
    return browserEstimate();
  }

  private async handle(name: string): Promise<FileSystemFileHandle | null> {
    try {
      return await this.dir.getFileHandle(name);
    } catch (error) {
      if (isMissing(error)) return null;
      return rethrow('files', `open '${name}'`, WHERE, error);
    }
  }

  /** Without createWritable (a Worker in older Safari): the bytes go to a swap file, moved over the old one once complete. */
  private async putThroughSwap(name: string, target: FileSystemFileHandle, data: Blob): Promise<void> {
    const swap = await this.root.getDirectoryHandle(`${this.folder}.swap`, { create: true });
    const swapFile = await swap.getFileHandle(name, { create: true });
    const movable = swapFile as unknown as Movable;
    const direct = typeof movable.move !== 'function';
    // Without move() there is no way to replace a file at once: then the bytes go straight in.
    const handle = direct ? target : swapFile;
    const open = (handle as unknown as SyncCapable).createSyncAccessHandle;
    if (typeof open !== 'function') fail('files', `this browser cannot write files in ${WHERE} here (no createWritable, no sync access handle)`);
    const sync = await open.call(handle);
    try {
      await sync.truncate(0);
      for (let at = 0; at < data.size; at += CHUNK) await sync.write(new Uint8Array(await data.slice(at, at + CHUNK).arrayBuffer()), { at });
      await sync.flush();
    } finally {
      await sync.close();
    }
    if (!direct) await movable.move!(this.dir, name);
  }
}
