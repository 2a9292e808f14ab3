import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../core/dtype';
import { torch } from '../../index';
import { expectClose, type Nested } from '../../testing/nested-close';
import { testDevices } from '../../testing/devices';
import { MemoryFileStore, setFileStore } from '../file-store';
import { files } from '../notebook-files';
import { formatFloat32, parseCsv, type CsvOptions } from './csv';

const PARSE_CASES: { name: string; text: string; options?: CsvOptions; numeric: string[]; values: number[]; text_?: Record<string, string[]>; rows: number }[] =
  [
    { name: 'a header and numbers', text: 'a,b\n1,2\n3,4.5\n', numeric: ['a', 'b'], values: [1, 2, 3, 4.5], rows: 2 },
    { name: 'no trailing newline', text: 'a,b\n1,2\n3,4', numeric: ['a', 'b'], values: [1, 2, 3, 4], rows: 2 },
    { name: 'CRLF line ends', text: 'a,b\r\n1,2\r\n3,4\r\n', numeric: ['a', 'b'], values: [1, 2, 3, 4], rows: 2 },
    { name: 'blank lines are skipped', text: 'a\n\n1\n\n2\n\n', numeric: ['a'], values: [1, 2], rows: 2 },
    { name: 'a UTF-8 BOM', text: '\ufeffx\n1\n', numeric: ['x'], values: [1], rows: 1 },
    {
      name: 'quoted fields: commas, doubled quotes and newlines inside',
      text: 'id,"name, full",note\n1,"Smith, J","said ""hi"""\n2,"two\nlines",plain\n',
      numeric: ['id'],
      values: [1, 2],
      text_: { 'name, full': ['Smith, J', 'two\nlines'], note: ['said "hi"', 'plain'] },
      rows: 2,
    },
    { name: 'a quoted number is a number', text: 'a\n"1.5"\n"-2e3"\n', numeric: ['a'], values: [1.5, -2000], rows: 2 },
    {
      name: 'empty and NA cells are NaN; text columns stay text',
      text: 'x,y,label\n1,,cat\n,2,dog\nnan,NA,\n',
      numeric: ['x', 'y'],
      values: [1, NaN, NaN, 2, NaN, NaN],
      text_: { label: ['cat', 'dog', ''] },
      rows: 3,
    },
    {
      name: 'inf, signs, spaces and exponents',
      text: 'v\n -inf\n+3\n.5\n1E-2 \nInfinity\n',
      numeric: ['v'],
      values: [-Infinity, 3, 0.5, 0.01, Infinity],
      rows: 5,
    },
    { name: 'one non-number makes a column text', text: 'v,w\n1,1\n2,0x10\n', numeric: ['v'], values: [1, 2], text_: { w: ['1', '0x10'] }, rows: 2 },
    { name: 'header: false names columns 0, 1, …', text: '1,2\n3,4\n', options: { header: false }, numeric: ['0', '1'], values: [1, 2, 3, 4], rows: 2 },
    { name: "';' found when the header has no comma", text: 'a;b\n1,5;2\n', numeric: ['b'], values: [2], text_: { a: ['1,5'] }, rows: 1 },
    { name: 'a tab found when the header has no comma', text: 'a\tb\n1\t2\n', numeric: ['a', 'b'], values: [1, 2], rows: 1 },
    { name: 'an explicit delimiter', text: 'a|b\n1|2\n', options: { delimiter: '|' }, numeric: ['a', 'b'], values: [1, 2], rows: 1 },
    { name: 'repeated names become x.1 (as pandas)', text: 'x,x,x\n1,2,3\n', numeric: ['x', 'x.1', 'x.2'], values: [1, 2, 3], rows: 1 },
    { name: 'a multi-character delimiter', text: 'a::b\n1::2\n', options: { delimiter: '::' }, numeric: ['a', 'b'], values: [1, 2], rows: 1 },
    { name: 'text after a closing quote is kept', text: 'a,b\n"x"y,1\n', numeric: ['b'], values: [1], text_: { a: ['xy'] }, rows: 1 },
    {
      name: 'header: false with a text column',
      text: 'x,1\ny,2\n',
      options: { header: false },
      numeric: ['1'],
      values: [1, 2],
      text_: { '0': ['x', 'y'] },
      rows: 2,
    },
    { name: 'a header only', text: 'a,b\n', numeric: ['a', 'b'], values: [], rows: 0 },
  ];

const ERROR_CASES: { name: string; text: string; options?: CsvOptions; message: RegExp }[] = [
  { name: 'a ragged row', text: 'a,b,c\n1,2,3\n4,5\n', message: /files\.readCsv: the CSV: line 3 has 2 cells, but the header has 3/ },
  { name: 'a ragged row after a quoted newline', text: 'a,b\n"x\ny",1\n1,2,3\n', message: /line 4 has 3 cells, but the header has 2/ },
  { name: 'a ragged row without a header', text: '1,2\n3\n', options: { header: false }, message: /line 2 has 1 cells, but the first row \(line 1\) has 2/ },
  { name: 'an unclosed quote', text: 'a\n1\n"oops\n2\n', message: /the quote opened on line 3 is never closed/ },
  { name: 'empty text', text: '\n\n', message: /is empty: no header and no rows/ },
  { name: 'a bad delimiter', text: 'a\n', options: { delimiter: '"' }, message: /delimiter must be a non-empty string without quotes or newlines/ },
];

