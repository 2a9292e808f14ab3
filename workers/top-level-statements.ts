// Splits a JavaScript program into its top-level statements, using Sucrase's parser (the same
// one that strips the cell's types), so ASI, regular expressions and templates are parsed right.
import { augmentError, initParser, state } from 'sucrase/dist/esm/parser/traverser/base';
import { parseStatement } from 'sucrase/dist/esm/parser/traverser/statement';
import { isTopLevelDeclaration, match, nextToken, type Token } from 'sucrase/dist/esm/parser/tokenizer/index';
import { TokenType as tt } from 'sucrase/dist/esm/parser/tokenizer/types';
import { ContextualKeyword } from 'sucrase/dist/esm/parser/tokenizer/keywords';
import type { ParsedScope } from './loop-guards';

export type StatementKind = 'variables' | 'function' | 'class' | 'expression' | 'module' | 'other';

export interface Declarator {
  /** Offset just after the declarator (before its separating comma). */
  end: number;
  hasInitializer: boolean;
}

export interface TopLevelStatement {
  kind: StatementKind;
  /** Offset of the statement's first token. */
  start: number;
  /** Offset of the end of the first token (the `const`/`let`/`var` keyword for variables). */
  firstTokenEnd: number;
  /** Offset after the statement's last token, not counting a trailing semicolon. */
  end: number;
  /** Top-level names the statement declares (variables, functions and classes only). */
  names: string[];
  /** The declarators of a variables statement; empty otherwise. */
  declarators: Declarator[];
}

/** Token types that start a statement which is not an expression statement. */
const STATEMENT_KEYWORDS = new Set<tt>([
  tt._if,
  tt._for,
  tt._while,
  tt._do,
  tt._switch,
  tt._try,
  tt._throw,
  tt._return,
  tt._break,
  tt._continue,
  tt.braceL,
  tt.semi,
  tt._with,
  tt._debugger,
]);
const OPENERS = new Set<tt>([tt.parenL, tt.bracketL, tt.braceL, tt.dollarBraceL]);
const CLOSERS = new Set<tt>([tt.parenR, tt.bracketR, tt.braceR]);

export interface ParsedProgram {
  statements: TopLevelStatement[];
  /** Every token of the program, nested code included. */
  tokens: Token[];
  /** The scopes the parser recorded (blocks and functions), by token index. */
  scopes: ParsedScope[];
}

/** Parses `js` (plain JavaScript) and returns its top-level statements in source order. */
export function parseTopLevelStatements(js: string): ParsedProgram {
  initParser(js, false, false, false);
  nextToken();
  const statements: TopLevelStatement[] = [];
  while (!match(tt.eof) && !state.error) {
    const first = state.tokens.length;
    parseStatement(true);
    if (state.error) break;
    statements.push(describe(js, state.tokens.slice(first)));
  }
  if (state.error) throw augmentError(state.error);
  return { statements, tokens: state.tokens, scopes: state.scopes };
}

function describe(js: string, tokens: Token[]): TopLevelStatement {
  const last = tokens.length > 1 && tokens[tokens.length - 1].type === tt.semi ? tokens.length - 2 : tokens.length - 1;
  const content = tokens.slice(0, last + 1);
  const kind = kindOf(content);
  const declares = kind === 'variables' || kind === 'function' || kind === 'class';
  return {
    kind,
    start: tokens[0].start,
    firstTokenEnd: tokens[0].end,
    end: tokens[last].end,
    names: declares ? content.filter(isTopLevelDeclaration).map((t) => js.slice(t.start, t.end)) : [],
    declarators: kind === 'variables' ? declaratorsOf(content) : [],
  };
}

function kindOf([first, second]: Token[]): StatementKind {
  switch (first.type) {
    case tt._var:
    case tt._let:
    case tt._const:
      return 'variables';
    case tt._function:
      return 'function';
    case tt._class:
      return 'class';
    case tt._import:
      // `import('m')` and `import.meta` are expressions; `import x from 'm'` is a declaration.
      return second?.type === tt.parenL || second?.type === tt.dot ? 'expression' : 'module';
    case tt._export:
      return 'module';
    case tt.name:
      if (first.contextualKeyword === ContextualKeyword._async && second?.type === tt._function) return 'function';
      if (second?.type === tt.colon) return 'other'; // a labeled statement
      if (first.contextualKeyword === ContextualKeyword._using && second?.type === tt.name) return 'other';
      return 'expression';
    default:
      return STATEMENT_KEYWORDS.has(first.type) ? 'other' : 'expression';
  }
}

/** Splits `const a = 1, { b } = o` after its keyword at the commas outside any brackets. */
function declaratorsOf(tokens: Token[]): Declarator[] {
  const declarators: Declarator[] = [];
  let depth = 0;
  let hasInitializer = false;
  for (let i = 1; i < tokens.length; i++) {
    const type = tokens[i].type;
    if (OPENERS.has(type)) depth++;
    else if (CLOSERS.has(type)) depth--;
    else if (depth === 0 && type === tt.eq) hasInitializer = true;
    else if (depth === 0 && type === tt.comma) {
      declarators.push({ end: tokens[i - 1].end, hasInitializer });
      hasInitializer = false;
    }
  }
  declarators.push({ end: tokens[tokens.length - 1].end, hasInitializer });
  return declarators;
}
