import { useMemo } from 'react';
import { useKatexLoaded } from './katex-loader';
import { renderMarkdown } from './markdown';

/** A markdown cell's rendered text; double-click (or Enter in command mode) to edit. */
export function MarkdownView({ source, onEdit }: { source: string; onEdit(): void }) {
  const katexLoaded = useKatexLoaded();
  // Rendered again once KaTeX has loaded, when the first render met math.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- katexLoaded is the re-render trigger, not an input
  const { html } = useMemo(() => renderMarkdown(source), [source, katexLoaded]);
  if (source.trim() === '') {
    return (
      <div className="markdown-view empty" data-testid="markdown-view" onDoubleClick={onEdit}>
        Empty markdown cell: double-click to edit
      </div>
    );
  }
  return <div className="markdown-view" data-testid="markdown-view" onDoubleClick={onEdit} dangerouslySetInnerHTML={{ __html: html }} />;
}
