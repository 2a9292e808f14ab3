// Reading and writing notebooks as .ipynb (nbformat 4.5), with Wick's kernelspec (API.md §3).
import type { OutputBundle } from '../../workers/protocol';
import { newCellId } from '../store/cell-id';
import type { AuthoredCell, CellRuntime } from '../store';

type MultilineString = string | string[];

interface IpynbOutput {
  output_type: 'stream' | 'execute_result' | 'display_data' | 'error';
  [key: string]: unknown;
}

interface IpynbCell {
  id?: string;
  cell_type: 'code' | 'markdown' | 'raw';
  metadata: Record<string, unknown>;
  source: MultilineString;
  outputs?: IpynbOutput[];
  execution_count?: number | null;
}

export interface Ipynb {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: IpynbCell[];
}

export const WICK_METADATA = {
  kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' },
  language_info: { name: 'typescript' },
};

/** Jupyter's way of storing text: one string per line, each keeping its newline. */
function toLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}

function outputToIpynb(output: OutputBundle, executionCount: number | null): IpynbOutput {
  switch (output.type) {
    case 'text':
      return output.stream === 'result'
        ? { output_type: 'execute_result', execution_count: executionCount, data: { 'text/plain': toLines(output.text) }, metadata: {} }
        : { output_type: 'stream', name: output.stream, text: toLines(`${output.text}\n`) };
    case 'tensor':
      return { output_type: 'display_data', data: { 'text/plain': toLines(output.text) }, metadata: {} };
    case 'error':
      return { output_type: 'error', ename: output.name, evalue: output.message, traceback: [] };
  }
}

export function toIpynb(cells: AuthoredCell[], runtime: Record<string, CellRuntime>): Ipynb {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: WICK_METADATA,
    cells: cells.map((cell): IpynbCell => {
      const base = { id: cell.id, metadata: {}, source: toLines(cell.source) };
      if (cell.type === 'markdown') return { ...base, cell_type: 'markdown' };
      const run = runtime[cell.id];
      const executionCount = run?.executionCount ?? null;
      const outputs = (run?.outputs ?? []).map((o) => outputToIpynb(o, executionCount));
      return { ...base, cell_type: 'code', execution_count: executionCount, outputs };
    }),
  };
}

/** The cells of an .ipynb document (outputs are not read: opening runs nothing). */
export function fromIpynb(json: unknown): AuthoredCell[] {
  const doc = json as Partial<Ipynb> | null;
  if (!doc || typeof doc !== 'object' || doc.nbformat !== 4 || !Array.isArray(doc.cells)) {
    throw new Error('This file is not a Jupyter notebook in nbformat 4.');
  }
  return doc.cells.map((cell) => ({
    id: typeof cell.id === 'string' && /^[\w-]{1,64}$/.test(cell.id) ? cell.id : newCellId(),
    type: cell.cell_type === 'code' ? 'code' : 'markdown',
    source: Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? ''),
  }));
}
