// Interrupt guards in every loop of a cell, nested functions included, found from the tokens of
// the cell's JavaScript. A guard is a call that returns true, or false while the GPU has too much
// work in flight (core/backlog.ts), or throws once the user pressed Interrupt. It goes where it
// changes nothing else; where the loop can await (the cell's top level, async functions and
// arrows), a false guard waits for the GPU to catch up, so a loop of GPU ops stays a bounded
// amount of work ahead of the GPU and an Interrupt finds the loop still running:
//   while (c)            → while (G, c)
//   do { … } while (c)   → do { … } while (G, c)
//   for (i; c; u)        → for (i; G, c; u)        for (i; ; u) → for (i; G || true; u)
//   for (x of xs) { … }  → for (x of xs) { G; … } (and for-in, for await)
// with G = `GUARD() || await WAIT()` in an async context, `GUARD()` elsewhere (a loop in a plain
// function or a generator cannot wait: it only stops on Interrupt). A loop that calls nothing
// (no call, `new` or template tag in its header or body) queues no GPU work and keeps `GUARD()`:
// an await in a loop, even one never reached, makes a tight loop several times slower in V8.
// A for-of or for-in whose body is a single statement runs once per item of a finite iterable in
// practice; loops inside that statement have their own guards. Whatever no guard reaches (a
// regular expression that backtracks forever, say) the page stops by restarting the Worker.
import type { Token } from 'sucrase/dist/esm/parser/tokenizer/index';
import { ContextualKeyword } from 'sucrase/dist/esm/parser/tokenizer/keywords';
import { TokenType as tt } from 'sucrase/dist/esm/parser/tokenizer/types';
import type { Edit } from './position-map';

const OPENERS = new Set<tt>([tt.parenL, tt.bracketL, tt.braceL, tt.dollarBraceL]);
const CLOSERS = new Set<tt>([tt.parenR, tt.bracketR, tt.braceR]);

/** A scope as Sucrase's parser records it: tokens [startTokenIndex, endTokenIndex). */
export interface ParsedScope {
  startTokenIndex: number;
  endTokenIndex: number;
  isFunctionScope: boolean;
}

/** The names guards call in compiled code: `guard()` always, `wait()` (awaited) where the loop can await. */
export interface GuardNames {
  guard: string;
  wait: string;
}

/** Edits that put a guard into each loop. Keywords used as names are `name` tokens in Sucrase. */
export function loopGuardEdits(tokens: readonly Token[], scopes: readonly ParsedScope[], names: GuardNames): Edit[] {
  const canAwait = awaitableAt(tokens, scopes);
  const edits: Edit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i].type;
    if (type !== tt._while && type !== tt._for) continue;
    const g = canAwait(i) && mayCall(tokens, i) ? `${names.guard}() || await ${names.wait}()` : `${names.guard}()`;
    if (type === tt._while && tokens[i + 1]?.type === tt.parenL) {
      edits.push({ at: tokens[i + 1].end, remove: 0, insert: `${g}, ` });
    } else if (type === tt._for) {
      const open = tokens[i + 1]?.type === tt.parenL ? i + 1 : i + 2; // `for await (`
      if (tokens[open]?.type !== tt.parenL) continue;
      edits.push(...forLoopEdits(tokens, open, g));
    }
  }
  return edits;
}

function forLoopEdits(tokens: readonly Token[], open: number, g: string): Edit[] {
  let depth = 0;
  let firstSemicolon = -1;
  let close = -1;
  for (let j = open; j < tokens.length; j++) {
    const type = tokens[j].type;
    if (OPENERS.has(type)) depth++;
    else if (CLOSERS.has(type) && --depth === 0) {
      close = j;
      break;
    } else if (type === tt.semi && depth === 1 && firstSemicolon < 0) firstSemicolon = j;
  }
  if (close < 0) return [];
  if (firstSemicolon >= 0) {
    const empty = tokens[firstSemicolon + 1]?.type === tt.semi;
    return [{ at: tokens[firstSemicolon].end, remove: 0, insert: empty ? ` ${g} || true` : ` ${g},` }];
  }
  const body = tokens[close + 1];
  return body?.type === tt.braceL ? [{ at: body.end, remove: 0, insert: ` ${g};` }] : [];
}

/**
 * Whether code at a token may use `await`: the innermost function body around it is async, or
 * there is none (the cell's top level runs in an async function). Function bodies are the
 * function scopes Sucrase records that start at a `{`; a class's static block is one too (no await).
 */
function awaitableAt(tokens: readonly Token[], scopes: readonly ParsedScope[]): (index: number) => boolean {
  const bodies = scopes
    .filter(({ startTokenIndex: s, isFunctionScope }) => tokens[s]?.type === tt.braceL && (isFunctionScope || tokens[s - 1]?.type === tt._static))
    .map((scope) => ({ start: scope.startTokenIndex, end: scope.endTokenIndex, isAsync: isAsyncBody(tokens, scope.startTokenIndex) }));
  return (index) => {
    let innermost: (typeof bodies)[number] | null = null;
    for (const body of bodies) if (body.start < index && index < body.end && (innermost === null || body.start > innermost.start)) innermost = body;
    return innermost === null || innermost.isAsync;
  };
}

