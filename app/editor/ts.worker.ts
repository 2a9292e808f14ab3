// Monaco's TypeScript worker, with the cell editor's completion filter (completion-filter.ts)
// applied to every member completion list before it reaches the page.
import { initialize, TypeScriptWorker } from 'monaco-editor/language/typescript/ts.worker';
import { filterMemberCompletions } from './completion-filter';

class WickTypeScriptWorker extends TypeScriptWorker {
  override async getCompletionsAtPosition(fileName: string, position: number) {
    const info = await super.getCompletionsAtPosition(fileName, position);
    return filterMemberCompletions(this.getLanguageService(), fileName, position, info);
  }
}

// Importing Monaco's worker set its own start-up handler; this one makes the subclass instead.
self.onmessage = () => {
  initialize((ctx, createData) => new WickTypeScriptWorker(ctx, createData));
};
