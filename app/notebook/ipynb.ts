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

export interface OpenedNotebook {
  cells: AuthoredCell[];
  /** The file's notebook metadata other than the kernelspec and language, kept for the next export. */
  metadata: Record<string, unknown>;
}

export const WICK_METADATA = {
  kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' },
  language_info: { name: 'typescript' },
};

/** Jupyter's way of storing text: one string per line, each keeping its newline. */
function toLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}

function displayData(text: string, executionCount: number | null, result: boolean): IpynbOutput {
  const data = { 'text/plain': toLines(text) };
  return result
    ? { output_type: 'execute_result', execution_count: executionCount, data, metadata: {} }
    : { output_type: 'display_data', data, metadata: {} };
}

/** What an output keeps in a file: its text (rich views are redrawn by running the cell). */
function outputToIpynb(output: OutputBundle, executionCount: number | null): IpynbOutput {
  switch (output.type) {
    case 'text':
      return output.stream === 'result'
        ? displayData(output.text, executionCount, true)
        : { output_type: 'stream', name: output.stream, text: toLines(`${output.text}\n`) };
    case 'tensor':
      return displayData(output.text, executionCount, false);
    case 'plot':
      return displayData(output.series.map((s) => `${s.name}: [${s.values.join(', ')}]`).join('\n'), executionCount, false);
    case 'error':
      return { output_type: 'error', ename: output.name, evalue: output.message, traceback: [] };
    case 'progress':
      return displayData(`${output.label ? `${output.label}: ` : ''}${output.done}${output.total === null ? '' : `/${output.total}`}`, executionCount, false);
    case 'module':
    case 'profile':
      return displayData(output.text, executionCount, false);
    case 'graph':
      return displayData(output.graphs.map((g) => g.after.text).join('\n') || output.name, executionCount, false);
    default:
      // Views added later keep at least their text, or their kind.
      return displayData('text' in output && typeof output.text === 'string' ? output.text : `[${output.type}]`, executionCount, false);
  }
}

export function toIpynb(
  cells: AuthoredCell[],
  runtime: Record<string, CellRuntime>,
  metadata: Record<string, unknown> = {},
): Ipynb {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { ...metadata, ...WICK_METADATA },
    cells: cells.map((cell): IpynbCell => {
      const base = { id: cell.id, metadata: cell.metadata ?? {}, source: toLines(cell.source) };
      if (cell.type === 'markdown') return { ...base, cell_type: 'markdown' };
      const run = runtime[cell.id];
      const executionCount = run?.executionCount ?? null;
      const outputs = (run?.outputs ?? []).map((o) => outputToIpynb(o, executionCount));
      return { ...base, cell_type: 'code', execution_count: executionCount, outputs };
    }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The cells of an .ipynb document (outputs are not read: opening runs nothing). */
export function fromIpynb(json: unknown): OpenedNotebook {
  const doc = json as Partial<Ipynb> | null;
  if (!doc || typeof doc !== 'object' || doc.nbformat !== 4 || !Array.isArray(doc.cells)) {
    throw new Error('This file is not a Jupyter notebook in nbformat 4.');
  }
  const seen = new Set<string>();
  const cells = doc.cells.map((cell): AuthoredCell => {
    let id = typeof cell.id === 'string' && /^[\w-]{1,64}$/.test(cell.id) ? cell.id : newCellId();
    if (seen.has(id)) id = newCellId();
    seen.add(id);
    const source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
    const metadata = isRecord(cell.metadata) ? cell.metadata : {};
    return { id, type: cell.cell_type === 'code' ? 'code' : 'markdown', source, metadata };
  });
  const { kernelspec: _kernelspec, language_info: _languageInfo, ...metadata } = isRecord(doc.metadata) ? doc.metadata : {};
  return { cells, metadata };
}
