// The side panel beside the notebook: the variables, the outline or the files (toolbar toggles, or the commands).
import { useEffect, useRef, type ComponentType } from 'react';
import { command } from '../commands/registry';
import { usePanels, type SidePanel as Panel } from '../panels/panels-store';
import { FilesPanel } from './FilesPanel';
import { OutlinePanel } from './OutlinePanel';
import { VariablesPanel } from './VariablesPanel';

const TITLES: Record<Panel, string> = { variables: 'Variables', outline: 'Outline', files: 'Files' };
const COMMAND: Record<Panel, string> = { variables: 'toggle-variables', outline: 'toggle-outline', files: 'toggle-files' };
const BODY: Record<Panel, ComponentType> = { variables: VariablesPanel, outline: OutlinePanel, files: FilesPanel };

/** The toolbar's toggles for the side panels: their names are the commands' labels. */
export function SidePanelToggles() {
  const side = usePanels((s) => s.side);
  return (
    <span className="panel-toggles" role="group" aria-label="Side panels">
      {(['variables', 'outline', 'files'] as const).map((panel) => (
        <button
          key={panel}
          type="button"
          className="panel-toggle"
          aria-pressed={side === panel}
          aria-controls={side === panel ? 'side-panel' : undefined}
          title={side === panel ? `Hide the ${TITLES[panel].toLowerCase()}` : `Show the ${TITLES[panel].toLowerCase()}`}
          onClick={() => void command(COMMAND[panel]).run()}
        >
          {command(COMMAND[panel]).label}
        </button>
      ))}
    </span>
  );
}

export function SidePanel() {
  const side = usePanels((s) => s.side);
  const aside = useRef<HTMLElement>(null);
  // The panel starts below the sticky toolbar, whose height changes as its buttons wrap.
  useEffect(() => {
    const toolbar = document.querySelector<HTMLElement>('.toolbar');
    if (!side || !toolbar) return;
    const place = () => aside.current?.style.setProperty('top', `${toolbar.getBoundingClientRect().height}px`);
    place();
    const observer = new ResizeObserver(place);
    observer.observe(toolbar);
    return () => observer.disconnect();
  }, [side]);
  if (!side) return null;
  const Body = BODY[side];
  return (
    <aside ref={aside} id="side-panel" className="side-panel" aria-label={TITLES[side]}>
      <header className="side-panel-header">
        <h2>{TITLES[side]}</h2>
        <button
          type="button"
          className="icon"
          aria-label={`Close ${TITLES[side].toLowerCase()}`}
          title="Close"
          onClick={() => usePanels.getState().setSide(null)}
        >
          ✕
        </button>
      </header>
      <div className="side-panel-body">
        <Body />
      </div>
    </aside>
  );
}
