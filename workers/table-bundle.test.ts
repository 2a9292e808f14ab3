import { describe, expect, it } from 'vitest';
import { displayBundle, resultBundle } from './output-bundles';
import { formatTableNumber, TABLE_COLUMNS, TABLE_ROWS, tableBundle } from './table-bundle';

describe('tableBundle', () => {
  it('takes the union of the keys, in the order first seen, and marks all-number columns numeric', () => {
    const table = tableBundle([
      { name: 'a', acc: 0.9 },
      { name: 'b', loss: 2, acc: 0.87654321 },
    ]);
    expect(table).toMatchObject({
      type: 'table',
      columns: ['name', 'acc', 'loss'],
      numeric: [false, true, true],
      rows: [
        ['a', '0.9', ''],
        ['b', '0.8765', '2'],
      ],
      totalRows: 2,
    });
    expect(table!.text).toBe(['name     acc  loss', 'a        0.9', 'b     0.8765     2'].join('\n'));
  });

  it('keeps at most TABLE_ROWS rows and counts the rest', () => {
    const table = tableBundle(Array.from({ length: TABLE_ROWS + 5 }, (_, i) => ({ i })))!;
    expect(table.rows).toHaveLength(TABLE_ROWS);
    expect(table.totalRows).toBe(TABLE_ROWS + 5);
    expect(table.text.split('\n').at(-1)).toBe('… 5 more rows');
  });

  it('shows strings as they are and other values inspected; a mixed column is not numeric', () => {
    const table = tableBundle([{ v: 'text', w: [1, 2] }, { v: 3, w: null }, { v: true }])!;
    expect(table.numeric).toEqual([false, false]);
    expect(table.rows).toEqual([
      ['text', '[1, 2]'],
      ['3', 'null'],
      ['true', ''],
    ]);
  });

  it("shows dates (files.list()'s modified) as local date and time", () => {
    const when = new Date(2026, 11, 8, 9, 5, 3);
    expect(tableBundle([{ name: 'a.csv', modified: when }])!.rows).toEqual([['a.csv', '2026-12-08 09:05:03']]);
  });

  it('is not made for anything but a non-empty array of plain objects with few enough keys', () => {
    expect(tableBundle([])).toBeNull();
    expect(tableBundle([1, 2])).toBeNull();
    expect(tableBundle([{ a: 1 }, 2])).toBeNull();
    expect(tableBundle([{ a: 1 }, [1]])).toBeNull();
    expect(tableBundle([new Date(0)])).toBeNull();
    expect(tableBundle([{}, {}])).toBeNull();
    expect(tableBundle({ a: 1 })).toBeNull();
    expect(tableBundle([Object.fromEntries(Array.from({ length: TABLE_COLUMNS + 1 }, (_, i) => [`k${i}`, i]))])).toBeNull();
    expect(tableBundle([Object.fromEntries(Array.from({ length: TABLE_COLUMNS }, (_, i) => [`k${i}`, i]))])).not.toBeNull();
  });
});

describe('formatTableNumber', () => {
  it.each([
    [0, '0'],
    [42, '42'],
    [-7, '-7'],
    [2024, '2024'],
    [3.14159265, '3.1416'],
    [123.456789, '123.4568'],
    [0.912345, '0.9123'],
    [0.00123456, '0.001235'],
    [0.00001234, '1.234e-5'],
    [1.5e12, '1500000000000'],
    [1.5e20, '1.500e+20'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%d as %s', (value, text) => {
    expect(formatTableNumber(value)).toBe(text);
  });
});

describe('cell values', () => {
  it('an array of objects is a table as a result and through display()', async () => {
    const rows = [{ name: 'a', acc: 0.9 }];
    expect((await resultBundle(rows)).type).toBe('table');
    expect((await displayBundle(rows)).type).toBe('table');
  });

  it('a string is its text, not a quoted literal, with its lines', async () => {
    expect(await resultBundle('line one\nline "two"')).toEqual({ type: 'text', stream: 'result', text: 'line one\nline "two"' });
    expect(await displayBundle('hi')).toEqual({ type: 'text', stream: 'result', text: 'hi' });
  });
});
