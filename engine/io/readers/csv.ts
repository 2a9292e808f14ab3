// CSV in and out: `files.readCsv` parses RFC 4180 text (quoted fields with doubled quotes, commas
// and newlines inside quotes, CRLF, a trailing newline) and puts its numeric columns in one
// [rows, numericColumns] tensor; the other columns stay text. `files.writeCsv` writes a tensor
// or a 2-D array back.
import type { Device } from '../../core/dtype';
import { fail } from '../../core/errors';
import { getDefaultDevice } from '../../core/runtime';
import { tensorFromData } from '../../ops/make';
import type { Tensor } from '../../tensor';
import type { FileInfo } from '../file-store';
import { writeFile } from '../notebook-files';
import { readAllBytes, type Source } from '../source';

/** Options of `files.readCsv` and `parseCsv`. */
export interface CsvOptions {
  /** The first row names the columns (default true); without one the columns are named '0', '1', …. */
  header?: boolean;
  /** The cell separator: ',' by default, or ';' or a tab when the first line has no comma. */
  delimiter?: string;
}

/** Options of `files.readCsv`. */
export interface ReadCsvOptions extends CsvOptions {
  /** The dtype of `data` (default 'float32'); 'int32' needs every cell to be a whole number. */
  dtype?: 'float32' | 'int32';
  /** Where `data` goes (default: the default device). */
  device?: Device;
}

/** A CSV file read by `files.readCsv`. */
export interface CsvTable {
  /** The numeric columns' names, in `data`'s column order. */
  columns: string[];
  /** The numeric columns: [rows, columns.length]; an empty cell is NaN. */
  data: Tensor;
  /** One numeric column by name: a [rows] view of `data`. */
  column(name: string): Tensor;
  /** The columns that are not all numbers, as strings, by name. */
  text: Record<string, string[]>;
  /** Rows of data (not counting the header). */
  rows: number;
}

/** What `parseCsv` finds: every column's name, the numeric ones' values (row-major) and the text ones' cells. */
export interface ParsedCsv {
  /** All columns, in the file's order. */
  header: string[];
  /** The numeric columns (every non-empty cell a number), in the file's order. */
  numeric: string[];
  /** Their values, row-major [rows, numeric.length]; empty or NA cells are NaN. */
  values: Float64Array;
  /** The other columns' cells. */
  text: Record<string, string[]>;
  rows: number;
}

/** Splits CSV text into records of cells, each with the line it starts on (1-based). Blank lines are skipped. */
export function splitCsv(op: string, label: string, text: string, delimiter: string): { cells: string[]; line: number }[] {
  const records: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  let touched = false; // the record has a delimiter, a quote or a character: not a blank line
  const endRecord = () => {
    if (touched) records.push({ cells: [...cells, cell], line: start });
    cells = [];
    cell = '';
    touched = false;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
      touched = true;
    } else if (text.startsWith(delimiter, i)) {
      cells.push(cell);
      cell = '';
      touched = true;
      i += delimiter.length - 1;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      cell += c;
      touched = true;
    }
  }
  if (quoted) fail(op, `${label}: the quote opened on line ${quoteLine} is never closed`);
  endRecord();
  return records;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity };
/** Cells that mean a missing value (as pandas reads them): NaN in a numeric column. */
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none']);

/** A cell's number, NaN for a missing value, or undefined when it is not a number. */
function parseNumber(cell: string): number | undefined {
  const s = cell.trim();
  if (NUMBER.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (lower in SPECIAL) return SPECIAL[lower];
  return MISSING.has(lower) ? NaN : undefined;
}

function pickDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r|\n/) >>> 0);
  if (firstLine.includes(',')) return ',';
  if (firstLine.includes('\t')) return '\t';
  if (firstLine.includes(';')) return ';';
  return ',';
}

