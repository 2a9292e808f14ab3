// Positions in a compiled cell mapped back to the cell the user wrote, in two steps:
//   compiled code ─(our edits: wrapper, scope rewrites, loop guards)─▶ Sucrase's JavaScript
//   Sucrase's JavaScript ─(Sucrase's source map: one segment per token)─▶ the TypeScript cell
// Lines and columns are 1-based, as in stack traces and editors.

export interface Position {
  line: number;
  column: number;
}

/** A change to a text: `remove` characters at `at` replaced by `insert`. */
export interface Edit {
  at: number;
  remove: number;
  insert: string;
  /** Wrapper text has no place in the cell: positions inside it map to nothing. */
  wrapper?: boolean;
}

interface Span {
  /** Where the span starts in the edited text. */
  out: number;
  /** Where it came from in the original text (for an insertion: where it was inserted). */
  from: number;
  length: number;
  kind: 'copied' | 'inserted' | 'wrapper';
}

/** A text with edits applied, which can tell where each of its characters came from. */
export class EditedText {
  readonly text: string;
  private readonly spans: Span[] = [];

  constructor(original: string, edits: readonly Edit[]) {
    // Stable by offset: edits at the same offset go in the order given.
    const ordered = edits.map((edit, order) => ({ edit, order })).sort((a, b) => a.edit.at - b.edit.at || a.order - b.order);
    const parts: string[] = [];
    let out = 0;
    let read = 0;
    const push = (text: string, from: number, kind: Span['kind']) => {
      if (text.length === 0) return;
      parts.push(text);
      this.spans.push({ out, from, length: text.length, kind });
      out += text.length;
    };
    for (const { edit } of ordered) {
      if (edit.at < read) throw new Error(`overlapping edits at ${edit.at}`);
      push(original.slice(read, edit.at), read, 'copied');
      push(edit.insert, edit.at, edit.wrapper ? 'wrapper' : 'inserted');
      read = edit.at + edit.remove;
    }
    push(original.slice(read), read, 'copied');
    this.text = parts.join('');
  }

  /** The original offset of the character at `offset`, or null inside wrapper text. */
  originalOffset(offset: number): number | null {
    let lo = 0;
    let hi = this.spans.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.spans[mid].out <= offset) lo = mid;
      else hi = mid - 1;
    }
    const span = this.spans[lo];
    if (!span || span.kind === 'wrapper') return null;
    return span.kind === 'copied' ? span.from + Math.min(offset - span.out, span.length) : span.from;
  }
}

/** Line starts of a text, to turn offsets into positions and back. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  offset({ line, column }: Position): number {
    const start = this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1];
    return start + column - 1;
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** One line's segments of a source map: generated column → source line and column (0-based). */
type Segment = [generatedColumn: number, sourceLine: number, sourceColumn: number];

/** A decoded version 3 source map with a single source (what Sucrase writes). */
export class SourceMapLines {
  private readonly lines: Segment[][];

  constructor(mappings: string) {
    this.lines = decodeMappings(mappings);
  }

  /** The source position of a generated one; a column inside a token maps inside the token. */
  original({ line, column }: Position): Position {
    const segments = this.lines[line - 1] ?? [];
    let found: Segment | undefined;
    for (const segment of segments) {
      if (segment[0] > column - 1) break;
      found = segment;
    }
    if (!found) return { line, column };
    return { line: found[1] + 1, column: found[2] + (column - 1 - found[0]) + 1 };
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes the `mappings` field (Base64 VLQ, fields relative to the previous segment). */
function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const line of mappings.split(';')) {
    const segments: Segment[] = [];
    let generatedColumn = 0;
    for (const text of line.split(',')) {
      if (text === '') continue;
      const fields = decodeVlq(text);
      generatedColumn += fields[0];
      if (fields.length < 4) continue;
      sourceLine += fields[2];
      sourceColumn += fields[3];
      segments.push([generatedColumn, sourceLine, sourceColumn]);
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`bad source map character '${char}'`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
