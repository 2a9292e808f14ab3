/**
 * torch.utils.data's datasets: a Dataset is anything with `len()` and `getItem(i)`; TensorDataset
 * rows of tensors that share their first dim; Subset a dataset seen through a list of indices;
 * randomSplit a dataset cut into random subsets. Datasets that can (TensorDataset, and Subsets of
 * it) also give a whole batch at once (`getBatch`), as one gather per tensor on its device.
 */
import { fail, fmtShape } from '../../core/errors';
import { generatorOf } from '../../ops/creation';
import type { Generator } from '../../core/generator';
import { tensorFromData } from '../../ops/make';
import { indexSelect } from '../../ops/indexing';
import { slice } from '../../ops/views';
import { Tensor } from '../../tensor';

/** The base class of datasets: subclass it with `len()` and `getItem(i)`, as PyTorch's `__len__` and `__getitem__`. */
export class Dataset<T = unknown> {
  /** The number of items. */
  len(): number {
    return fail(this.constructor.name, 'len() is not implemented: define len() in your Dataset subclass');
  }
  /** The item at index `i` (0 <= i < len()). */
  getItem(_i: number): T {
    return fail(this.constructor.name, 'getItem(i) is not implemented: define getItem(i) in your Dataset subclass');
  }
}

/** A dataset that also hands out whole batches (one gather per tensor, not one op per item). */
export interface BatchedDataset {
  getBatch(indices: readonly number[]): Tensor[];
}

export function hasBatches(ds: unknown): ds is BatchedDataset {
  return typeof (ds as Partial<BatchedDataset>).getBatch === 'function';
}

/** Whether `indices` run start, start + 1, ...: the batch is then a view, with no kernel. */
function consecutive(indices: readonly number[]): boolean {
  return indices.every((v, k) => v === indices[0] + k);
}

/** Rows of tensors that share their first dim: item i is [t0[i], t1[i], ...]. */
export class TensorDataset extends Dataset<Tensor[]> implements BatchedDataset {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) fail('TensorDataset', 'expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) fail('TensorDataset', `argument ${i} is not a tensor`);
      if (t.ndim === 0) fail('TensorDataset', `tensor ${i} is 0-d: each tensor needs a first dim of items`);
      if (t.shape[0] !== tensors[0].shape[0])
        fail(
          'TensorDataset',
          `size mismatch between tensors: tensor 0 has ${tensors[0].shape[0]} items (shape ${fmtShape(tensors[0].shape)}), tensor ${i} has ${t.shape[0]} (shape ${fmtShape(t.shape)})`,
        );
    });
    this.tensors = tensors;
  }
  override len(): number {
    return this.tensors[0].shape[0];
  }
  override getItem(i: number): Tensor[] {
    const n = this.len();
    if (!Number.isInteger(i) || i < -n || i >= n) fail('TensorDataset', `index ${i} is out of range for ${n} items`);
    return this.tensors.map((t) => t.select(0, i));
  }
  /** The rows at `indices`, one tensor per tensor of the dataset: a view for consecutive indices, else one gather each. */
  getBatch(indices: readonly number[]): Tensor[] {
    const n = this.len();
    for (const i of indices) if (!Number.isInteger(i) || i < 0 || i >= n) fail('TensorDataset', `index ${i} is out of range for ${n} items`);
    if (indices.length > 0 && consecutive(indices)) return this.tensors.map((t) => slice(t, 0, indices[0], indices.length));
    const byDevice = new Map<string, Tensor>();
    const index = (t: Tensor) =>
      byDevice.get(t.device) ?? byDevice.set(t.device, tensorFromData(t.device, Int32Array.from(indices), [indices.length], 'int32')).get(t.device)!;
    return this.tensors.map((t) => indexSelect(t, 0, index(t), 'DataLoader'));
  }
}

/** A dataset seen through `indices`: item k is dataset.getItem(indices[k]). */
export class Subset<T = unknown> extends Dataset<T> {
  readonly indices: number[];
  constructor(
    readonly dataset: Dataset<T>,
    indices: readonly number[] | Tensor,
  ) {
    super();
    if (!(dataset instanceof Dataset) && typeof (dataset as Partial<Dataset>)?.getItem !== 'function')
      fail('Subset', 'expected a dataset (with len() and getItem(i))');
    const list = indices instanceof Tensor ? Array.from(indices.cpuValues(), Number) : [...indices];
    const n = dataset.len();
    for (const i of list) if (!Number.isInteger(i) || i < 0 || i >= n) fail('Subset', `index ${i} is out of range for a dataset of ${n} items`);
    this.indices = list;
  }
  override len(): number {
    return this.indices.length;
  }
  override getItem(i: number): T {
    if (!Number.isInteger(i) || i < 0 || i >= this.indices.length) fail('Subset', `index ${i} is out of range for ${this.indices.length} items`);
    return this.dataset.getItem(this.indices[i]);
  }
  /** Whole batches, where the dataset underneath gives them. */
  getBatch(indices: readonly number[]): Tensor[] {
    if (!hasBatches(this.dataset)) fail('Subset', 'the dataset underneath has no batches');
    return this.dataset.getBatch(indices.map((i) => this.indices[i]));
  }
}

/** A random permutation of 0..n-1 drawn from `generator` (Fisher–Yates). */
export function permutation(n: number, generator: Generator): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const u = generator.fillUniform(n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i] * (i + 1)));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * torch.utils.data.randomSplit(dataset, lengths, { generator }): non-overlapping random Subsets
 * of the given lengths (counts summing to len(), or fractions summing to 1, as PyTorch).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], opts: { generator?: Generator } = {}): Subset<T>[] {
  const n = dataset.len();
  let counts = [...lengths];
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.some((v) => v < 0)) fail('randomSplit', `lengths must not be negative, got [${lengths.join(', ')}]`);
  if (counts.every((v) => v <= 1) && Math.abs(total - 1) < 1e-6 && counts.some((v) => !Number.isInteger(v))) {
    counts = counts.map((f) => Math.floor(n * f));
    for (let k = 0, left = n - counts.reduce((a, b) => a + b, 0); left > 0; k = (k + 1) % counts.length, left--) counts[k]++;
  } else if (counts.some((v) => !Number.isInteger(v)) || total !== n)
    fail('randomSplit', `the lengths [${lengths.join(', ')}] must be counts summing to the dataset's ${n} items, or fractions summing to 1`);
  const order = permutation(n, generatorOf('randomSplit', opts));
  let start = 0;
  return counts.map((c) => {
    const part = new Subset(dataset, order.slice(start, start + c));
    start += c;
    return part;
  });
}
