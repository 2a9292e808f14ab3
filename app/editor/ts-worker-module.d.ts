// The parts of Monaco's TypeScript worker module (which ships no types) that ts.worker.ts uses.
declare module 'monaco-editor/language/typescript/ts.worker' {
  import type * as ts from 'typescript';

  export class TypeScriptWorker {
    constructor(ctx: unknown, createData: unknown);
    getLanguageService(): ts.LanguageService;
    getCompletionsAtPosition(fileName: string, position: number): Promise<ts.CompletionInfo | undefined>;
  }
  export function initialize(factory: (ctx: unknown, createData: unknown) => unknown): void;
}
