// Which later cells depend on a cell: a token-level analysis of the names each cell declares at its
// top level (as the kernel's compiler and the editor's cell-scope types see them) and the names it
// uses. Cell k uses a name of cell j when the name is among k's identifiers and j was the last cell
// before k to declare it. Dependence is transitive: a cell that uses a name of a stale cell is stale.

/** One code cell as the analysis sees it. */
export interface AnalyzedCell {
  id: string;
  /** Top-level names the cell declares. */
  declared: readonly string[];
  /** Identifiers the cell reads (see `usedNames`). */
  used: ReadonlySet<string>;
}

/** A later cell that depends on the changed one, and through which of the names it uses. */
export interface Dependent {
  id: string;
  names: string[];
}

const KEYWORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof ' +
    'let new null return super switch this throw true try typeof var void while with yield await async of as type interface enum declare ' +
    'implements private protected public readonly static abstract keyof infer is satisfies undefined'
  ).split(' '),
);

/** Keywords whose next identifier is declared, not read. */
const DECLARING = new Set(['const', 'let', 'var', 'function', 'class', 'interface', 'type', 'enum']);

/**
 * The identifiers a cell's source reads: every identifier token outside comments and string
 * literals (template `${}` parts included) that is not a property access (`a.b`, `a?.b`), a keyword,
 * or the name right after `const`, `let`, `var`, `function` or `class` (a declaration, not a use).
 * It over-approximates (an object key or a local variable counts), which only marks more cells stale.
 */
export function usedNames(source: string): Set<string> {
  const names = new Set<string>();
  const n = source.length;
  let i = 0;
  /** Template literals open at this brace depth of their `${`, innermost last. */
  const templates: number[] = [];
  let depth = 0;
  let previous = '';
  const readTemplate = () => {
    // From inside a template's text: to its end (back to code) or into a `${` (code, one brace deeper).
    while (i < n) {
      const c = source[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        previous = '`';
        return;
      } else if (c === '$' && source[i + 1] === '{') {
        i += 2;
        depth++;
        templates.push(depth);
        previous = '{';
        return;
      } else i++;
    }
  };
  while (i < n) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && source[i] !== c && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      i++;
      previous = 'string';
    } else if (c === '`') {
      i++;
      readTemplate();
    } else if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < n && /[\w$]/.test(source[i])) i++;
      const word = source.slice(start, i);
      if (previous !== '.' && previous !== 'declares' && !KEYWORDS.has(word)) names.add(word);
      previous = DECLARING.has(word) ? 'declares' : 'word';
    } else if (/\d/.test(c)) {
      while (i < n && /[\w.]/.test(source[i])) i++;
      previous = 'number';
    } else if (c === '{') {
      depth++;
      i++;
      previous = c;
    } else if (c === '}') {
      i++;
      if (templates.at(-1) === depth) {
        templates.pop();
        depth--;
        readTemplate();
      } else {
        depth--;
        previous = c;
      }
    } else if (c === '?' && source[i + 1] === '.' && !/\d/.test(source[i + 2] ?? '')) {
      i += 2;
      previous = '.';
    } else {
      if (!/\s/.test(c)) previous = c;
      i++;
    }
  }
  return names;
}

/**
 * The cells after `changedId` (in `cells`' order) that depend on it, directly or through another
 * dependent, with the names through which each does. A later cell that declares a name again
 * without using a changed one hides the changed cell's name from the cells after it.
 */
export function dependentsOf(cells: readonly AnalyzedCell[], changedId: string, changedDeclared?: readonly string[]): Dependent[] {
  const at = cells.findIndex((c) => c.id === changedId);
  if (at < 0) return [];
  /** Names whose current value comes from the changed cell or a dependent of it. */
  const changed = new Set(changedDeclared ?? cells[at].declared);
  const dependents: Dependent[] = [];
  for (const cell of cells.slice(at + 1)) {
    if (changed.size === 0) break;
    const names = [...changed].filter((name) => cell.used.has(name));
    if (names.length > 0) {
      dependents.push({ id: cell.id, names });
      for (const name of cell.declared) changed.add(name);
    } else {
      for (const name of cell.declared) changed.delete(name);
    }
  }
  return dependents;
}
