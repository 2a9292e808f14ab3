// A Monaco editor that grows with its content; shows the plain source until Monaco has loaded.
import { useEffect, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor';
import { loadMonaco } from './load-monaco';

export interface CodeEditorProps {
  value: string;
  language: 'typescript' | 'markdown';
  ariaLabel: string;
  /** Increments when the editor should take the keyboard focus. */
  focusRequest: number;
  onChange(value: string): void;
  /** Shift+Enter (`advance`) or Ctrl/Cmd+Enter. */
  onRun(advance: boolean): void;
  onFocus(): void;
}

const OPTIONS: Monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  fixedOverflowWidgets: true,
  fontSize: 13.5,
  lineNumbersMinChars: 3,
  minimap: { enabled: false },
  overviewRulerLanes: 0,
  padding: { top: 8, bottom: 8 },
  renderLineHighlightOnlyWhenFocus: true,
  scrollBeyondLastLine: false,
  scrollbar: { vertical: 'hidden', alwaysConsumeMouseWheel: false },
  tabSize: 2,
  wordWrap: 'on',
};

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    let created: Monaco.editor.IStandaloneCodeEditor | null = null;
    let cancelled = false;
    void loadMonaco().then((monaco) => {
      if (cancelled || !host.current) return;
      const { value, language, ariaLabel } = latest.current;
      created = monaco.editor.create(host.current, { ...OPTIONS, value, language, ariaLabel });
      const instance = created;
      // Monaco picks CRLF on Windows; cell sources (and .ipynb files) use \n everywhere.
      instance.getModel()?.setEOL(monaco.editor.EndOfLineSequence.LF);
      const fitHeight = () => {
        if (host.current) host.current.style.height = `${instance.getContentHeight()}px`;
      };
      instance.onDidContentSizeChange(fitHeight);
      instance.onDidChangeModelContent(() => latest.current.onChange(instance.getValue()));
      instance.onDidFocusEditorText(() => latest.current.onFocus());
      const { KeyMod, KeyCode } = monaco;
      instance.addAction({ id: 'wick.run-advance', label: 'Run cell and select next', keybindings: [KeyMod.Shift | KeyCode.Enter], run: () => latest.current.onRun(true) });
      instance.addAction({ id: 'wick.run', label: 'Run cell', keybindings: [KeyMod.CtrlCmd | KeyCode.Enter], run: () => latest.current.onRun(false) });
      fitHeight();
      setEditor(instance);
    });
    return () => {
      cancelled = true;
      created?.getModel()?.dispose();
      created?.dispose();
    };
  }, []);

  useEffect(() => {
    if (editor && editor.getValue() !== props.value) editor.setValue(props.value);
  }, [editor, props.value]);

  useEffect(() => {
    if (editor && props.focusRequest > 0) editor.focus();
  }, [editor, props.focusRequest]);

  return (
    <div className="code-editor">
      {!editor && <pre className="code-editor-placeholder">{props.value || ' '}</pre>}
      <div ref={host} className="code-editor-host" />
    </div>
  );
}
