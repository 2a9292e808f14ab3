// torch.save: a state dict (or a Module, or any object of tensors) as a safetensors file of the
// notebook's files, byte for byte as PyTorch's `safetensors.torch.save_file` writes the same tensors.
import { fail } from '../../core/errors';
import { checkInterrupt } from '../../core/interrupt';
import { Module } from '../../nn/module';
import { Tensor } from '../../tensor';
import { checkFileName } from '../file-store';
import { writeFile, type NotebookFile } from '../notebook-files';
import { encodeTensor } from './codec';
import { READABLE, saveOrder, SAVED_AS, serializeHeader } from './format';

/** Options of `torch.save`. */
export interface SaveOptions {
  /** Strings stored in the file's `__metadata__` (as `save_file(..., metadata=...)`), read back by `torch.loadMetadata`. */
  metadata?: Record<string, string>;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const article = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
  if (typeof v === 'object') return article((v as object).constructor?.name ?? 'object');
  return `${article(typeof v)} (${String(v).slice(0, 40)})`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** The tensors of `obj` by dotted key, as a state dict names them: nested objects, arrays and Maps add `key.` prefixes; a Module adds its stateDict. */
export function flattenTensors(op: string, obj: unknown): [string, Tensor][] {
  if (obj instanceof Tensor) fail(op, 'expected a state dict or an object of tensors, got one tensor: name it, as in torch.save({ x }, name)');
  const out = new Map<string, Tensor>();
  const visit = (value: unknown, key: string, depth: number) => {
    if (value instanceof Tensor) {
      if (out.has(key)) fail(op, `two tensors have the key '${key}' once nested keys are joined with '.'`);
      if (value.disposed) fail(op, `tensor '${key}' was disposed`);
      out.set(key, value);
      return;
    }
    const where = key ? `'${key}'` : 'the object';
    if (depth > 32) fail(op, `${where} is nested more than 32 levels deep (a cycle?)`);
    const join = (k: string) => (key ? `${key}.${k}` : k);
    if (value instanceof Module) for (const [k, t] of Object.entries(value.stateDict())) visit(t, join(k), depth + 1);
    else if (value instanceof Map) for (const [k, v] of value) visit(v, join(String(k)), depth + 1);
    else if (Array.isArray(value) || isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, join(k), depth + 1);
    else fail(op, `${where} is ${describe(value)}, not a tensor: a safetensors file holds tensors only (put strings in the metadata option)`);
  };
  visit(obj, '', 0);
  return [...out];
}

function checkMetadata(op: string, metadata: unknown): Record<string, string> | null {
  if (metadata === undefined) return null;
  if (!isPlainObject(metadata)) fail(op, `options.metadata must be an object of strings, got ${describe(metadata)}`);
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== 'string') fail(op, `options.metadata['${k}'] is ${describe(v)}; metadata values must be strings (safetensors stores strings only)`);
  return metadata as Record<string, string>;
}

/** The safetensors bytes of `obj`'s tensors (read back from their devices one at a time), as a Blob. */
export async function safetensorsBlob(op: string, obj: unknown, options: SaveOptions = {}): Promise<Blob> {
  if (typeof options !== 'object' || options === null) fail(op, `options must be an object such as { metadata: { … } }, got ${String(options)}`);
  const metadata = checkMetadata(op, options.metadata);
  const entries = saveOrder(
    flattenTensors(op, obj).map(([name, tensor]) => {
      const dtype = SAVED_AS[tensor.dtype];
      return { name, tensor, dtype, shape: tensor.shape, bytes: tensor.numel() * READABLE[dtype].bytes };
    }),
  );
  // Each tensor's bytes join the Blob as they are read, so only one tensor's host copy is alive at a time.
  let blob = new Blob([serializeHeader(entries, metadata) as Uint8Array<ArrayBuffer>]);
  for (const e of entries) {
    checkInterrupt();
    const bytes = encodeTensor(await e.tensor.data(), e.tensor.dtype);
    blob = new Blob([blob, bytes as Uint8Array<ArrayBuffer>]);
  }
  return blob;
}

/** `torch.save(obj, name, options?)`: writes `obj`'s tensors as the safetensors file `name` of the notebook's files (checked against the quota first); resolves to its info. */
export async function save(obj: unknown, name: string, options?: SaveOptions): Promise<NotebookFile> {
  const op = 'torch.save';
  const file = checkFileName(op, name);
  return writeFile(op, file, await safetensorsBlob(op, obj, options));
}