/** Whether the function whose body opens at `brace` is async: an arrow, a function, or a method. */
function isAsyncBody(tokens: readonly Token[], brace: number): boolean {
  const before = tokens[brace - 1];
  if (before?.type === tt.arrow) {
    // `async (a, b) => {` or `async a => {`
    const head = tokens[brace - 2]?.type === tt.parenR ? matchBack(tokens, brace - 2, tt.parenL, tt.parenR) - 1 : brace - 3;
    return isAsyncWord(tokens[head]);
  }
  if (before?.type !== tt.parenR) return false; // a static block
  // `async function* name(`, `async *name(`, `static async [key](`: skip the name, `*` and `function`.
  let k = matchBack(tokens, brace - 1, tt.parenL, tt.parenR) - 1;
  const key = tokens[k]?.type;
  if (key === tt.name || key === tt.string || key === tt.num) k--;
  else if (key === tt.bracketR) k = matchBack(tokens, k, tt.bracketL, tt.bracketR) - 1;
  if (tokens[k]?.type === tt.star) k--;
  if (tokens[k]?.type === tt._function) k--;
  return isAsyncWord(tokens[k]);
}

/** `async` is a name token, or in a class member an `async` token of its own. */
function isAsyncWord(token: Token | undefined): boolean {
  return token?.type === tt._async || (token?.type === tt.name && token.contextualKeyword === ContextualKeyword._async);
}

/** Token types after which `(` or a template is a call: a name, `)`, `]`, `?.`, `super`, `import`. */
const CALLEES = new Set<tt>([tt.name, tt.parenR, tt.bracketR, tt.questionDot, tt._super, tt._import]);

/**
 * Whether the loop whose keyword is at `at` may call anything, in its header or body (and a
 * do-while's body before its `while`). Where its end is unclear (a body without braces ends at
 * the first `;` or block end at its depth), more tokens are looked at, never fewer.
 */
function mayCall(tokens: readonly Token[], at: number): boolean {
  let start = at;
  if (tokens[at].type === tt._while && tokens[at - 1]?.type === tt.braceR) {
    const open = matchBack(tokens, at - 1, tt.braceL, tt.braceR);
    if (tokens[open - 1]?.type === tt._do) start = open;
  }
  // `do x(); while (c)`: which `while` ends it is unclear, so every `while` may call.
  if (start === at && tokens[at].type === tt._while && tokens.some((t, k) => t.type === tt._do && tokens[k + 1]?.type !== tt.braceL)) return true;
  let depth = 0;
  let header = true;
  for (let k = start; k < tokens.length; k++) {
    const type = tokens[k].type;
    if (isCall(tokens, k)) return true;
    if (OPENERS.has(type)) depth++;
    else if (CLOSERS.has(type)) {
      if (--depth < 0) return false; // the enclosing block ends
      if (depth > 0) continue;
      if (header && type === tt.parenR) {
        // The header's `)`: a do-while ends with it; a while or for goes on with its body.
        if (start !== at) return false;
        header = false;
        if (tokens[k + 1]?.type === tt.braceL) return blockCalls(tokens, k + 1);
      } else if (!header && type === tt.braceR && !BLOCK_GOES_ON.has(tokens[k + 1]?.type)) return false;
    } else if (depth === 0 && !header && type === tt.semi) return false;
  }
  return true;
}

/** After a `}`, these go on with the same statement (`if {} else {}`, `try {} catch {}`). */
const BLOCK_GOES_ON = new Set<tt | undefined>([tt._else, tt._catch, tt._finally]);

/** A call, `new`, a tagged template, `await` or `yield` at token `k`. */
function isCall(tokens: readonly Token[], k: number): boolean {
  const type = tokens[k].type;
  if (type === tt._new || type === tt._yield) return true;
  if (type === tt.name && tokens[k].contextualKeyword === ContextualKeyword._await) return true;
  return (type === tt.parenL || type === tt.backQuote) && CALLEES.has(tokens[k - 1]?.type);
}

/** Whether the block opening at `open` has a call in it. */
function blockCalls(tokens: readonly Token[], open: number): boolean {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const type = tokens[k].type;
    if (isCall(tokens, k)) return true;
    if (OPENERS.has(type)) depth++;
    else if (CLOSERS.has(type) && --depth === 0) return false;
  }
  return true;
}

/** The index of the opener that matches the closer at `close`. */
function matchBack(tokens: readonly Token[], close: number, opener: tt, closer: tt): number {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    if (tokens[k].type === closer) depth++;
    else if (tokens[k].type === opener && --depth === 0) return k;
  }
  return 0;
}
