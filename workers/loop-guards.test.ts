// The loop guards' two forms: `GUARD() || await WAIT()` where the loop can await (the cell's top
// level, async functions, arrows and methods) and calls something, `GUARD()` where it cannot
// (plain functions, generators, methods, getters, static blocks) or calls nothing, and that
// compiled cells still run either way.
import { describe, expect, it } from 'vitest';
import { compileCell, GUARD, WAIT } from './cell-compiler';
import { createScope, runCompiledCell } from './cell-runner';

const AWAITED = `${GUARD}() || await ${WAIT}()`;

/** The guard text each loop of `source` got, in order: 'await' or 'sync'. */
function guardForms(source: string): string[] {
  const { code } = compileCell(source, 'forms.ts');
  const forms: string[] = [];
  const pattern = new RegExp(`${GUARD}\\(\\)( \\|\\| await ${WAIT}\\(\\))?`, 'g');
  for (const match of code.matchAll(pattern)) forms.push(match[1] ? 'await' : 'sync');
  return forms;
}

describe('loop guards by context', () => {
  // Each loop calls `f()`: a loop that calls nothing keeps the plain guard (see the cases after these).
  const cases: [string, string, string[]][] = [
    ['top-level while', 'let i = 0\nwhile (i < 3) f(i++)', ['await']],
    ['top-level do-while', 'let i = 0\ndo { f(i++) } while (i < 3)', ['await']],
    ['top-level for', 'for (let i = 0; i < 3; i++) { f() }', ['await']],
    ['top-level for(;;)', 'for (;;) { f(); break }', ['await']],
    ['top-level for-of', 'for (const x of [1]) { f(x) }', ['await']],
    ['top-level for-in', 'for (const k in { a: 1 }) { f(k) }', ['await']],
    ['top-level for await', 'for await (const x of [1]) { x }', ['await']],
    ['a plain function', 'function g() { while (false) { f() } }', ['sync']],
    ['an async function', 'async function g() { while (false) { f() } }', ['await']],
    ['an async function expression', 'const g = async function () { for (;;) { f(); break } }', ['await']],
    ['a named async function expression', 'const g = async function named() { for (;;) { f(); break } }', ['await']],
    ['an arrow', 'const g = () => { while (false) { f() } }', ['sync']],
    ['an async arrow', 'const g = async () => { while (false) { f() } }', ['await']],
    ['an async arrow with one bare parameter', 'const g = async n => { while (n--) { f() } }', ['await']],
    ['an async arrow with destructured parameters', 'const g = async ({ a }, [b]) => { while (a < b) { f() } }', ['await']],
    ['a parameter named async', 'const g = async => { while (false) { f() } }', ['sync']],
    ['a function named async', 'function async() { while (false) { f() } }', ['sync']],
    ['a generator', 'function* g() { while (true) yield 1 }', ['sync']],
    ['an async generator', 'async function* g() { while (true) yield 1 }', ['await']],
    ['a class method', 'class C { m() { while (false) { f() } } }', ['sync']],
    ['an async class method', 'class C { async m() { while (false) { f() } } }', ['await']],
    ['a static async method', 'class C { static async m() { while (false) { f() } } }', ['await']],
    ['an async computed method', "class C { async ['m']() { while (false) { f() } } }", ['await']],
    ['an async generator method', 'class C { async *m() { while (false) { f() } } }', ['await']],
    ['a getter', 'const o = { get v() { while (false) { f() } return 1 } }', ['sync']],
    ['an object method named async', 'const o = { async() { while (false) { f() } } }', ['sync']],
    ['an async object method', 'const o = { async m() { while (false) { f() } } }', ['await']],
    ['a static block', 'class C { static { for (;;) { f(); break } } }', ['sync']],
    ['a plain function inside an async one', 'async function g() { while (false) { f() }; function h() { while (false) { f() } } }', ['await', 'sync']],
    ['an async arrow inside a plain function', 'function g() { const h = async () => { while (false) { f() } }; while (false) { f() } }', ['await', 'sync']],
    ['a callback passed to forEach', '[1, 2].forEach((x) => { for (let i = 0; i < x; i++) { f() } })', ['sync']],
    ['an async callback', 'await Promise.all([1].map(async (x) => { for (let i = 0; i < x; i++) { f() } }))', ['await']],
    ['a loop after a nested function', 'function g() {}\nwhile (false) { f() }', ['await']],
  ];

  const callFree: [string, string, string[]][] = [
    ['a loop that calls nothing', 'let s = 0\nfor (let i = 0; i < 1e6; i++) { s += i }', ['sync']],
    ['a while without braces that calls nothing', 'let i = 0\nwhile (i < 3) i++;\nf()', ['sync']],
    ['a body without braces or semicolon: what follows counts too', 'let i = 0\nwhile (i < 3) i++\nf()', ['await']],
    ['a do-while that calls nothing', 'let i = 0\ndo { i++ } while (i < 3)\nf()', ['sync']],
    ['a call in the condition', 'while (f()) {}', ['await']],
    ['a call in a for header', 'for (let i = 0; i < 3; i = f(i)) {}', ['await']],
    ['a method call', 'for (const x of xs) { x.step() }', ['await']],
    ['new', 'while (a) { b = new B() }', ['await']],
    ['a tagged template', 'while (a) { tag`x` }', ['await']],
    ['an await', 'while (a) { b = await c }', ['await']],
    ['a call in an else branch', 'while (a) if (b) { c++ } else { f() }', ['await']],
    ['a do-while with a call in its body', 'do { f() } while (a)', ['await']],
    ['a loop around a loop that calls', 'for (;;) { for (;;) { f() } }', ['await', 'await']],
    ['a loop beside one that calls', 'for (;;) { x++ }\nfor (;;) { f() }', ['sync', 'await']],
    ['a body without braces that ends the block', 'if (a) { while (b) b-- }\nf()', ['sync']],
  ];

  it.each(callFree)('%s', (_name, source, forms) => {
    expect(guardForms(source)).toEqual(forms);
  });

  it.each(cases)('%s', (_name, source, forms) => {
    expect(guardForms(source)).toEqual(forms);
  });

  it('puts the awaited guard in each loop form as the comment in loop-guards.ts shows', () => {
    expect(compileCell('while (c) { f() }', 'w.ts').code).toContain(`while (${AWAITED}, c)`);
    expect(compileCell('do { f() } while (c)', 'd.ts').code).toContain(`while (${AWAITED}, c)`);
    expect(compileCell('for (let i = 0; i < 3; i++) { f() }', 'f.ts').code).toContain(`for (let i = 0; ${AWAITED}, i < 3; i++)`);
    expect(compileCell('for (;;) { f() }', 'e.ts').code).toContain(`for (; ${AWAITED} || true;)`);
    expect(compileCell('for (const x of xs) { f(x) }', 'o.ts').code).toContain(`for (const x of xs) { ${AWAITED}; f(x) }`);
  });
});

