// Every example notebook shipped in public/examples runs, cell by cell, through a real Kernel on
// the CPU device, and every cell finishes ok with no error output (as Run all in the app would).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { torch } from '../engine';
import { Kernel } from './kernel';
import type { OutputBundle, WorkerToPage } from './protocol';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'public', 'examples');
/** The page the kernel pretends to run in: loadDigits() fetches its file from here. */
const ORIGIN = 'http://wick.test/';

interface IndexEntry {
  id: string;
  title: string;
  description: string;
  file: string;
}

interface IpynbCell {
  id: string;
  cell_type: 'code' | 'markdown';
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}

const index = JSON.parse(readFileSync(join(EXAMPLES, 'index.json'), 'utf8')) as IndexEntry[];
const readNotebook = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
const sourceOf = (cell: IpynbCell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
  // The shipped digits file, served as the app's static server would.
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.origin !== new URL(ORIGIN).origin) return realFetch(input, init);
    try {
      return new Response(readFileSync(join(ROOT, 'public', decodeURIComponent(url.pathname))));
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
});

afterAll(() => {
  vi.unstubAllGlobals();
});

/** A short description of an output, for failure messages. */
function describeOutput(o: OutputBundle): string {
  switch (o.type) {
    case 'text':
      return `${o.stream}: ${o.text}`;
    case 'error':
      return `${o.name} at ${o.line}:${o.column}: ${o.message}`;
    default:
      return o.type;
  }
}

describe('index.json', () => {
  it('lists the examples in order, each with a title, a description and its file', () => {
    expect(index.map((e) => e.file)).toEqual([
      'paradigm-tour.ipynb',
      'eager.ipynb',
      'modules.ipynb',
      'functional.ipynb',
      'functional-transforms.ipynb',
      'compile.ipynb',
      'config-pipeline.ipynb',
      'digits-training.ipynb',
      'cpu-vs-webgpu.ipynb',
      'inside-a-kernel.ipynb',
      'lstm-sequence.ipynb',
      'char-gpt.ipynb',
      'cnn-batchnorm.ipynb',
      'data-and-files.ipynb',
    ]);
    for (const entry of index) {
      expect(entry.id).toBe(entry.file.replace(/\.ipynb$/, ''));
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.description.length).toBeGreaterThan(0);
    }
  });
});

/**
 * Examples that train for minutes on the CPU reference backend (plain loops): CI runs them where
 * users do, in Chromium on WebGPU (e2e/examples.spec.ts), and here only checks their format and links.
 */
const TRAINED_IN_THE_BROWSER_ONLY = new Set(['char-gpt.ipynb', 'cnn-batchnorm.ipynb']);

describe.each(index)('example $file', ({ file }) => {
  const notebook = readNotebook(file);
  const cells = notebook.cells as IpynbCell[];

  it('is an nbformat 4.5 notebook with the Wick kernelspec and empty outputs', () => {
    expect(notebook.nbformat).toBe(4);
    expect(notebook.nbformat_minor).toBe(5);
    expect(notebook.metadata.kernelspec).toEqual({ name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' });
    expect(notebook.metadata.language_info).toMatchObject({ name: 'typescript' });
    const ids = cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const cell of cells) {
      expect(cell.id).toMatch(/^[\w-]{1,64}$/);
      expect(['code', 'markdown']).toContain(cell.cell_type);
      expect(cell.metadata).toEqual({});
      if (cell.cell_type === 'code') {
        expect(cell.outputs).toEqual([]);
        expect(cell.execution_count).toBeNull();
      } else {
        expect(cell).not.toHaveProperty('outputs');
      }
    }
    expect(cells.some((c) => c.cell_type === 'markdown')).toBe(true);
    expect(cells.some((c) => c.cell_type === 'code')).toBe(true);
  });

  it('says what the x axis of every plot is, and links only to examples that exist', () => {
    for (const cell of cells) {
      const source = sourceOf(cell);
      if (cell.cell_type === 'code') {
        // Each plot(...) call, to its closing parenthesis: it names its x axis (and passes x values where x is not the index).
        for (const start of [...source.matchAll(/\bplot\(/g)].map((m) => m.index)) {
          let depth = 0;
          let end = start;
          for (let i = source.indexOf('(', start); i < source.length; i++) {
            depth += source[i] === '(' ? 1 : source[i] === ')' ? -1 : 0;
            if (depth === 0) {
              end = i;
              break;
            }
          }
          expect(source.slice(start, end + 1), `${file}: a plot without xLabel`).toMatch(/\bxLabel:/);
        }
      } else {
        for (const [, target] of source.matchAll(/\]\(\?open=examples\/([^)\s]+)\)/g)) expect(index.map((e) => e.file)).toContain(target);
      }
    }
  });

  it.skipIf(TRAINED_IN_THE_BROWSER_ONLY.has(file))(
    'runs every cell without an error',
    async () => {
      const messages: WorkerToPage[] = [];
      const kernel = new Kernel({ post: (m) => messages.push(m), baseUrl: ORIGIN });
      const started = performance.now();
      let count = 0;
      for (const cell of cells) {
        if (cell.cell_type !== 'code') continue;
        count++;
        const from = messages.length;
        await kernel.run(cell.id, sourceOf(cell), count);
        const own = messages.slice(from).filter((m) => 'cellId' in m && m.cellId === cell.id);
        const finished = own.find((m) => m.type === 'finished');
        const outputs = own.flatMap((m) => (m.type === 'output' ? [m.output] : []));
        const errors = outputs.filter((o) => o.type === 'error').map(describeOutput);
        if (process.env.WICK_EXAMPLES_VERBOSE) console.log(`--- ${file} [${count}] ${cell.id}\n${outputs.map(describeOutput).join('\n')}`);
        expect(errors, `${file}, cell ${cell.id}:\n${sourceOf(cell)}`).toEqual([]);
        expect(finished?.type === 'finished' && finished.ok, `${file}, cell ${cell.id} did not finish ok`).toBe(true);
      }
      console.log(`${file}: ${count} code cells in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    900_000,
  ); // the char GPT and the CNN train for a few hundred steps on the plain-loop CPU backend
});
