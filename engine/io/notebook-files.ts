// `files` in a cell: the notebook's files (listed in the page's Files panel), read and written by
// name. Writes are checked against the browser's quota first, so a full disk gives a clear error
// and leaves the file as it was.
import { fail } from '../core/errors';
import { checkFileName, fileStore, filesChanged } from './file-store';
import { readAllBytes, type Source } from './source';
import { readCsv, writeCsv, type CsvTable, type ReadCsvOptions } from './readers/csv';
import { readImage, type ImageMode } from './readers/image';
import { readNpy, writeNpy } from './readers/npy';
import { readNpz } from './readers/npz';
import type { Device } from '../core/dtype';
import type { Tensor } from '../tensor';

/** What `files.write` takes: text (written as UTF-8), bytes or a Blob. */
export type FileData = string | Blob | ArrayBuffer | ArrayBufferView;

function toBlob(op: string, data: FileData): Blob {
  if (typeof data === 'string') return new Blob([data]);
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data;
  if (data instanceof ArrayBuffer) return new Blob([data]);
  if (ArrayBuffer.isView(data)) return new Blob([new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength)]);
  return fail(op, `can write a string, a Uint8Array, an ArrayBuffer or a Blob, got ${data === null ? 'null' : typeof data}`);
}

/** A file as cells see it: its name, its size in bytes and when it was last written. */
export interface NotebookFile {
  name: string;
  size: number;
  modified: Date;
}

/** `12.3 MB`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Writes `data` as `name` after checking it fits the quota (counting the old file's bytes as free). The one path every write takes: `files.write`, `torch.save`, the Files panel's upload. */
export async function writeFile(op: string, name: string, data: FileData): Promise<NotebookFile> {
  const checked = checkFileName(op, name);
  const blob = toBlob(op, data);
  const store = fileStore();
  const estimate = await store.estimate();
  if (estimate) {
    const old = (await store.get(checked))?.size ?? 0;
    const free = Math.max(0, estimate.quota - estimate.usage + old);
    if (blob.size > free)
      fail(
        op,
        `'${checked}' (${formatBytes(blob.size)}) does not fit: the browser lets this site keep ${formatBytes(estimate.quota)} and ${formatBytes(free)} of it is free; delete files in the Files panel to make room`,
      );
  }
  try {
    await store.put(checked, blob);
  } catch (error) {
    if (error instanceof Error && error.name === 'QuotaExceededError')
      fail(
        op,
        `'${checked}' (${formatBytes(blob.size)}) does not fit in the browser's storage for this site (quota exceeded); delete files in the Files panel to make room`,
      );
    throw error;
  }
  filesChanged();
  return { name: checked, size: blob.size, modified: new Date() };
}

/** The notebook's files, as cells see them (`files` in a cell). */
export const files = {
  /** The files, by name: `{ name, size, modified }` each. */
  async list(): Promise<NotebookFile[]> {
    return (await fileStore().list()).map((f) => ({ name: f.name, size: f.size, modified: new Date(f.modified) }));
  },
  /** True when the notebook has a file of this name. */
  async exists(name: string): Promise<boolean> {
    return (await fileStore().get(checkFileName('files.exists', name))) !== null;
  },
  /** The bytes of a file (or of a URL, File or Blob). */
  async read(source: Source): Promise<Uint8Array> {
    return (await readAllBytes('files.read', source)).bytes;
  },
  /** The text of a file (or of a URL, File or Blob), decoded as UTF-8. */
  async readText(source: Source): Promise<string> {
    return new TextDecoder().decode((await readAllBytes('files.readText', source)).bytes);
  },
  /** Writes (or replaces) a file: text as UTF-8, bytes or a Blob. Fails, keeping the old file, when it does not fit the browser's quota. */
  write(name: string, data: FileData): Promise<NotebookFile> {
    return writeFile('files.write', name, data);
  },
  /** Deletes a file; fails if there is none of that name. */
  async delete(name: string): Promise<void> {
    const checked = checkFileName('files.delete', name);
    if (!(await fileStore().get(checked))) fail('files.delete', `no file '${checked}'`);
    await fileStore().remove(checked);
    filesChanged();
  },
  /** Renames a file; fails if `from` is missing or `to` exists. */
  async rename(from: string, to: string): Promise<void> {
    const a = checkFileName('files.rename', from);
    const b = checkFileName('files.rename', to);
    if (a === b) return;
    await fileStore().rename(a, b);
    filesChanged();
  },

  // ---- readers for what users bring (engine/io/readers/): each takes a file name, a URL, a File, a Blob or bytes ----
  /** Reads a CSV (RFC 4180 quoting, CRLF; header row by default): `{ columns, data: [rows, numeric columns], column(name), text, rows }`; an empty cell in a numeric column is NaN. */
  readCsv(source: Source, options?: ReadCsvOptions): Promise<CsvTable> {
    return readCsv(source, options);
  },
  /** Writes a [rows, columns] tensor (or 1-D tensor, or array of rows) as a CSV file, with a header row when `columns` is given. */
  writeCsv(
    name: string,
    data: Tensor | readonly (readonly (number | string | boolean)[])[],
    options?: { columns?: string[]; delimiter?: string },
  ): Promise<NotebookFile> {
    return writeCsv(name, data, options);
  },
  /** Reads a NumPy .npy file as a tensor: float32, float64 (to float32), int8–int64 and uint8–uint64 (to int32 where the values fit), bool, float16. */
  readNpy(source: Source, options?: { device?: Device }): Promise<Tensor> {
    return readNpy(source, options);
  },
  /** Writes a tensor as a NumPy .npy file (as numpy.save writes it), readable with numpy.load. */
  writeNpy(name: string, tensor: Tensor): Promise<NotebookFile> {
    return writeNpy(name, tensor);
  },
  /** Reads a NumPy .npz file (np.savez or np.savez_compressed) as `{ name: tensor }`, each array as readNpy reads it. */
  readNpz(source: Source, options?: { device?: Device }): Promise<Record<string, Tensor>> {
    return readNpz(source, options);
  },
  /** Reads a PNG, JPEG, GIF, WebP or BMP image as a float32 [C, H, W] tensor in [0, 1] (as torchvision's ToTensor()); mode 'RGB' (default), 'RGBA' or 'L'. */
  readImage(source: Source, options?: { mode?: ImageMode; device?: Device }): Promise<Tensor> {
    return readImage(source, options);
  },
};
