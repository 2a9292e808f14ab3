// Turns a TypeScript cell into JavaScript that runs against a persistent scope object.
//
// Types are stripped with Sucrase. Why Sucrase: it is plain JavaScript (no WebAssembly to fetch and
// instantiate, so the Worker starts at once and compiles synchronously), small next to the
// TypeScript compiler or Babel, and among the fastest transpilers (a cell compiles in well under a
// millisecond). It keeps every statement on its line, writes a token-level source map, and its
// parser is exported, so the same parse that strips the types finds the top-level statements and
// the loops to rewrite. esbuild-wasm and swc need a multi-megabyte WebAssembly module and expose no
// tokens; TypeScript's own transpileModule is several megabytes and slower to start.
//
// Then the JavaScript is rewritten:
// - Top-level `const`/`let`/`var` (destructuring included) and `class` declarations become
//   assignments, and the code runs inside `with (scope)`, so the names live in the scope: later
//   cells see them and re-running a cell assigns them again instead of redeclaring.
// - Top-level function declarations stay hoisted in the cell and are copied into the scope first.
// - The last statement, when it is an expression statement, becomes the cell's return value.
// - The body runs in an async function, so top-level `await` works.
// - Every loop calls an interrupt guard, which also waits while the GPU is too far behind where
//   the loop can await (see loop-guards.ts).
// No newline is added before or inside the body, and every insertion is recorded, so a position
// in the compiled code maps back to the line and column in the cell (see position-map.ts).
import { transform } from 'sucrase';
import { CELL_BUILTIN_NAMES, namesInProse } from './cell-builtins';
import { loopGuardEdits } from './loop-guards';
import { EditedText, LineIndex, SourceMapLines, type Edit, type Position } from './position-map';
import { parseTopLevelStatements, type TopLevelStatement } from './top-level-statements';

export interface CompiledCell {
  /** A JavaScript expression evaluating to `async (scope, guard, wait) => cellValue`. */
  code: string;
  /** The name stack traces give this code (set with `//# sourceURL`). */
  sourceUrl: string;
  /** Top-level names the cell declares; they must exist on the scope before it runs. */
  declared: string[];
  /** The cell position of a position in `code`, or null inside the wrapper Wick adds. */
  cellPosition(position: Position): Position | null;
}

export class CellSyntaxError extends Error {
  override name = 'SyntaxError';
  constructor(
    message: string,
    readonly line: number | null,
    readonly column: number | null = null,
  ) {
    super(message);
  }
}

/** The scope parameter's name inside compiled code. Cells should not declare it. */
const SCOPE = '$wick';
/** The interrupt guard's name inside compiled code, and the GPU wait's (see loop-guards.ts). */
export const GUARD = '__wickGuard';
export const WAIT = '__wickWait';

export function compileCell(source: string, sourceUrl: string): CompiledCell {
  const { js, map, statements, tokens, scopes } = parse(source);
  const edits: Edit[] = [];
  const hoisted: string[] = [];
  statements.forEach((statement, index) => {
    edits.push(...rewrite(statement, index === statements.length - 1, js, map));
    if (statement.kind === 'function') hoisted.push(...statement.names.map((n) => `${SCOPE}.${n} = ${n};`));
  });
  edits.push(...loopGuardEdits(tokens, scopes, { guard: GUARD, wait: WAIT }));
  // The guards are bound inside the `with` block, so loops find them without a lookup on the scope
  // object (a name found only beyond `with` is looked up at run time: some 30 times slower).
  const prefix =
    `(async function (${SCOPE}, ${GUARD}$, ${WAIT}$) { with (${SCOPE}) { return (async () => { "use strict"; ` +
    `const ${GUARD} = ${GUARD}$, ${WAIT} = ${WAIT}$; ${hoisted.join(' ')}`;
  const suffix = `\n})(); } })\n//# sourceURL=${sourceUrl}`;
  edits.unshift({ at: 0, remove: 0, insert: prefix, wrapper: true });
  edits.push({ at: js.length, remove: 0, insert: suffix, wrapper: true });
  const compiled = new EditedText(js, edits);
  const compiledLines = new LineIndex(compiled.text);
  const jsLines = new LineIndex(js);
  return {
    code: compiled.text,
    sourceUrl,
    declared: [...new Set(statements.flatMap((s) => s.names))],
    cellPosition(position) {
      const offset = compiled.originalOffset(compiledLines.offset(position));
      return offset === null ? null : map.original(jsLines.position(offset));
    },
  };
}

interface Parsed {
  js: string;
  map: SourceMapLines;
  statements: TopLevelStatement[];
  tokens: ReturnType<typeof parseTopLevelStatements>['tokens'];
  scopes: ReturnType<typeof parseTopLevelStatements>['scopes'];
}

function parse(source: string): Parsed {
  let js: string;
  let map: SourceMapLines;
  try {
    const result = transform(source, {
      transforms: ['typescript'],
      disableESTransforms: true,
      // Keep imports that look unused, so that the cell says imports are not available.
      keepUnusedImports: true,
      sourceMapOptions: { compiledFilename: 'cell.js' },
      filePath: 'cell.ts',
    });
    js = result.code;
    map = new SourceMapLines(result.sourceMap?.mappings ?? '');
  } catch (error) {
    throw syntaxError(error, null);
  }
  try {
    return { js, map, ...parseTopLevelStatements(js) };
  } catch (error) {
    throw syntaxError(error, map);
  }
}

/** Sucrase's error, with its position (in the code it parsed) mapped to the cell. */
function syntaxError(error: unknown, map: SourceMapLines | null): CellSyntaxError {
  const { message, loc } = error as { message: string; loc?: Position };
  const position = loc ? (map ? map.original(loc) : loc) : null;
  // Sucrase names the file it was given ("Error transforming cell.ts: …"): the user knows no such file.
  const text = message.replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)$/, '');
  return new CellSyntaxError(text, position?.line ?? null, position?.column ?? null);
}

function rewrite(statement: TopLevelStatement, isLast: boolean, js: string, map: SourceMapLines): Edit[] {
  const { start, end } = statement;
  switch (statement.kind) {
    case 'variables':
      // `const a = 1, { b } = o` becomes `;(a = 1, { b } = o);`
      return [
        { at: start, remove: statement.firstTokenEnd - start, insert: ';(' },
        ...statement.declarators.filter((d) => !d.hasInitializer).map((d) => ({ at: d.end, remove: 0, insert: ' = undefined' })),
        { at: end, remove: 0, insert: ');' },
      ];
    case 'class':
      return [
        { at: start, remove: 0, insert: `;${statement.names[0]} = ` },
        { at: end, remove: 0, insert: ';' },
      ];
    case 'expression':
      return isLast
        ? [
            { at: start, remove: 0, insert: ';return (' },
            { at: end, remove: 0, insert: ');' },
          ]
        : [];
    case 'module': {
      const at = map.original(new LineIndex(js).position(start));
      throw new CellSyntaxError(
        `import and export are not available in a cell: ${namesInProse(CELL_BUILTIN_NAMES.filter((n) => n !== 'console'))} are already in scope, and \`await import(url)\` loads a module`,
        at.line,
        at.column,
      );
    }
    case 'function':
    case 'other':
      return [];
    default:
      return assertNever(statement.kind);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled statement kind: ${String(value)}`);
}
