// The Files panel's logic that runs without a browser: uploads through the engine's quota check
// (a file too big is named with its size and the free space, the others are kept), rename's
// reasons, the drop's split between a notebook and uploads, and the fallback to memory.
import { describe, expect, it, vi } from 'vitest';
import { MemoryFileStore } from '../../engine/io/file-store';
import { describeStore, openBrowserFileStore } from '../../workers/files/browser-store';
import { sortDrop } from '../components/FileDrop';
import { formatModified } from '../components/FileRow';
import { installPageFileStore, useFiles } from './files-store';

const file = (name: string, text: string) => new File([text], name);

describe('the Files panel store', () => {
  it('uploads what fits, and names a file too big for the quota with its size and the free space, keeping the others', async () => {
    const store = installPageFileStore({ store: new MemoryFileStore(3000), warning: null });
    await store.put('old.txt', new Blob(['x'.repeat(1000)]));
    await useFiles.getState().upload([file('a.txt', 'hello'), file('big.bin', 'y'.repeat(2500)), file('b.txt', 'bye')]);
    const { files, error, uploading, estimate } = useFiles.getState();
    expect(files.map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'old.txt']);
    expect(error).toBe(
      "Could not upload big.bin: 'big.bin' (2.5 kB) does not fit: the browser lets this site keep 3.0 kB and 2.0 kB of it is free; delete files in the Files panel to make room",
    );
    expect(uploading).toEqual([]);
    expect(estimate).toEqual({ usage: 1008, quota: 3000 });
    // Replacing a file counts its old bytes as free.
    await useFiles.getState().upload([file('old.txt', 'z'.repeat(2900))]);
    expect(useFiles.getState().error).toBeNull();
    expect((await store.get('old.txt'))?.size).toBe(2900);
  });

  it('renames, and gives the reason a name is refused (bad, taken, missing)', async () => {
    installPageFileStore({ store: new MemoryFileStore(), warning: null });
    await useFiles.getState().upload([file('a.txt', 'a'), file('b.txt', 'b')]);
    const { rename } = useFiles.getState();
    expect(await rename('a.txt', 'dir/a.txt')).toBe("file name 'dir/a.txt' has a '/' or '\\': the notebook's files have no folders");
    expect(await rename('a.txt', '  ')).toBe('a file name must not be empty');
    expect(await rename('a.txt', 'b.txt')).toBe("'b.txt' exists already");
    expect(await rename('gone.txt', 'c.txt')).toBe("no file 'gone.txt'");
    expect(await rename('a.txt', ' c.txt ')).toBeNull();
    expect(useFiles.getState().files.map((f) => f.name)).toEqual(['b.txt', 'c.txt']);
    await useFiles.getState().remove('b.txt');
    expect(useFiles.getState().files.map((f) => f.name)).toEqual(['c.txt']);
  });

  it('opens a dropped notebook and uploads the other files', () => {
    const [nb, csv, png] = [file('A.IPYNB', '{}'), file('data.csv', ''), file('x.png', '')];
    expect(sortDrop([csv, nb, png])).toEqual({ notebook: nb, uploads: [csv, png] });
    expect(sortDrop([csv])).toEqual({ notebook: null, uploads: [csv] });
  });

  it('falls back to memory, with a warning, where the browser keeps no files; says where files are kept', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { store, warning } = await openBrowserFileStore();
    expect(store.kind).toBe('memory');
    expect(warning).toMatch(/^This browser keeps no files for this page \(Origin Private File System: .*; IndexedDB: .*\), .* gone on reload\.$/);
    expect(warn).toHaveBeenCalledWith(warning);
    warn.mockRestore();
    expect(describeStore('opfs')).toBe('Kept in this browser (Origin Private File System)');
    expect(describeStore('indexeddb')).toBe('Kept in this browser (IndexedDB)');
  });

  it('shows the time alone for a file written today, the date too for an older one', () => {
    const now = new Date(2026, 11, 8, 15, 30);
    const month = now.toLocaleDateString(undefined, { month: 'short' });
    expect(formatModified(new Date(2026, 11, 8, 9, 5).getTime(), now)).not.toContain(month);
    expect(formatModified(new Date(2026, 11, 3, 9, 5).getTime(), now)).toContain(month);
    expect(formatModified(new Date(2025, 11, 3, 9, 5).getTime(), now)).toContain('2025');
  });
});
