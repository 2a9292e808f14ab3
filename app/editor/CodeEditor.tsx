// A cell's Monaco editor. It grows with its content, and is created only when the cell comes near
// the screen (or takes the focus): until then a plain <pre> of the source stands in, so a notebook
// of 50 cells opens fast. The edit-mode keys come from the command registry.
import { useEffect, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor';
import { COMMANDS } from '../commands/registry';
import { loadMonaco, loadMonacoWhenIdle } from './load-monaco';
import { queueEditorCreation } from './editor-queue';
import { monacoKeybinding } from './keybindings';
import { modelUri } from './model-uri';

export interface CodeEditorProps {
  /** Names the editor's model, so IntelliSense can tell cells apart. */
  cellId: string;
  value: string;
  language: 'typescript' | 'markdown';
  ariaLabel: string;
  /** Increments when the editor should take the keyboard focus. */
  focusRequest: number;
  /** A 1-based line to mark as where an error happened. */
  errorLine: number | null;
  onChange(value: string): void;
  onFocus(): void;
  onBlur(): void;
  /** Runs an edit-mode command (by id) for this cell. */
  onCommand(id: string): void;
}

const OPTIONS: Monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  fixedOverflowWidgets: true,
  fontSize: 13.5,
  lineHeight: 20,
  lineNumbersMinChars: 3,
  minimap: { enabled: false },
  overviewRulerLanes: 0,
  padding: { top: 8, bottom: 8 },
  renderLineHighlightOnlyWhenFocus: true,
  scrollBeyondLastLine: false,
  scrollbar: { vertical: 'hidden', alwaysConsumeMouseWheel: false },
  tabSize: 2,
  wordWrap: 'on',
  // TypeScript knows the names; words from other cells would only repeat them as plain text.
  wordBasedSuggestions: 'currentDocument',
};

export { modelUri };

