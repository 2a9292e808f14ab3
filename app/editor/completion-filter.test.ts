import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { filterMemberCompletions } from './completion-filter';

const PRELUDE = `
interface Module { (...args: any[]): any }
class Module {
  forward(x: number): number { return x; }
  parameters(): number[] { return []; }
  zeroGrad(): void {}
  apply(fn: (m: Module) => void): this { return this; }
  toString(): string { return 'Module'; }
  /** engine bookkeeping */
  _isLost = false;
}
class Net extends Module { fc1 = 1; }
const net = new Net();
const plain = { a: 1, length: 2 };
function f(n: number) { return n; }
`;

/** The completion names at the end of `tail` (appended to the prelude), before and after filtering. */
function completions(tail: string): { raw: string[]; filtered: string[] } {
  const fileName = '/cell.ts';
  const text = PRELUDE + tail;
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ strict: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'] }),
    getScriptFileNames: () => [fileName],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const content = name === fileName ? text : ts.sys.readFile(name);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => '/',
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => name === fileName || ts.sys.fileExists(name),
    readFile: (name) => (name === fileName ? text : ts.sys.readFile(name)),
  };
  const service = ts.createLanguageService(host);
  const info = service.getCompletionsAtPosition(fileName, text.length, undefined);
  const filtered = filterMemberCompletions(service, fileName, text.length, info);
  return { raw: info?.entries.map((e) => e.name) ?? [], filtered: filtered?.entries.map((e) => e.name) ?? [] };
}

describe('filterMemberCompletions', () => {
  it("drops a callable module's Function members and internals, keeps what the class declares", () => {
    const { raw, filtered } = completions('net.');
    expect(raw).toEqual(expect.arrayContaining(['bind', 'call', 'caller', 'arguments', '_isLost']));
    expect(filtered).toEqual(expect.arrayContaining(['forward', 'parameters', 'zeroGrad', 'fc1', 'apply', 'toString']));
    for (const name of ['bind', 'call', 'caller', 'arguments', 'prototype', 'length', '_isLost']) expect(filtered).not.toContain(name);
  });

  it('keeps internals once the typed word starts with `_`', () => {
    expect(completions('net._is').filtered).toContain('_isLost');
  });

  it('keeps a property named like a Function member when the object declares it', () => {
    const { filtered } = completions('plain.');
    expect(filtered).toEqual(expect.arrayContaining(['a', 'length']));
  });

  it('drops Function members on a plain function too', () => {
    const { filtered } = completions('f.');
    expect(filtered).not.toContain('bind');
    expect(filtered).not.toContain('call');
  });

  it('leaves non-member completions as they are', () => {
    const { raw, filtered } = completions('ne');
    expect(filtered).toEqual(raw);
    expect(filtered).toContain('net');
  });
});
