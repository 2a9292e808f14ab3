import { describe, expect, it } from 'vitest';
import { compileCell, type CompiledCell } from './cell-compiler';
import { createScope, runCompiledCell, type CellScope } from './cell-runner';
import { errorReport } from './error-report';

/** Runs `cells` in order in one scope; every cell but the last must succeed. */
async function runCells(cells: string[], scope: CellScope = createScope({})) {
  let value: unknown;
  const known = new Map<string, CompiledCell>();
  for (const [index, source] of cells.entries()) {
    let compiled: CompiledCell | null = null;
    try {
      compiled = compileCell(source, `cell-${index}.ts`);
      known.set(compiled.sourceUrl, compiled);
      value = await runCompiledCell(compiled, scope);
    } catch (error) {
      if (index < cells.length - 1) throw error;
      const report = errorReport(error, compiled, (url) => (known.has(url) ? { compiled: known.get(url)!, label: url } : undefined));
      if (report.type !== 'error') throw new Error('expected an error report', { cause: error });
      return { error, line: report.line, column: report.column, stack: report.stack };
    }
  }
  return { value };
}

interface ValueCase {
  name: string;
  cells: string[];
  value: unknown;
}

const valueCases: ValueCase[] = [
  { name: 'const and let are visible to later cells', cells: ['const x = 2', 'let y = x * 3', 'y + 1'], value: 7 },
  { name: 'var is visible to later cells', cells: ['var v = "a"', 'v + "b"'], value: 'ab' },
  { name: 'destructuring declares each name', cells: ['const { a, b: [c], ...rest } = { a: 1, b: [2], d: 4 }', 'a + c + rest.d'], value: 7 },
  { name: 'several declarators in one statement', cells: ['let p = 1, q, r = p + 1', '[p, q, r]'], value: [1, undefined, 2] },
  { name: 're-running a cell redeclares without error', cells: ['const z = 1', 'const z = 2', 'z'], value: 2 },
  { name: 'let without initializer resets the name', cells: ['let w = 5', 'let w', 'w'], value: undefined },
  { name: 'functions are hoisted and visible later', cells: ['const r = twice(4)\nfunction twice(n: number) { return 2 * n }', 'r + twice(1)'], value: 10 },
  { name: 'async functions are visible later', cells: ['async function later() { return 3 }', 'await later()'], value: 3 },
  { name: 'classes are visible later', cells: ['class P { constructor(public v: number) {} }', 'new P(9).v'], value: 9 },
  { name: 'closures see later assignments', cells: ['let count = 0\nfunction bump() { return ++count }', 'bump(); bump()', 'count'], value: 2 },
  { name: 'top-level await', cells: ['const t = await Promise.resolve(4)', 'await Promise.resolve(t * 2)'], value: 8 },
  { name: 'last expression statement is the value', cells: ['1 + 1;\n"last"'], value: 'last' },
  { name: 'no value when the last statement declares', cells: ['const only = 1'], value: undefined },
  { name: 'no value when the last statement is a loop', cells: ['let s = 0\nfor (const i of [1, 2]) s += i'], value: undefined },
  { name: 'multi-line last expression', cells: ['[1, 2, 3]\n  .map((n) => n * 2)\n  .reduce((a, b) => a + b)'], value: 12 },
  { name: 'last expression without semicolons after a declaration', cells: ['const k = 3\nk * k'], value: 9 },
  { name: 'class declaration followed by an array literal', cells: ['class K {}\n[1, 2].length'], value: 2 },
  { name: 'templates and regular expressions', cells: ['const who = "w"\nconst re = /}{/g;\n`hi ${who} ${"}{".replace(re, "ok")}`'], value: 'hi w ok' },
  { name: 'types are stripped', cells: ['interface Pt { x: number }\nconst p: Pt = { x: 1 }\np.x as number'], value: 1 },
  { name: 'enums work across cells', cells: ['enum Color { Red, Green }', 'Color.Green'], value: 1 },
  {
    name: 'declarations inside blocks stay local',
    cells: ['{ const inner = 1 }\nfunction f() { const local = 2; return local }', 'typeof inner + typeof local'],
    value: 'undefinedundefined',
  },
  { name: 'builtins are in scope', cells: ['typeof torch'], value: 'object' },
  { name: 'a cell may shadow a builtin', cells: ['const torch = 1', 'torch + 1'], value: 2 },
];

interface ErrorCase {
  name: string;
  cells: string[];
  line: number;
  column: number | null;
  message: RegExp;
}

