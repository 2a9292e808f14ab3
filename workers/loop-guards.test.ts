// The loop guards' two forms: `GUARD() || await WAIT()` where the loop can await (the cell's top
// level, async functions, arrows and methods), `GUARD()` where it cannot (plain functions,
// generators, methods, getters, static blocks), and that compiled cells still run either way.
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
  const cases: [string, string, string[]][] = [
    ['top-level while', 'let i = 0\nwhile (i < 3) i++', ['await']],
    ['top-level do-while', 'let i = 0\ndo { i++ } while (i < 3)', ['await']],
    ['top-level for', 'for (let i = 0; i < 3; i++) {}', ['await']],
    ['top-level for(;;)', 'for (;;) { break }', ['await']],
    ['top-level for-of', 'for (const x of [1]) { x }', ['await']],
    ['top-level for-in', 'for (const k in { a: 1 }) { k }', ['await']],
    ['top-level for await', 'for await (const x of [1]) { x }', ['await']],
    ['a plain function', 'function f() { while (false) {} }', ['sync']],
    ['an async function', 'async function f() { while (false) {} }', ['await']],
    ['an async function expression', 'const f = async function () { for (;;) { break } }', ['await']],
    ['a named async function expression', 'const f = async function named() { for (;;) { break } }', ['await']],
    ['an arrow', 'const f = () => { while (false) {} }', ['sync']],
    ['an async arrow', 'const f = async () => { while (false) {} }', ['await']],
    ['an async arrow with one bare parameter', 'const f = async n => { while (n--) {} }', ['await']],
    ['an async arrow with destructured parameters', 'const f = async ({ a }, [b]) => { while (a < b) {} }', ['await']],
    ['a parameter named async', 'const f = async => { while (false) {} }', ['sync']],
    ['a function named async', 'function async() { while (false) {} }', ['sync']],
    ['a generator', 'function* g() { while (true) yield 1 }', ['sync']],
    ['an async generator', 'async function* g() { while (true) yield 1 }', ['await']],
    ['a class method', 'class C { m() { while (false) {} } }', ['sync']],
    ['an async class method', 'class C { async m() { while (false) {} } }', ['await']],
    ['a static async method', 'class C { static async m() { while (false) {} } }', ['await']],
    ['an async computed method', "class C { async ['m']() { while (false) {} } }", ['await']],
    ['an async generator method', 'class C { async *m() { while (false) {} } }', ['await']],
    ['a getter', 'const o = { get v() { while (false) {} return 1 } }', ['sync']],
    ['an object method named async', 'const o = { async() { while (false) {} } }', ['sync']],
    ['an async object method', 'const o = { async m() { while (false) {} } }', ['await']],
    ['a static block', 'class C { static { for (;;) { break } } }', ['sync']],
    ['a plain function inside an async one', 'async function f() { while (false) {}; function g() { while (false) {} } }', ['await', 'sync']],
    ['an async arrow inside a plain function', 'function f() { const g = async () => { while (false) {} }; while (false) {} }', ['await', 'sync']],
    ['a callback passed to forEach', '[1, 2].forEach((x) => { for (let i = 0; i < x; i++) {} })', ['sync']],
    ['an async callback', 'await Promise.all([1].map(async (x) => { for (let i = 0; i < x; i++) {} }))', ['await']],
    ['a loop after a nested function', 'function f() {}\nwhile (false) {}', ['await']],
  ];

  it.each(cases)('%s', (_name, source, forms) => {
    expect(guardForms(source)).toEqual(forms);
  });

  it('puts the awaited guard in each loop form as the comment in loop-guards.ts shows', () => {
    expect(compileCell('while (c) {}', 'w.ts').code).toContain(`while (${AWAITED}, c)`);
    expect(compileCell('do {} while (c)', 'd.ts').code).toContain(`while (${AWAITED}, c)`);
    expect(compileCell('for (let i = 0; i < 3; i++) {}', 'f.ts').code).toContain(`for (let i = 0; ${AWAITED}, i < 3; i++)`);
    expect(compileCell('for (;;) {}', 'e.ts').code).toContain(`for (; ${AWAITED} || true;)`);
    expect(compileCell('for (const x of xs) { x }', 'o.ts').code).toContain(`for (const x of xs) { ${AWAITED}; x }`);
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
    ['while', 'let i = 0\nwhile (i < 10) i++\ni', 10],
    ['do-while', 'let i = 0\ndo { i++ } while (i < 10)\ni', 10],
    ['for', 'let n = 0\nfor (let i = 0; i < 10; i++) n++\nn', 10],
    ['for(;;) with a break', 'let n = 0\nfor (;;) { if (++n === 10) break }\nn', 10],
    ['for-of', 'let n = 0\nfor (const x of Array(10).fill(1)) { n += x }\nn', 10],
    ['an async function', 'async function f() { let n = 0; while (n < 10) n++; return n }\nawait f()', 10],
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
    await expect(runCompiledCell(compileCell('while (true) {}', 'stop.ts'), createScope({}), guard, wait)).rejects.toThrow('interrupted while waiting');
  });
});
