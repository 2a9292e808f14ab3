import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/** A markdown cell's rendered text; double-click to edit. Notebooks come from files and links, so the HTML is sanitized. */
export function MarkdownView({ source, onEdit }: { source: string; onEdit(): void }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parse(source, { async: false })), [source]);
  if (source.trim() === '') {
    return (
      <div className="markdown-view empty" onDoubleClick={onEdit}>
        Empty markdown cell: double-click to edit
      </div>
    );
  }
  return <div className="markdown-view" onDoubleClick={onEdit} dangerouslySetInnerHTML={{ __html: html }} />;
}
