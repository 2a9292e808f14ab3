import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { OutputBundle } from '../../workers/protocol';
import type { CellRuntime } from '../store';
import { fromIpynb, toIpynb } from './ipynb';

const schema = JSON.parse(readFileSync(new URL('./nbformat.v4.5.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const tensor: OutputBundle = {
  type: 'tensor',
  shape: [2],
  dtype: 'float32',
  device: 'webgpu',
  text: "tensor([1., 2.], device='webgpu')",
  stats: { count: 2, nonFinite: 0, min: 1, max: 2, mean: 1.5, std: 0.5 },
  histogram: { lo: 1, hi: 2, counts: [1, 1] },
  heatmap: null,
  slices: null,
};

const everyOutput: OutputBundle[] = [
  { type: 'text', stream: 'stdout', text: 'hello\nworld' },
  { type: 'text', stream: 'stderr', text: 'careful' },
  tensor,
  { type: 'plot', displayId: 'plot-1', series: [{ name: 'loss', values: [1, 0.5] }] },
  { type: 'progress', displayId: 'p-1', label: 'epochs', done: 3, total: 3, elapsedMs: 10, state: 'done' },
  {
    type: 'module',
    text: 'Linear(in_features=2, out_features=1, bias=True)',
    tree: { name: '', type: 'Linear', extra: '', parameters: [], count: 3, children: [] },
  },
  { type: 'profile', kernels: [{ name: 'matmul', gpuMs: null, cpuMs: 0.1, flops: 8, bytes: 32 }], text: 'matmul 1', wallMs: 1, hasTimestamps: false },
  { type: 'memory', liveTensors: 1, liveBytes: 8, pooledBytes: 0 },
  { type: 'text', stream: 'result', text: '42' },
  { type: 'error', name: 'TypeError', message: 'bad.nothing is not a function', line: 2 },
];

function run(outputs: OutputBundle[]): CellRuntime {
  return { status: 'done', outputs, executionCount: 3, stats: null };
}

describe('ipynb', () => {
  it('writes nbformat 4.5 that the official schema accepts, with every kind of output', () => {
    const cells = [
      { id: 'md', type: 'markdown' as const, source: '# Title\n\nText' },
      { id: 'code', type: 'code' as const, source: 'const a = 1;\na', metadata: { tags: ['keep'] } },
      { id: 'never-run', type: 'code' as const, source: '' },
    ];
    const notebook = toIpynb(cells, { code: run(everyOutput) }, { authors: [{ name: 'A' }] });
    expect(validate(notebook), JSON.stringify(validate.errors)).toBe(true);
    expect(notebook.metadata).toMatchObject({ authors: [{ name: 'A' }], kernelspec: { name: 'wick' }, language_info: { name: 'typescript' } });
    expect(notebook.cells[1].outputs?.map((o) => o.output_type)).toEqual([
      'stream',
      'stream',
      'display_data',
      'display_data',
      'display_data',
      'display_data',
      'display_data',
      'display_data',
      'execute_result',
      'error',
    ]);
  });

  it('the schema rejects what is not nbformat 4.5 (so the check above means something)', () => {
    const notebook = toIpynb([{ id: 'a', type: 'code', source: 'x' }], {});
    expect(validate({ ...notebook, nbformat_minor: 'five' })).toBe(false);
    expect(validate({ ...notebook, cells: [{ ...notebook.cells[0], id: 'has spaces' }] })).toBe(false);
    expect(validate({ ...notebook, cells: [{ cell_type: 'code', source: [] }] })).toBe(false);
  });

  it('reads back ids, types, sources and metadata, and keeps ids unique', () => {
    const cells = [
      { id: 'one', type: 'markdown' as const, source: 'a\nb\n', metadata: { collapsed: true } },
      { id: 'two', type: 'code' as const, source: 'x', metadata: {} },
    ];
    const opened = fromIpynb(JSON.parse(JSON.stringify(toIpynb(cells, {}, { custom: 1 }))));
    expect(opened.cells).toEqual(cells);
    expect(opened.metadata).toEqual({ custom: 1 });

    const duplicated = fromIpynb({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { id: 'same', cell_type: 'code', source: 'a', metadata: {} },
        { id: 'same', cell_type: 'raw', source: ['b'], metadata: {} },
      ],
    });
    expect(new Set(duplicated.cells.map((c) => c.id)).size).toBe(2);
    expect(duplicated.cells[1]).toMatchObject({ type: 'markdown', source: 'b' });
    expect(() => fromIpynb({ hello: 'world' })).toThrow(/nbformat 4/);
  });

  it.each([
    ['nbformat 3', { nbformat: 3, nbformat_minor: 0, metadata: {}, cells: [] }, /nbformat 4/],
    ['a cell that is not an object', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: ['x'] }, /cell/],
    ['an unknown cell type', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'script', source: 'x', metadata: {} }] }, /cell_type|type/],
    ['a source that is not text', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 42, metadata: {} }] }, /source/],
    ['metadata nested too deep', { nbformat: 4, nbformat_minor: 5, metadata: JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200)), cells: [] }, /deep|nest/],
  ])('refuses %s with a reason', (_name, json, reason) => {
    expect(() => fromIpynb(json)).toThrow(reason);
  });
});
