import { useMemo, type MouseEvent } from 'react';
import { exampleLinkFile } from '../notebook/example-link';
import { openExample } from '../notebook/open-notebook';
import { useKatexLoaded } from './katex-loader';
import { renderMarkdown } from './markdown';

/** A plain click on a link to another example opens it here (a modified click opens a tab as usual). */
function openExampleLink(e: MouseEvent<HTMLDivElement>): void {
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  const link = (e.target as Element).closest?.('a[href]');
  const file = link && e.currentTarget.contains(link) ? exampleLinkFile(link.getAttribute('href') ?? '', location.href) : null;
  if (!file || !link) return;
  e.preventDefault();
  void openExample(file, link.textContent?.trim() || file);
}

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
  return (
    <div className="markdown-view" data-testid="markdown-view" onDoubleClick={onEdit} onClick={openExampleLink} dangerouslySetInnerHTML={{ __html: html }} />
  );
}
