// Interrupt guards in every loop of a cell, nested functions included, found from the tokens of
// the cell's JavaScript. A guard is a call that returns true, or throws once the user pressed
// Interrupt. It goes where it changes nothing else:
//   while (c)            → while (GUARD(), c)
//   do { … } while (c)   → do { … } while (GUARD(), c)
//   for (i; c; u)        → for (i; GUARD(), c; u)        for (i; ; u) → for (i; GUARD(); u)
//   for (x of xs) { … }  → for (x of xs) { GUARD(); … } (and for-in, for await)
// A for-of or for-in whose body is a single statement runs once per item of a finite iterable in
// practice; loops inside that statement have their own guards. Whatever no guard reaches (a
// regular expression that backtracks forever, say) the page stops by restarting the Worker.
import type { Token } from 'sucrase/dist/esm/parser/tokenizer/index';
import { TokenType as tt } from 'sucrase/dist/esm/parser/tokenizer/types';
import type { Edit } from './position-map';

const OPENERS = new Set<tt>([tt.parenL, tt.bracketL, tt.braceL, tt.dollarBraceL]);
const CLOSERS = new Set<tt>([tt.parenR, tt.bracketR, tt.braceR]);

/** Edits that put `guard()` into each loop. Keywords used as names are `name` tokens in Sucrase. */
export function loopGuardEdits(tokens: readonly Token[], guard: string): Edit[] {
  const edits: Edit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i].type;
    if (type === tt._while && tokens[i + 1]?.type === tt.parenL) {
      edits.push({ at: tokens[i + 1].end, remove: 0, insert: `${guard}(), ` });
    } else if (type === tt._for) {
      const open = tokens[i + 1]?.type === tt.parenL ? i + 1 : i + 2; // `for await (`
      if (tokens[open]?.type !== tt.parenL) continue;
      edits.push(...forLoopEdits(tokens, open, guard));
    }
  }
  return edits;
}

function forLoopEdits(tokens: readonly Token[], open: number, guard: string): Edit[] {
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
    return [{ at: tokens[firstSemicolon].end, remove: 0, insert: empty ? ` ${guard}()` : ` ${guard}(),` }];
  }
  const body = tokens[close + 1];
  return body?.type === tt.braceL ? [{ at: body.end, remove: 0, insert: ` ${guard}();` }] : [];
}
