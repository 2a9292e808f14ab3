// CSV in and out: `files.readCsv` parses RFC 4180 text (quoted fields with doubled quotes, commas
// and newlines inside quotes, CRLF, a trailing newline) and puts its numeric columns in one
// [rows, numericColumns] tensor; the other columns stay text. `files.writeCsv` writes a tensor
// or a 2-D array back.
import type { Device } from '../../core/dtype';
import { fail } from '../../core/errors';
import { getDefaultDevice } from '../../core/runtime';
import { tensorFromData } from '../../ops/make';
import type { Tensor } from '../../tensor';
import { writeFile, type NotebookFile } from '../notebook-files';
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
  values: Float64Array | Float32Array | Int32Array;
  /** The other columns' cells. */
  text: Record<string, string[]>;
  rows: number;
}

/**
 * Calls `onRecord(cells, line)` for each record of CSV text (`line`: where it starts, 1-based;
 * `cells` is reused: copy it to keep it). Blank lines are skipped. Unquoted cells are slices of the
 * text; nothing but the current record is held, so a big file costs its text and its values only.
 */
export function forEachCsvRecord(op: string, label: string, text: string, delimiter: string, onRecord: (cells: string[], line: number) => void): void {
  const cells: string[] = [];
  const n = text.length;
  const d0 = delimiter.charCodeAt(0);
  const single = delimiter.length === 1;
  const LF = 10;
  const CR = 13;
  const QUOTE = 34;
  /** The end of an unquoted run: the next line end or delimiter. */
  const runEnd = (from: number): number => {
    let j = from;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === LF || c === CR || (c === d0 && (single || text.startsWith(delimiter, j)))) break;
    }
    return j;
  };
  let line = 1;
  let i = 0;
  while (i < n) {
    const start = line;
    cells.length = 0;
    let touched = false; // a delimiter, a quote or a character: not a blank line
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === QUOTE) {
        touched = true;
        const quoteLine = line;
        let j = i + 1;
        cell = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) fail(op, `${label}: the quote opened on line ${quoteLine} is never closed`);
          for (let k = text.indexOf('\n', j); k >= 0 && k < q; k = text.indexOf('\n', k + 1)) line++;
          cell += text.slice(j, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            cell += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Characters after the closing quote (lenient, as pandas): kept.
        const end = runEnd(i);
        cell += text.slice(i, end);
        i = end;
      } else {
        const end = runEnd(i);
        cell = text.slice(i, end);
        if (end > i) touched = true;
        i = end;
      }
      cells.push(cell);
      if (i < n && text.charCodeAt(i) === d0 && (single || text.startsWith(delimiter, i))) {
        touched = true;
        i += delimiter.length;
        continue;
      }
      break;
    }
    // At a line end or the end of the text.
    if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) i += 2;
    else if (i < n) i++;
    if (touched) onRecord(cells, start);
    line++;
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity };
/** Cells that mean a missing value (as pandas reads them): NaN in a numeric column. */
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none']);

