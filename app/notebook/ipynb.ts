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
  return result ? { output_type: 'execute_result', execution_count: executionCount, data, metadata: {} } : { output_type: 'display_data', data, metadata: {} };
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
    case 'table':
      return displayData(output.text, executionCount, false);
    case 'graph':
      return displayData(output.graphs.map((g) => g.after.text).join('\n') || output.name, executionCount, false);
    default:
      // Views added later keep at least their text, or their kind.
      return displayData('text' in output && typeof output.text === 'string' ? output.text : `[${output.type}]`, executionCount, false);
  }
}

export function toIpynb(cells: AuthoredCell[], runtime: Record<string, CellRuntime>, metadata: Record<string, unknown> = {}): Ipynb {
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

/** Limits on what a notebook may hold: past them a file or link is refused, not half-opened. */
export const NOTEBOOK_LIMITS = {
  cells: 5_000,
  /** Characters of cell source, all cells together. */
  sourceChars: 20_000_000,
  /** Nesting of metadata (JSON this deep can't be saved, exported or shared: the stack runs out). */
  depth: 64,
  /** Values in all metadata together. */
  metadataValues: 100_000,
};

/** Throws when `value` nests deeper than the limit, or when the metadata seen so far holds too many values. */
function checkStructure(value: unknown, where: string, budget: { values: number }): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (--budget.values < 0) throw new Error(`its metadata holds more than ${NOTEBOOK_LIMITS.metadataValues.toLocaleString('en-US')} values`);
    if (item === null || typeof item !== 'object') continue;
    if (depth > NOTEBOOK_LIMITS.depth) throw new Error(`${where} nests deeper than ${NOTEBOOK_LIMITS.depth} levels`);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value);
  return typeof value === 'object' ? 'an object' : String(value);
}

/**
 * The cells of an .ipynb document (outputs are not read: opening runs nothing). Throws with the
 * reason when the document is not an nbformat 4 notebook this app can hold: wrong types where the
 * format names them, or past NOTEBOOK_LIMITS.
 */
export function fromIpynb(json: unknown): OpenedNotebook {
  const doc = json as Partial<Ipynb> | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray(doc.cells) || typeof doc.nbformat !== 'number') {
    throw new Error('it is not a Jupyter notebook in nbformat 4');
  }
  if (doc.nbformat !== 4) throw new Error(`it is in nbformat ${describeValue(doc.nbformat)}; only nbformat 4 opens here`);
  if (doc.metadata !== undefined && !isRecord(doc.metadata)) throw new Error(`its metadata is ${describeValue(doc.metadata)}, not an object`);
  if (doc.cells.length > NOTEBOOK_LIMITS.cells) {
    throw new Error(`it has ${doc.cells.length.toLocaleString('en-US')} cells; at most ${NOTEBOOK_LIMITS.cells.toLocaleString('en-US')} open here`);
  }
  const budget = { values: NOTEBOOK_LIMITS.metadataValues };
  if (doc.metadata) checkStructure(doc.metadata, 'its metadata', budget);
  let sourceChars = 0;
  const seen = new Set<string>();
  const cells = doc.cells.map((cell: unknown, index): AuthoredCell => {
    const where = `cell ${index + 1}`;
    if (!isRecord(cell)) throw new Error(`its ${where} is ${describeValue(cell)}, not a cell`);
    if (cell.cell_type !== 'code' && cell.cell_type !== 'markdown' && cell.cell_type !== 'raw') {
      throw new Error(`its ${where} has cell_type ${describeValue(cell.cell_type)} (code, markdown or raw expected)`);
    }
    const rawSource = cell.source ?? '';
    if (typeof rawSource !== 'string' && !(Array.isArray(rawSource) && rawSource.every((line) => typeof line === 'string'))) {
      throw new Error(`its ${where} has a source that is ${describeValue(rawSource)}, not text`);
    }
    if (cell.metadata !== undefined && !isRecord(cell.metadata))
      throw new Error(`its ${where} has metadata that is ${describeValue(cell.metadata)}, not an object`);
    if (cell.metadata) checkStructure(cell.metadata, `the metadata of its ${where}`, budget);
    const source = typeof rawSource === 'string' ? rawSource : rawSource.join('');
    sourceChars += source.length;
    if (sourceChars > NOTEBOOK_LIMITS.sourceChars)
      throw new Error(`its cells hold more than ${NOTEBOOK_LIMITS.sourceChars.toLocaleString('en-US')} characters of source`);
    let id = typeof cell.id === 'string' && /^[\w-]{1,64}$/.test(cell.id) ? cell.id : newCellId();
    if (seen.has(id)) id = newCellId();
    seen.add(id);
    const metadata = isRecord(cell.metadata) ? cell.metadata : {};
    return { id, type: cell.cell_type === 'code' ? 'code' : 'markdown', source, metadata };
  });
  const { kernelspec: _kernelspec, language_info: _languageInfo, ...metadata } = isRecord(doc.metadata) ? doc.metadata : {};
  return { cells, metadata };
}