describe('parseCsv', () => {
  it.each(PARSE_CASES)('$name', ({ text, options, numeric, values, text_, rows }) => {
    const parsed = parseCsv(text, options);
    expect(parsed.numeric).toEqual(numeric);
    expect(Array.from(parsed.values)).toEqual(values);
    expect(parsed.text).toEqual(text_ ?? {});
    expect(parsed.rows).toBe(rows);
  });

  it.each(ERROR_CASES)('refuses $name', ({ text, options, message }) => {
    expect(() => parseCsv(text, options)).toThrow(message);
  });
});

describe('files.readCsv', () => {
  let devices: Device[] = [];
  beforeAll(async () => {
    await torch.init();
    devices = await testDevices();
  });

  it('puts the numeric columns in one tensor on every device, and gives columns by name', async () => {
    setFileStore(new MemoryFileStore());
    await files.write('iris.csv', 'sepal,species,petal\r\n5.1,setosa,1.4\r\n4.9,"setosa",\r\n');
    for (const device of devices) {
      const table = await files.readCsv('iris.csv', { device });
      expect([table.columns, table.rows, table.data.shape, table.data.dtype, table.data.device]).toEqual([['sepal', 'petal'], 2, [2, 2], 'float32', device]);
      expectClose(await table.data.tolist(), [
        [5.1, 1.4],
        [4.9, NaN],
      ] as Nested);
      expectClose(await table.column('petal').tolist(), [1.4, NaN]);
      expect(table.text).toEqual({ species: ['setosa', 'setosa'] });
      expect(() => table.column('species')).toThrow(/column 'species' of 'iris\.csv' is text.*\.text\['species'\]/);
      expect(() => table.column('nope')).toThrow(/'iris\.csv' has no column 'nope'; its columns are 'sepal', 'species', 'petal'/);
    }
  });

  it("reads int32 when asked, and refuses cells that aren't whole numbers", async () => {
    const table = await files.readCsv(new TextEncoder().encode('a,b\n1,-2\n3,4\n'), { dtype: 'int32' });
    expect([table.data.dtype, await table.data.tolist()]).toEqual([
      'int32',
      [
        [1, -2],
        [3, 4],
      ],
    ]);
    await expect(files.readCsv(new TextEncoder().encode('a,b\n1,2\n3,4.5\n'), { dtype: 'int32' })).rejects.toThrow(
      /files\.readCsv: the Uint8Array: column 'b' row 2 is 4\.5, not an int32; use dtype 'float32'/,
    );
    await expect(files.readCsv(new Blob(['a\n\n1\n,\n']), { dtype: 'int32' })).rejects.toThrow(/the Blob: line 4 has 2 cells/);
    // A column with a fraction that turns out to be text is no error; the int32 columns are copied out.
    const mixed = await files.readCsv(new TextEncoder().encode('a,t,b\n1,2.5,3\n4,x,6\n'), { dtype: 'int32' });
    expect([mixed.columns, await mixed.data.tolist(), mixed.text]).toEqual([
      ['a', 'b'],
      [
        [1, 3],
        [4, 6],
      ],
      { t: ['2.5', 'x'] },
    ]);
    await expect(files.readCsv(new TextEncoder().encode('a\n1\n\n'), { dtype: 'int32' })).resolves.toBeTruthy();
    await expect(files.readCsv(new TextEncoder().encode('a,b\n1,\n'), { dtype: 'int32' })).rejects.toThrow(/column 'b' row 1 is empty, not an int32/);
  });

  it('reads text and bytes sources; readText reads the same file', async () => {
    setFileStore(new MemoryFileStore());
    await files.write('t.csv', 'x\n1\n');
    expect(await files.readText('t.csv')).toBe('x\n1\n');
    expect((await files.readCsv(new Blob(['x\n7\n']))).rows).toBe(1);
    await expect(files.readCsv('none.csv')).rejects.toThrow(/files\.readCsv: no file 'none\.csv'/);
  });

  it('writeCsv writes a tensor (float32 shortest) or rows, quoting where needed, and reads back', async () => {
    setFileStore(new MemoryFileStore());
    for (const device of devices) {
      await files.writeCsv(
        'out.csv',
        torch.tensor(
          [
            [0.1, 2],
            [NaN, -3.5],
          ],
          { device },
        ),
        { columns: ['a', 'b,c'] },
      );
      expect(await files.readText('out.csv')).toBe('a,"b,c"\n0.1,2\nnan,-3.5\n');
      const back = await files.readCsv('out.csv', { device });
      expectClose(await back.data.tolist(), [
        [0.1, 2],
        [NaN, -3.5],
      ] as Nested);
    }
    await files.writeCsv('rows.csv', [
      [1, 'say "x"'],
      [2, 'ok'],
    ]);
    expect(await files.readText('rows.csv')).toBe('1,"say ""x"""\n2,ok\n');
    await expect(files.writeCsv('bad.csv', [[1, 2], [3]])).rejects.toThrow(/files\.writeCsv: row 1 has 1 values, but row 0 has 2/);
    await expect(files.writeCsv('bad.csv', torch.zeros([2, 2, 2]))).rejects.toThrow(/can write a 1-D or 2-D tensor, got shape \[2, 2, 2\]/);
  });

  it('formatFloat32 gives the shortest decimal that reads back', () => {
    for (const v of [0.1, 1 / 3, 1e-8, 123456.789, -2.5, 3, 16777217]) {
      const f = Math.fround(v);
      const s = formatFloat32(f);
      expect(Math.fround(Number(s)), s).toBe(f);
      expect(s.length, s).toBeLessThanOrEqual(String(v).length + 1);
    }
  });
});
