/**
 * Where the user's code called into the engine: "line 4" of a cell, or a file and line outside
 * a notebook, and which engine function it called there. The Worker installs a locator that
 * maps stack frames back to cells; the default one takes the first frame outside the engine.
 */

/** The user's frame in a stack: how to name it, and its line's index in `stack.split('\n')`. */
export interface UserFrame {
  location: string;
  index: number;
}

export type Locator = (stack: string) => UserFrame | null;

const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** The first frame outside the engine's own files (test files count as the user's). */
export const defaultLocator: Locator = (stack) => {
  const lines = stack.split('\n');
  for (let index = 1; index < lines.length; index++) {
    const match = FRAME.exec(lines[index]);
    if (!match) continue;
    const file = match[1];
    if (/[\\/]engine[\\/]/.test(file) && !/\.test\.ts$/.test(file)) continue;
    if (file.startsWith('node:') || file.includes('node_modules')) continue;
    return { location: `${file.split(/[\\/]/).pop()}:${match[2]}`, index };
  }
  return null;
};

let locator: Locator = defaultLocator;

export function setLocator(next: Locator | null): void {
  locator = next ?? defaultLocator;
}

/** The stack here, deep enough to get past the engine's frames to the user's. */
export function captureSite(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const site = new Error();
  Error.stackTraceLimit = limit;
  return site;
}

/** Where the code that called the engine right now is, or null when no frame is the user's. */
export function callerLocation(): string | null {
  return locator(captureSite().stack ?? '')?.location ?? null;
}

/** The user's line in a captured stack, and the engine function called from it (`softmax`). */
export function siteOf(stack: string): { location: string | null; call: string | null } {
  const user = locator(stack);
  if (!user) return { location: null, call: null };
  const above = stack.split('\n')[user.index - 1] ?? '';
  const name = /^\s*at (?:async )?(?:new )?([\w$.<>]+?)(?: \[as [^\]]+\])? \(/.exec(above)?.[1] ?? null;
  return { location: user.location, call: name ? name.replace(/^(?:Object|Proxy|Function)\./, '') : null };
}
