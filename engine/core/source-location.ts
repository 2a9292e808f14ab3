/**
 * Where the user's code called into the engine: "line 4" of a cell, or a file and line outside
 * a notebook. The Worker installs a locator that maps stack frames back to cells; the default one
 * names the first frame outside the engine.
 */
export type Locator = (stack: string) => string | null;

/** The first frame outside the engine's own files (test files count as the user's). */
export const defaultLocator: Locator = (stack) => {
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) continue;
    const file = match[1];
    if (/[\\/]engine[\\/]/.test(file) && !/\.test\.ts$/.test(file)) continue;
    if (file.startsWith('node:') || file.includes('node_modules')) continue;
    return `${file.split(/[\\/]/).pop()}:${match[2]}`;
  }
  return null;
};

let locator: Locator = defaultLocator;

export function setLocator(next: Locator | null): void {
  locator = next ?? defaultLocator;
}

/** Where the code that called the engine right now is, or null when no frame is the user's. */
export function callerLocation(): string | null {
  return locator(new Error().stack ?? '');
}