export function CodeEditor(props: CodeEditorProps) {
  const outer = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const [wanted, setWanted] = useState(false);
  /** A click on the stand-in asks for the editor and the focus. */
  const focusWhenCreated = useRef(false);
  const [editor, setEditor] = useState<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const latest = useRef(props);
  latest.current = props;

  // Create the editor once the cell is near the viewport.
  useEffect(() => {
    const element = outer.current;
    if (!element || wanted) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setWanted(true), { rootMargin: '400px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [wanted]);

  useEffect(() => {
    if (props.focusRequest === 0) return;
    setWanted(true);
    void loadMonaco(); // now, not once the kernel is idle
  }, [props.focusRequest]);

  useEffect(() => {
    if (!wanted) return;
    let created: Monaco.editor.IStandaloneCodeEditor | null = null;
    let cancelled = false;
    let unqueue = () => {};
    const create = (monaco: typeof Monaco) => {
      if (cancelled || !host.current) return;
      const { value, language, ariaLabel, cellId } = latest.current;
      const uri = monaco.Uri.parse(modelUri(cellId, language));
      monaco.editor.getModel(uri)?.dispose();
      const model = monaco.editor.createModel(value, language, uri);
      // Monaco picks CRLF on Windows; cell sources (and .ipynb files) use \n everywhere.
      model.setEOL(monaco.editor.EndOfLineSequence.LF);
      created = monaco.editor.create(host.current, { ...OPTIONS, model, ariaLabel });
      const instance = created;
      const fitHeight = () => {
        if (host.current) host.current.style.height = `${instance.getContentHeight()}px`;
      };
      instance.onDidContentSizeChange(fitHeight);
      instance.onDidChangeModelContent(() => latest.current.onChange(instance.getValue()));
      instance.onDidFocusEditorText(() => latest.current.onFocus());
      instance.onDidBlurEditorText(() => latest.current.onBlur());
      // Actions, unlike addCommand's bindings, belong to this editor alone.
      for (const command of COMMANDS) {
        const keys = command.editKeys ?? [];
        if (keys.length === 0) continue;
        instance.addAction({
          id: `wick.${command.id}`,
          label: command.label,
          keybindings: keys.map((key) => monacoKeybinding(monaco, key)),
          // Escape first closes Monaco's own widgets (suggestions, find, hints).
          precondition: keys.includes('Escape') ? '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible' : undefined,
          run: () => latest.current.onCommand(command.id),
        });
      }
      fitHeight();
      setEditor(instance);
      // Asked for by a click on the stand-in: unless the focus has moved to another cell or control since.
      const active = document.activeElement;
      const stillHere = active === null || active === document.body || !!outer.current?.closest('[data-testid="cell"]')?.contains(active);
      if (focusWhenCreated.current && stillHere) instance.focus();
    };
    // An editor that is only shown waits for an idle kernel (load-monaco.ts); one that takes the focus does not.
    const urgent = () => focusWhenCreated.current || latest.current.focusRequest > 0;
    void (urgent() ? loadMonaco() : loadMonacoWhenIdle()).then((monaco) => {
      if (!cancelled) unqueue = queueEditorCreation(() => create(monaco), urgent());
    });
    return () => {
      cancelled = true;
      unqueue();
      created?.getModel()?.dispose();
      created?.dispose();
    };
  }, [wanted]);

  useEffect(() => {
    if (editor && editor.getValue() !== props.value) editor.setValue(props.value);
  }, [editor, props.value]);

  useEffect(() => {
    if (editor && props.focusRequest > 0) editor.focus();
  }, [editor, props.focusRequest]);

  useErrorLine(editor, props.errorLine);
  const markers = useMarkers(editor);

  return (
    <div className="code-editor" ref={outer}>
      {!editor && (
        <pre
          className="code-editor-placeholder"
          onMouseDown={() => {
            focusWhenCreated.current = true;
            setWanted(true);
            void loadMonaco();
          }}
          aria-label={props.ariaLabel}
        >
          {props.value || ' '}
        </pre>
      )}
      <div ref={host} className="code-editor-host" />
      {/* The editor's diagnostics as text (Monaco shows them on hover): for tests and assistive tools. */}
      <ul hidden data-testid="cell-diagnostics">
        {markers.map((m, i) => (
          <li key={i} data-severity={m.severity} data-unnecessary={m.unnecessary || undefined}>
            {`line ${m.line}: ${m.message}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Highlights the line an error happened on, and shows it. */
function useErrorLine(editor: Monaco.editor.IStandaloneCodeEditor | null, line: number | null): void {
  useEffect(() => {
    if (!editor || line === null) return;
    const lines = editor.getModel()?.getLineCount() ?? 0;
    if (line < 1 || line > lines) return;
    const decorations = editor.createDecorationsCollection([
      {
        range: { startLineNumber: line, startColumn: 1, endLineNumber: line, endColumn: 1 },
        options: {
          isWholeLine: true,
          className: 'error-line-highlight',
          linesDecorationsClassName: 'error-line-gutter',
          hoverMessage: { value: 'The error happened here' },
        },
      },
    ]);
    editor.revealLineInCenterIfOutsideViewport(line);
    return () => decorations.clear();
  }, [editor, line]);
}

interface MarkerSummary {
  line: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  unnecessary: boolean;
}

/** The markers on the editor's model (syntax errors, type errors with Wick's hints, unused names). */
function useMarkers(editor: Monaco.editor.IStandaloneCodeEditor | null): MarkerSummary[] {
  const [markers, setMarkers] = useState<MarkerSummary[]>([]);
  useEffect(() => {
    const uri = editor?.getModel()?.uri;
    if (!editor || !uri) return;
    let listener: Monaco.IDisposable | null = null;
    let cancelled = false;
    void loadMonaco().then((monaco) => {
      if (cancelled) return;
      const names = { [monaco.MarkerSeverity.Error]: 'error', [monaco.MarkerSeverity.Warning]: 'warning', [monaco.MarkerSeverity.Info]: 'info' } as const;
      const read = () =>
        setMarkers(
          monaco.editor.getModelMarkers({ resource: uri }).map((m) => ({
            line: m.startLineNumber,
            severity: names[m.severity as keyof typeof names] ?? 'hint',
            message: m.message,
            unnecessary: m.tags?.includes(monaco.MarkerTag.Unnecessary) ?? false,
          })),
        );
      read();
      listener = monaco.editor.onDidChangeMarkers((uris) => uris.some((u) => u.toString() === uri.toString()) && read());
    });
    return () => {
      cancelled = true;
      listener?.dispose();
    };
  }, [editor]);
  return markers;
}