describe('loop guards at run time', () => {
  /** A guard that says the GPU is behind on every `every`-th call, and counts the waits it leads to. */
  function behindEvery(every: number) {
    const counts = { guards: 0, waits: 0 };
    return {
      counts,
      guard: () => ++counts.guards % every !== 0,
      wait: async () => void counts.waits++,
    };
  }

  const loops: [string, string, number][] = [
    ['while', 'let i = 0\nwhile (i < 10) i = Math.min(i + 1, 10)\ni', 10],
    ['do-while', 'let i = 0\ndo { i = Math.min(i + 1, 10) } while (i < 10)\ni', 10],
    ['for', 'let n = 0\nfor (let i = 0; i < 10; i++) n = Math.max(n, i + 1)\nn', 10],
    ['for(;;) with a break', 'let n = 0\nfor (;;) { if (Math.abs(++n) === 10) break }\nn', 10],
    ['for-of', 'let n = 0\nfor (const x of Array(10).fill(1)) { n = Math.max(n, n + x) }\nn', 10],
    ['an async function', 'async function f() { let n = 0; while (n < 10) n = Math.max(n, n + 1); return n }\nawait f()', 10],
  ];

  it.each(loops)('a %s loop that can await waits when the guard says so, and runs to its end', async (_name, source, result) => {
    const { counts, guard, wait } = behindEvery(2);
    expect(await runCompiledCell(compileCell(source, 'run.ts'), createScope({}), guard, wait)).toBe(result);
    expect(counts.waits).toBeGreaterThanOrEqual(4);
    expect(counts.waits).toBe(Math.floor(counts.guards / 2));
  });

  it('a loop that cannot await runs on without waiting, for(;;) included', async () => {
    const { counts, guard, wait } = behindEvery(2);
    const source = 'function f() { let n = 0; for (;;) { if (++n === 10) break } while (n < 20) n++; return n }\nf()';
    expect(await runCompiledCell(compileCell(source, 'sync.ts'), createScope({}), guard, wait)).toBe(20);
    expect(counts.guards).toBeGreaterThanOrEqual(20);
    expect(counts.waits).toBe(0);
  });

  it('a wait that rejects (an interrupt) stops the loop with its error', async () => {
    const guard = () => false;
    const wait = () => Promise.reject(new Error('interrupted while waiting for the GPU'));
    await expect(runCompiledCell(compileCell('while (true) { Math.random() }', 'stop.ts'), createScope({}), guard, wait)).rejects.toThrow(
      'interrupted while waiting',
    );
  });
});