/** A cell's number, NaN for a missing value, or undefined when it is not a number. */
function parseNumber(cell: string): number | undefined {
  // The common case, fast: only digits (a plain integer).
  let plain = cell.length > 0 && cell.length < 10;
  for (let k = 0; plain && k < cell.length; k++) {
    const c = cell.charCodeAt(k);
    plain = c >= 48 && c <= 57;
  }
  if (plain) return Number(cell);
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

/** The array type `parseCsv` fills: float64 (exact, the default), float32 or int32 (whole numbers only). */
export type CsvValuesType = 'float64' | 'float32' | 'int32';

/**
 * Parses CSV text (the pure half of `files.readCsv`). One pass reads every cell as a number (a
 * column is numeric when all of its cells are); a second pass, only where some column is not,
 * collects the text columns' cells. `label` names the source in errors.
 */
export function parseCsv(text: string, options: CsvOptions & { values?: CsvValuesType } = {}, op = 'files.readCsv', label = 'the CSV'): ParsedCsv {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { header = true, values: valuesType = 'float64' } = options;
  const delimiter = options.delimiter ?? pickDelimiter(text);
  if (typeof delimiter !== 'string' || delimiter === '' || /["\r\n]/.test(delimiter))
    fail(op, `delimiter must be a non-empty string without quotes or newlines, got ${JSON.stringify(delimiter)}`);
  let names: string[] | undefined;
  let firstLine = 0;
  let isNumeric: boolean[] = [];
  /** Per column, the first cell that is a number but not an int32 (reported if the column stays numeric). */
  const badInt: ({ row: number; cell: string } | undefined)[] = [];
  let rows = 0;
  let width = 0;
  // Every column's numbers, row-major, grown as rows come (float32 holds what float32 needs).
  let all: Float32Array | Float64Array = new Float64Array(0);
  const grow = (need: number) => {
    const next = new (valuesType === 'float32' ? Float32Array : Float64Array)(Math.max(need, Math.ceil(all.length * 1.5)));
    next.set(all);
    all = next;
  };
  forEachCsvRecord(op, label, text, delimiter, (cells, line) => {
    if (!names) {
      firstLine = line;
      width = cells.length;
      names = header ? uniqueNames(cells.map((c) => c.trim())) : cells.map((_, j) => String(j));
      isNumeric = cells.map(() => true);
      if (header) return;
    }
    if (cells.length !== width)
      fail(op, `${label}: line ${line} has ${cells.length} cells, but ${header ? 'the header' : `the first row (line ${firstLine})`} has ${width}`);
    if (rows === 0) {
      // A first guess of the row count, from the first row's length (a cell takes 2 characters at least).
      const rowChars = cells.reduce((a, c) => a + c.length + 1, 0);
      grow(Math.min(width * Math.ceil((text.length / rowChars) * 1.05), Math.ceil(text.length / 2) + width));
    }
    if ((rows + 1) * width > all.length) grow((rows + 1) * width);
    const at = rows * width;
    for (let j = 0; j < width; j++) {
      if (!isNumeric[j]) continue;
      const v = parseNumber(cells[j]);
      if (v === undefined) isNumeric[j] = false;
      else {
        all[at + j] = v;
        if (valuesType === 'int32' && !badInt[j] && !(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) badInt[j] = { row: rows, cell: cells[j] };
      }
    }
    rows++;
  });
  if (!names) return fail(op, `${label} is empty: no header and no rows`);
  const header_ = names;
  const numeric = header_.filter((_, j) => isNumeric[j]);
  for (let j = 0; j < width; j++) {
    const bad = badInt[j];
    if (isNumeric[j] && bad)
      fail(op, `${label}: column '${header_[j]}' row ${bad.row + 1} is ${bad.cell.trim() || 'empty'}, not an int32; use dtype 'float32'`);
  }
  const k = numeric.length;
  let values: Float64Array | Float32Array | Int32Array;
  if (valuesType === 'int32') values = new Int32Array(rows * k);
  else if (k === width) values = all.length === rows * width ? all : all.slice(0, rows * width);
  else values = new (valuesType === 'float32' ? Float32Array : Float64Array)(rows * k);
  if (values !== all && (k < width || valuesType === 'int32')) {
    const columns = isNumeric.flatMap((yes, j) => (yes ? [j] : []));
    for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) values[r * k + c] = all[r * width + columns[c]];
  }
  all = new Float64Array(0);
  const textColumns: Record<string, string[]> = {};
  if (k < width) {
    for (let j = 0; j < width; j++) if (!isNumeric[j]) textColumns[header_[j]] = [];
    let skip = header;
    forEachCsvRecord(op, label, text, delimiter, (cells) => {
      if (skip) skip = false;
      else for (let j = 0; j < width; j++) if (!isNumeric[j]) textColumns[header_[j]].push(cells[j]);
    });
  }
  return { header: header_, numeric, values, text: textColumns, rows };
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
  const parsed = parseCsv(new TextDecoder().decode(bytes), { ...options, values: dtype }, op, label);
  const data = tensorFromData(device, parsed.values as Float32Array | Int32Array, [parsed.rows, parsed.numeric.length], dtype);
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
): Promise<NotebookFile> {
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
