import 'katex/dist/katex.min.css';
import { useMemo } from 'react';
import { renderMarkdown } from './markdown';

/** A markdown cell's rendered text; double-click (or Enter in command mode) to edit. */
export function MarkdownView({ source, onEdit }: { source: string; onEdit(): void }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  if (source.trim() === '') {
    return (
      <div className="markdown-view empty" data-testid="markdown-view" onDoubleClick={onEdit}>
        Empty markdown cell: double-click to edit
      </div>
    );
  }
  return <div className="markdown-view" data-testid="markdown-view" onDoubleClick={onEdit} dangerouslySetInnerHTML={{ __html: html }} />;
}