/** Parses CSV text (the pure half of `files.readCsv`); `label` names the source in errors. */
export function parseCsv(text: string, options: CsvOptions = {}, op = 'files.readCsv', label = 'the CSV'): ParsedCsv {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { header = true } = options;
  const delimiter = options.delimiter ?? pickDelimiter(text);
  if (typeof delimiter !== 'string' || delimiter === '' || /["\r\n]/.test(delimiter))
    fail(op, `delimiter must be a non-empty string without quotes or newlines, got ${JSON.stringify(delimiter)}`);
  const records = splitCsv(op, label, text, delimiter);
  if (records.length === 0) fail(op, `${label} is empty: no header and no rows`);
  const width = records[0].cells.length;
  const names = header ? uniqueNames(records[0].cells.map((c) => c.trim())) : Array.from({ length: width }, (_, i) => String(i));
  const body = header ? records.slice(1) : records;
  for (const r of body)
    if (r.cells.length !== width)
      fail(op, `${label}: line ${r.line} has ${r.cells.length} cells, but ${header ? 'the header' : `the first row (line ${records[0].line})`} has ${width}`);
  const rows = body.length;
  const parsed: (number | undefined)[][] = names.map((_, j) => body.map((r) => parseNumber(r.cells[j])));
  const isNumeric = parsed.map((col) => col.every((v) => v !== undefined));
  const numeric = names.filter((_, j) => isNumeric[j]);
  const values = new Float64Array(rows * numeric.length);
  const text_: Record<string, string[]> = {};
  let k = 0;
  names.forEach((name, j) => {
    if (!isNumeric[j]) {
      text_[name] = body.map((r) => r.cells[j]);
      return;
    }
    for (let i = 0; i < rows; i++) values[i * numeric.length + k] = parsed[j][i] as number;
    k++;
  });
  return { header: names, numeric, values, text: text_, rows };
}

/** Names made unique as pandas does: a repeated 'x' becomes 'x.1', 'x.2', …. */
function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let out = name;
    for (let k = 1; seen.has(out); k++) out = `${name}.${k}`;
    seen.add(out);
    return out;
  });
}

/** Reads a CSV file (or URL, File, Blob, bytes): its numeric columns as one tensor, the rest as text. */
export async function readCsv(source: Source, options: ReadCsvOptions = {}): Promise<CsvTable> {
  const op = 'files.readCsv';
  const { dtype = 'float32', device = getDefaultDevice() } = options;
  if (dtype !== 'float32' && dtype !== 'int32') fail(op, `dtype must be 'float32' or 'int32', got ${JSON.stringify(dtype)}`);
  const { label, bytes } = await readAllBytes(op, source);
  const parsed = parseCsv(new TextDecoder().decode(bytes), options, op, label);
  const width = parsed.numeric.length;
  if (dtype === 'int32')
    parsed.values.forEach((v, i) => {
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
        fail(op, `${label}: column '${parsed.numeric[i % width]}' row ${Math.floor(i / width) + 1} is ${v}, not an int32; use dtype 'float32'`);
    });
  const array = dtype === 'int32' ? Int32Array.from(parsed.values) : Float32Array.from(parsed.values);
  const data = tensorFromData(device, array, [parsed.rows, width], dtype);
  const columns = parsed.numeric;
  return {
    columns,
    data,
    column(name: string): Tensor {
      const j = columns.indexOf(name);
      if (j >= 0) return data.select(1, j);
      if (name in parsed.text) fail('column', `column '${name}' of ${label} is text (not every cell is a number): it is in .text['${name}']`);
      return fail('column', `${label} has no column '${name}'; its columns are ${parsed.header.map((h) => `'${h}'`).join(', ')}`);
    },
    text: parsed.text,
    rows: parsed.rows,
  };
}

/** The shortest decimal that reads back as the same float32. */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

function quoteCell(cell: string, delimiter: string): string {
  return cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Writes a [rows, columns] tensor (or a 1-D one, or nested arrays) as a CSV file, with a header row when `columns` is given. */
export async function writeCsv(
  name: string,
  data: Tensor | readonly (readonly (number | string | boolean)[])[],
  options: { columns?: string[]; delimiter?: string } = {},
): Promise<FileInfo> {
  const op = 'files.writeCsv';
  const { columns, delimiter = ',' } = options;
  let rows: (number | string | boolean)[][];
  let float32 = false;
  if (Array.isArray(data)) rows = data.map((r, i) => (Array.isArray(r) ? r : fail(op, `row ${i} is not an array`)));
  else if (data && typeof (data as Tensor).tolist === 'function') {
    const t = data as Tensor;
    if (t.ndim !== 1 && t.ndim !== 2) fail(op, `can write a 1-D or 2-D tensor, got shape [${t.shape.join(', ')}]`);
    const list = (await t.tolist()) as (number | boolean)[] | (number | boolean)[][];
    rows = t.ndim === 1 ? (list as (number | boolean)[]).map((v) => [v]) : (list as (number | boolean)[][]);
    float32 = t.dtype === 'float32' || t.dtype === 'float16';
  } else return fail(op, `expected a tensor or an array of rows, got ${data === null ? 'null' : typeof data}`);
  const width = columns?.length ?? rows[0]?.length ?? 0;
  rows.forEach((r, i) => {
    if (r.length !== width) fail(op, `row ${i} has ${r.length} values, but ${columns ? `there are ${width} column names` : `row 0 has ${width}`}`);
  });
  const cell = (v: number | string | boolean) => quoteCell(typeof v === 'number' && float32 ? formatFloat32(v) : String(v), delimiter);
  const lines = [...(columns ? [columns.map((c) => quoteCell(c, delimiter)).join(delimiter)] : []), ...rows.map((r) => r.map(cell).join(delimiter))];
  return writeFile(op, name, lines.map((l) => l + '\n').join(''));
}