const errorCases: ErrorCase[] = [
  { name: 'runtime error', cells: ['const a1 = 1\nconst b1 = null as any\nb1.boom()'], line: 3, column: 4, message: /null/ },
  { name: 'error after await', cells: ['await Promise.resolve()\n\nthrow new Error("late")'], line: 3, column: 7, message: /late/ },
  { name: 'error inside a function', cells: ['function fail() {\n  throw new RangeError("inner")\n}\nfail()'], line: 2, column: 9, message: /inner/ },
  // Sucrase's "Error transforming cell.ts: " is left out: the user wrote no file of that name.
  { name: 'syntax error', cells: ['const ok = 1\nconst = 2'], line: 2, column: 7, message: /^Unexpected token$/ },
  { name: 'undeclared assignment in strict mode', cells: ['undeclaredName = 1'], line: 1, column: 16, message: /undeclaredName/ },
  {
    name: 'error after type annotations on its line',
    cells: ['const s: string = "a"; const t: { u: number } = (null as any).u'],
    line: 1,
    column: 63,
    message: /null/,
  },
  {
    name: 'error in a loop body after a guard',
    cells: ['for (let i = 0; i < 2; i++) { if (i) (undefined as any).x }'],
    line: 1,
    column: 57,
    message: /undefined/,
  },
  { name: 'error in a class field initializer', cells: ['class Q { f: number = (null as any).g }\nnew Q()'], line: 1, column: 37, message: /null/ },
  {
    name: 'error in a generic function',
    cells: ['function id<T extends object>(x: T): T { return (x as any).a.b }\nid<{}>({})'],
    line: 1,
    column: 62,
    message: /undefined/,
  },
];

describe('compileCell', () => {
  it.each(valueCases)('$name', async ({ cells, value }) => {
    const result = await runCells(cells, createScope({ torch: {} }));
    expect(result).toEqual({ value });
  });

  it.each(errorCases)('reports the line and column of a $name', async ({ cells, line, column, message }) => {
    const result = await runCells(cells);
    expect(result.error).toBeInstanceOf(Error);
    expect((result.error as Error).message).toMatch(message);
    expect({ line: result.line, column: result.column }).toEqual({ line, column });
  });

  it('keeps what earlier cells defined when a cell fails', async () => {
    const scope = createScope({});
    await runCells(['const kept = 1'], scope);
    expect((await runCells(['kept + missing'], scope)).error).toBeInstanceOf(ReferenceError);
    expect(await runCells(['kept'], scope)).toEqual({ value: 1 });
  });

  it('keeps line numbers: the compiled body starts on the first line', () => {
    const { code, declared } = compileCell('const a = 1\nlet b\nfunction c() {}\nclass D {}\na', 'x.ts');
    expect(declared).toEqual(['a', 'b', 'c', 'D']);
    expect(code.split('\n')).toHaveLength(7); // five cell lines, the closing line and sourceURL
  });
});

describe('loop guards', () => {
  /** A guard that stops a cell on its 1000th call, as an interrupt would. */
  function stopAfter(calls: number) {
    let n = 0;
    return (): true => {
      if (++n >= calls) throw new Error('guard stopped the loop');
      return true;
    };
  }

  const endless: [string, string][] = [
    ['while', 'while (true) {}'],
    ['while without a block', 'let w = 0\nwhile (true) w++'],
    ['do-while', 'do {} while (true)'],
    ['for(;;)', 'for (;;) {}'],
    ['for with a condition', 'for (let i = 0; i >= 0; i = 1) {}'],
    [
      'for-of over an endless iterator',
      'const forever = { [Symbol.iterator]: () => ({ next: () => ({ value: 1, done: false }) }) }\nfor (const x of forever) {}',
    ],
    [
      'for await over an endless iterator',
      'const ticks = { [Symbol.asyncIterator]: () => ({ next: async () => ({ value: 1, done: false }) }) }\nfor await (const t of ticks) {}',
    ],
    ['labeled nested loops', 'outer: for (;;) { inner: while (true) { continue outer } }'],
    ['a loop in a function', 'function spin() { while (true) {} }\nspin()'],
    ['a loop in an arrow function', 'const spin = () => { for (;;) {} }\nspin()'],
    ['a loop in a class method', 'class S { static spin() { do {} while (1) } }\nS.spin()'],
    ['a loop in a generator', 'function* g() { while (true) yield 1 }\nfor (const v of g()) {}'],
  ];

  it.each(endless)('stop %s', async (_name, source) => {
    const scope = createScope({});
    await expect(runCompiledCell(compileCell(source, 'loop.ts'), scope, stopAfter(1000))).rejects.toThrow('guard stopped the loop');
  });

  it('leave keywords used as names alone', async () => {
    const source = 'const o = { while: 1, for: 2 }\nclass C { while() { return o.while + o.for } }\nnew C().while()';
    expect(await runCompiledCell(compileCell(source, 'names.ts'), createScope({}), stopAfter(1))).toBe(3);
  });
});
