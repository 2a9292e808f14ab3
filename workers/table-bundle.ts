// Arrays of plain objects (`[{ name: 'a', acc: 0.9 }, …]`) as a table: one row per object,
// columns the union of their keys in the order first seen. Cells are formatted here, so the page
// only lays them out; a column whose values are all numbers is numeric (right-aligned there).
import { inspect } from './inspect';
import type { OutputBundle } from './protocol';

export type TableBundle = Extract<OutputBundle, { type: 'table' }>;

/** Rows sent to the page; the rest are counted ("N more rows"). */
export const TABLE_ROWS = 100;
/** Past this many columns the value is shown as text: a table that wide reads worse than the text. */
export const TABLE_COLUMNS = 50;
const MAX_CELL_CHARS = 200;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A number as a table shows it: integers whole, others to 4 decimals (4 significant digits below 1), exponent form when very large or small. */
export function formatTableNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1e9 || abs < 1e-4) return v.toExponential(3);
  return String(Number(abs < 1 ? v.toPrecision(4) : v.toFixed(4)));
}

function formatCell(value: unknown): string {
  if (typeof value === 'number') return formatTableNumber(value);
  const text = typeof value === 'string' ? value : inspect(value);
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/** The table for `value`, or null when it is not a non-empty array of plain objects with at most TABLE_COLUMNS keys in all. */
export function tableBundle(value: unknown): TableBundle | null {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainObject)) return null;
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of value as Record<string, unknown>[]) {
    for (const key of Object.keys(row)) {
      if (seen.has(key)) continue;
      seen.add(key);
      columns.push(key);
      if (columns.length > TABLE_COLUMNS) return null;
    }
  }
  if (columns.length === 0) return null;
  const shown = (value as Record<string, unknown>[]).slice(0, TABLE_ROWS);
  const numeric = columns.map((c) => shown.some((row) => c in row) && shown.every((row) => !(c in row) || typeof row[c] === 'number'));
  const rows = shown.map((row) => columns.map((c) => (c in row ? formatCell(row[c]) : '')));
  const bundle = { type: 'table' as const, columns, numeric, rows, totalRows: value.length, text: '' };
  bundle.text = tableText(bundle);
  return bundle;
}

/** The table as aligned plain text (what a saved notebook keeps): numeric columns padded on the left. */
export function tableText({ columns, numeric, rows, totalRows }: Omit<TableBundle, 'type' | 'text'>): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].replace(/\n/g, ' ').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const flat = cell.replace(/\n/g, ' ');
        return numeric[i] ? flat.padStart(widths[i]) : flat.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  const lines = [line(columns), ...rows.map(line)];
  const more = totalRows - rows.length;
  if (more > 0) lines.push(`… ${more.toLocaleString('en-US')} more ${more === 1 ? 'row' : 'rows'}`);
  return lines.join('\n');
}
