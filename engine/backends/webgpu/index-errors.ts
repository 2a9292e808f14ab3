/**
 * Out-of-range indices found on the GPU. Index kernels (gather, scatter-add) record the first bad
 * index they meet in a small buffer (kernels/gather.ts); its words come back with the next read of
 * values or finish, in the same submit, and raise an error naming the op, the kernel, the dim, its
 * size and the index, as CUDA reports device-side asserts at the next synchronizing call.
 */
import { fail } from '../../core/errors';
import type { IndexCheck } from '../backend';
import type { Dispatcher } from './dispatcher';
import { INDEX_ERROR_WORDS } from './kernels/gather';

/** Bytes of the error words. */
export const INDEX_ERROR_BYTES = INDEX_ERROR_WORDS * 4;

export class IndexErrors {
  private words: GPUBuffer | null = null;
  /** An index kernel ran since the words were last read. */
  unread = false;
  /** The reporting ops' names (with the kernel's) by id: a handful of distinct names. */
  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly gpu: GPUDevice,
    private readonly dispatcher: Dispatcher,
  ) {}

  /** The buffer a kernel about to be dispatched binds (created at the first). */
  buffer(): GPUBuffer {
    this.unread = true;
    return (this.words ??= this.gpu.createBuffer({
      size: INDEX_ERROR_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    }));
  }

  /** Metadata words telling a kernel who reports its bad indices: the op's id (with the kernel's name) and the dim. */
  who(check: IndexCheck, kernel: string): [number, number] {
    const name = `${check.op}|${kernel}`;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.push(name) - 1;
      this.ids.set(name, id);
    }
    return [id, check.dim];
  }

  /** Records a copy of the words into `staging` at byte `offset` (a multiple of 8), then clears them for later kernels. */
  copyTo(staging: GPUBuffer, offset: number): void {
    this.dispatcher.copy(this.words!, 0, staging, offset, INDEX_ERROR_BYTES);
    this.dispatcher.clear(this.words!, 0, INDEX_ERROR_BYTES);
    this.unread = false;
  }

  /** Reads the words alone (a finish, with nothing else to read) and raises a recorded bad index. */
  async read(): Promise<void> {
    const staging = this.gpu.createBuffer({ size: INDEX_ERROR_BYTES, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.copyTo(staging, 0);
    this.dispatcher.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
      const words = new Int32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      this.raise(words);
    } finally {
      staging.destroy();
    }
  }

  /** Throws the bad index the words record, if any. */
  raise(words: Int32Array): void {
    if (words[0] === 0) return;
    const [op, kernel] = (this.names[words[1]] ?? 'index|gather').split('|');
    fail(
      op,
      `index ${words[3]} is out of bounds for dimension ${words[2]} with size ${words[4]} (found on the GPU by the ${kernel} kernel of '${op}'; ` +
        'a GPU reports bad indices at the next read of values, as CUDA reports device-side asserts, so the error may surface after later ops)',
    );
  }
}
