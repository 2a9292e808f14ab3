// The outline: the markdown cells' headings, indented by level; a click scrolls to the cell and selects it.
import { useMemo } from 'react';
import { useWick, type AuthoredCell } from '../store';

export interface Heading {
  cellId: string;
  level: number;
  text: string;
}

/** The headings (`#` to `######`) of the markdown cells, outside fenced code, as plain text. */
export function headingsOf(cells: readonly AuthoredCell[]): Heading[] {
  const headings: Heading[] = [];
  for (const cell of cells) {
    if (cell.type !== 'markdown') continue;
    let fenced = false;
    for (const line of cell.source.split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const match = fenced ? null : /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (!match || match[2] === '') continue;
      const text = match[2]
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, '$2')
        .trim();
      headings.push({ cellId: cell.id, level: match[1].length, text });
    }
  }
  return headings;
}

/** Selects the cell and scrolls it to the top of the page, below the sticky toolbar. */
function goTo(cellId: string): void {
  const { cells, enterMode } = useWick.getState();
  const index = cells.findIndex((c) => c.id === cellId);
  enterMode('command', cellId);
  const element = document.querySelectorAll<HTMLElement>('[data-testid="cell"]')[index];
  if (!element) return;
  const toolbar = document.querySelector('.toolbar')?.getBoundingClientRect().bottom ?? 0;
  window.scrollTo({ top: window.scrollY + element.getBoundingClientRect().top - toolbar - 8 });
}

export function OutlinePanel() {
  const cells = useWick((s) => s.cells);
  const selectedId = useWick((s) => s.selectedId);
  const headings = useMemo(() => headingsOf(cells), [cells]);
  if (headings.length === 0) return <p className="panel-empty">No headings yet. Markdown cells&apos; headings (# Title) appear here.</p>;
  const top = Math.min(...headings.map((h) => h.level));
  return (
    <ol className="outline" data-testid="outline">
      {headings.map((h, i) => (
        <li key={`${h.cellId}-${i}`} style={{ paddingLeft: `${(h.level - top) * 14}px` }}>
          <button
            type="button"
            className={`outline-heading level-${h.level}`}
            aria-current={h.cellId === selectedId ? 'true' : undefined}
            onClick={() => goTo(h.cellId)}
          >
            {h.text}
          </button>
        </li>
      ))}
    </ol>
  );
}
