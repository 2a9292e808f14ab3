// Turns a TypeScript cell into JavaScript that runs against a persistent scope object.
//
// - Types are stripped with Sucrase, which keeps every statement on its original line.
// - Top-level `const`/`let`/`var` (destructuring included) and `class` declarations become
//   assignments, and the code runs inside `with (scope)`, so the names live in the scope: later
//   cells see them and re-running a cell assigns them again instead of redeclaring.
// - Top-level function declarations stay hoisted in the cell and are copied into the scope first.
// - The last statement, when it is an expression statement, becomes the cell's return value.
// - The body runs in an async function, so top-level `await` works.
// No newline is added before or inside the body, so a line in the code is the line in the cell.
import { transform } from 'sucrase';
import { parseTopLevelStatements, type TopLevelStatement } from './top-level-statements';

export interface CompiledCell {
  /** A JavaScript expression evaluating to `async (scope) => cellValue`. */
  code: string;
  /** Top-level names the cell declares; they must exist on the scope before it runs. */
  declared: string[];
}

export class CellSyntaxError extends Error {
  override name = 'SyntaxError';
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

/** The scope parameter's name inside compiled code. Cells should not declare it. */
const SCOPE = '$wick';

interface Edit {
  at: number;
  remove: number;
  insert: string;
}

export function compileCell(source: string, sourceUrl: string): CompiledCell {
  const { js, statements } = parse(source);
  const edits: Edit[] = [];
  const hoisted: string[] = [];
  statements.forEach((statement, index) => {
    const isLast = index === statements.length - 1;
    edits.push(...rewrite(statement, isLast));
    if (statement.kind === 'function') hoisted.push(...statement.names.map((n) => `${SCOPE}.${n} = ${n};`));
  });
  const body = applyEdits(js, edits);
  const code =
    `(async function (${SCOPE}) { with (${SCOPE}) { return (async () => { "use strict"; ${hoisted.join(' ')}` +
    `${body}\n})(); } })\n//# sourceURL=${sourceUrl}`;
  return { code, declared: [...new Set(statements.flatMap((s) => s.names))] };
}

function parse(source: string): { js: string; statements: TopLevelStatement[] } {
  try {
    const js = transform(source, { transforms: ['typescript'], disableESTransforms: true }).code;
    return { js, statements: parseTopLevelStatements(js) };
  } catch (error) {
    const { message, loc } = error as { message: string; loc?: { line: number } };
    throw new CellSyntaxError(message.replace(/\s*\(\d+:\d+\)$/, ''), loc?.line ?? null);
  }
}

function rewrite(statement: TopLevelStatement, isLast: boolean): Edit[] {
  const { start, end } = statement;
  switch (statement.kind) {
    case 'variables':
      // `const a = 1, { b } = o` becomes `;(a = 1, { b } = o);`
      return [
        { at: start, remove: statement.firstTokenEnd - start, insert: ';(' },
        ...statement.declarators
          .filter((d) => !d.hasInitializer)
          .map((d) => ({ at: d.end, remove: 0, insert: ' = undefined' })),
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
    case 'function':
    case 'other':
      return [];
  }
}

function applyEdits(text: string, edits: Edit[]): string {
  // Apply from the end so earlier offsets stay valid; at equal offsets keep the given order.
  const ordered = edits.map((edit, order) => ({ edit, order })).sort((a, b) => b.edit.at - a.edit.at || b.order - a.order);
  let out = text;
  for (const { edit } of ordered) out = out.slice(0, edit.at) + edit.insert + out.slice(edit.at + edit.remove);
  return out;
}
