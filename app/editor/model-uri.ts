/** The URI of a cell's editor model: names it for the TypeScript service, so cells are told apart. */
export function modelUri(cellId: string, language: 'typescript' | 'markdown'): string {
  return `file:///wick/cells/cell-${cellId}.${language === 'typescript' ? 'ts' : 'md'}`;
}
