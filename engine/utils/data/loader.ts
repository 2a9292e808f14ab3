/**
 * torch.utils.data.DataLoader: batches of a dataset, in order or shuffled by a generator, with the
 * last short batch kept or dropped, iterable with `for...of` and `for await...of`. Datasets that
 * give whole batches (TensorDataset, its Subsets) make each batch with one gather per tensor (a
 * view when the batch's rows are consecutive); other datasets' items are stacked by the default
 * collate, or passed to `collateFn`.
 */
import { fail } from '../../core/errors';
import type { Generator } from '../../core/generator';
import { generatorOf, tensor } from '../../ops/creation';
import { stack } from '../../ops/views';
import { Tensor } from '../../tensor';
import { Dataset, hasBatches, permutation } from './dataset';

/** What the default collate makes of an item type: tensors and numbers become a stacked Tensor, arrays and objects are collated per position or key. */
export type Collated<I> = I extends Tensor | number | boolean
  ? Tensor
  : I extends string
    ? string[]
    : I extends readonly unknown[]
      ? { [K in keyof I]: Collated<I[K]> }
      : I extends object
        ? { [K in keyof I]: Collated<I[K]> }
        : unknown;

/** The item type of a dataset: what its `getItem` returns (a subclass's own return type). */
export type ItemOf<D> = D extends { getItem(i: number): infer I } ? I : unknown;

export interface DataLoaderOptions<I = unknown, B = Collated<I>> {
  /** Items per batch (default 1); null yields the items one by one, uncollated. */
  batchSize?: number | null;
  /** A new random order each pass (default false). */
  shuffle?: boolean;
  /** Leave out the last batch when it is short (default false). */
  dropLast?: boolean;
  /** The generator the shuffle draws from (default: the global one, seeded by torch.manualSeed). */
  generator?: Generator;
  /** Builds a batch from a list of items (default: stack tensors, recursing into arrays and objects). */
  collateFn?: (items: I[]) => B;
}

/** PyTorch's default_collate: tensors stacked, numbers made a tensor, arrays and objects collated per position or key. */
export function defaultCollate(items: readonly unknown[]): unknown {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[], 0);
  if (typeof first === 'number' || typeof first === 'boolean') {
    const dtype = typeof first === 'boolean' ? 'bool' : items.every((v) => Number.isInteger(v)) ? 'int32' : 'float32';
    return tensor(items as number[], { dtype });
  }
  if (Array.isArray(first)) {
    items.forEach((it, i) => {
      if (!Array.isArray(it) || it.length !== first.length)
        fail('DataLoader', `item ${i} has ${Array.isArray(it) ? it.length : 'no'} fields; item 0 has ${first.length}: every item must have the same structure`);
    });
    return first.map((_, k) => defaultCollate(items.map((it) => (it as unknown[])[k])));
  }
  if (first && typeof first === 'object')
    return Object.fromEntries(Object.keys(first).map((k) => [k, defaultCollate(items.map((it) => (it as Record<string, unknown>)[k]))]));
  if (typeof first === 'string') return [...items];
  return fail('DataLoader', `the default collate cannot batch items of type ${first === null ? 'null' : typeof first}: pass a collateFn`);
}

/** Batches of a dataset: `for (const [x, y] of new DataLoader(ds, { batchSize: 64, shuffle: true })) ...`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any dataset: the item type comes from its getItem
export class DataLoader<D extends Dataset<any> = Dataset, T = Collated<ItemOf<D>>> implements Iterable<T> {
  readonly batchSize: number | null;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator?: Generator;
  private readonly collateFn?: (items: ItemOf<D>[]) => T;

  constructor(
    readonly dataset: D,
    opts: DataLoaderOptions<ItemOf<D>, T> = {},
  ) {
    if (!dataset || typeof dataset.len !== 'function' || typeof dataset.getItem !== 'function')
      fail('DataLoader', 'expected a dataset: a torch.utils.data.Dataset (or an object with len() and getItem(i))');
    const batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1))
      fail('DataLoader', `batchSize must be a positive integer or null, got ${String(batchSize)}`);
    if (opts.collateFn !== undefined && typeof opts.collateFn !== 'function') fail('DataLoader', 'collateFn must be a function of the list of items');
    this.batchSize = batchSize;
    this.shuffle = !!opts.shuffle;
    this.dropLast = !!opts.dropLast;
    this.generator = opts.generator;
    this.collateFn = opts.collateFn;
  }

  /** The number of batches a pass yields (items, with batchSize null). */
  len(): number {
    const n = this.dataset.len();
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The batches' item indices for one pass (a fresh shuffle each pass). */
  private order(): number[] {
    const n = this.dataset.len();
    return this.shuffle ? permutation(n, generatorOf('DataLoader', { generator: this.generator })) : Array.from({ length: n }, (_, i) => i);
  }

  private batchOf(indices: readonly number[]): unknown {
    if (this.collateFn) return this.collateFn(indices.map((i) => this.dataset.getItem(i)));
    if (hasBatches(this.dataset)) return this.dataset.getBatch(indices);
    return defaultCollate(indices.map((i) => this.dataset.getItem(i)));
  }

  *[Symbol.iterator](): Iterator<T> {
    const order = this.order();
    if (this.batchSize === null) {
      for (const i of order) yield this.dataset.getItem(i) as unknown as T;
      return;
    }
    for (let start = 0; start < order.length; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      if (indices.length < this.batchSize && this.dropLast) return;
      yield this.batchOf(indices) as T;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const batch of this) yield batch;
  }
}
