// Type errors in cells, checked as the kernel runs them: against the engine's types and what the
// cells above declared. Monaco's own TypeScript diagnostics would check each cell's model against
// the one scope of the focused cell, so it reports syntax only; the types are checked here on each
// cell's probe (cell-scope-types.ts), which imports what the cells above left in scope and exports
// what the cell declares. So a top-level name is never "declared but never read" (a later cell may
// read it), and a name from a cell above is not "cannot find name". The markers go on the cell's
// model, with Wick's hints for PyTorch habits (workers/pytorch-hints.ts) appended.
import type * as Monaco from 'monaco-editor';
import { editorHint, withHint } from '../../workers/pytorch-hints';

/** The owner of Wick's markers on a cell's model (Monaco's own are `typescript`, syntax only). */
export const TYPE_MARKER_OWNER = 'wick-types';

/** Diagnostics that are wrong for a cell: a module it cannot find (the kernel says imports are not available). */
const IGNORED = new Set([2307, 2792]);
const DELAY_MS = 400;

/** One code cell and its probe: the probe's first line is its import, then the cell's source. */
export interface ProbedCell {
  cellUri: string;
  probeUri: string;
  source: string;
}

interface Diagnostic {
  start?: number;
  length?: number;
  messageText: string | { messageText: string; next?: Diagnostic['messageText'][] };
  code: number;
  category: number;
  reportsUnnecessary?: unknown;
  reportsDeprecated?: unknown;
}

function flatten(text: Diagnostic['messageText'], indent = 0): string {
  if (typeof text === 'string') return text;
  const head = `${'  '.repeat(indent)}${text.messageText}`;
  return [head, ...(text.next ?? []).map((n) => flatten(n, indent + 1))].join('\n');
}

function severity(monaco: typeof Monaco, category: number): Monaco.MarkerSeverity {
  // ts.DiagnosticCategory: Warning 0, Error 1, Suggestion 2, Message 3.
  if (category === 1) return monaco.MarkerSeverity.Error;
  if (category === 0) return monaco.MarkerSeverity.Warning;
  if (category === 2) return monaco.MarkerSeverity.Hint;
  return monaco.MarkerSeverity.Info;
}

/** The markers of `diagnostics` (of the probe) that fall in the cell's source, on the cell's lines. */
export function cellMarkers(monaco: typeof Monaco, probe: Monaco.editor.ITextModel, cellLines: number, diagnostics: Diagnostic[]): Monaco.editor.IMarkerData[] {
  const markers: Monaco.editor.IMarkerData[] = [];
  for (const d of diagnostics) {
    if (d.start === undefined || IGNORED.has(d.code)) continue;
    const start = probe.getPositionAt(d.start);
    const end = probe.getPositionAt(d.start + (d.length ?? 0));
    if (start.lineNumber < 2 || start.lineNumber > cellLines + 1) continue;
    const endLine = Math.min(end.lineNumber, cellLines + 1);
    const tags: Monaco.MarkerTag[] = [];
    if (d.reportsUnnecessary) tags.push(monaco.MarkerTag.Unnecessary);
    if (d.reportsDeprecated) tags.push(monaco.MarkerTag.Deprecated);
    const message = flatten(d.messageText);
    markers.push({
      severity: severity(monaco, d.category),
      message: withHint(message, editorHint(message, d.code)),
      code: String(d.code),
      startLineNumber: start.lineNumber - 1,
      startColumn: start.column,
      endLineNumber: endLine - 1,
      endColumn: endLine === end.lineNumber ? end.column : probe.getLineMaxColumn(endLine),
      tags,
    });
  }
  return markers;
}

/** Starts checking; call the returned function with the code cells whenever their probes change (from index `from` on). */
export function startCellDiagnostics(monaco: typeof Monaco): (cells: ProbedCell[], from: number) => void {
  let pending: { cells: ProbedCell[]; from: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;

  const check = async () => {
    timer = null;
    if (running || !pending) return;
    const { cells, from } = pending;
    pending = null;
    running = true;
    try {
      const getWorker = await monaco.typescript.getTypeScriptWorker();
      for (let index = from; index < cells.length; index++) {
        // Newer text (set while this awaited): start again, from here at the latest.
        const newer = pending as { cells: ProbedCell[]; from: number } | null;
        if (newer) {
          newer.from = Math.min(newer.from, index);
          break;
        }
        const cell = cells[index];
        const model = monaco.editor.getModel(monaco.Uri.parse(cell.cellUri));
        const probe = monaco.editor.getModel(monaco.Uri.parse(cell.probeUri));
        if (!model || !probe || model.getValue() !== cell.source) continue;
        const version = probe.getVersionId();
        const worker = await getWorker(probe.uri);
        const diagnostics = [...(await worker.getSemanticDiagnostics(cell.probeUri)), ...(await worker.getSuggestionDiagnostics(cell.probeUri))];
        if (model.isDisposed() || probe.isDisposed() || probe.getVersionId() !== version || model.getValue() !== cell.source) continue;
        monaco.editor.setModelMarkers(model, TYPE_MARKER_OWNER, cellMarkers(monaco, probe, model.getLineCount(), diagnostics as Diagnostic[]));
      }
    } catch {
      // The worker restarted or a model went away: the next change checks again.
    } finally {
      running = false;
      if (pending) timer = setTimeout(() => void check(), DELAY_MS);
    }
  };

  let latest: ProbedCell[] = [];
  const schedule = (cells: ProbedCell[], from: number) => {
    latest = cells;
    pending = { cells, from: pending ? Math.min(pending.from, from) : from };
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => void check(), DELAY_MS);
  };
  // Editors are created as cells come near the screen: check a cell once its model exists.
  monaco.editor.onDidCreateModel((model) => {
    const index = latest.findIndex((c) => c.cellUri === model.uri.toString());
    if (index >= 0) schedule(latest, index);
  });
  return schedule;
}
