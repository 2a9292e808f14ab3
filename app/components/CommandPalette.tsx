// The command palette (Ctrl/Cmd+Shift+P anywhere, F1 outside the editor): every command of the
// registry, filtered by what is typed, with its keys. Arrows move, Enter runs, Escape closes.
import { useEffect, useMemo, useRef, useState } from 'react';
import { normalizeKey } from '../commands/keyboard';
import { COMMANDS, type Command } from '../commands/registry';
import { CommandLabel } from './CommandLabel';
import { usePanels } from '../panels/panels-store';
import { useWick } from '../store';

/** Commands whose label holds every word of `query`, those starting with it first. */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = commands.filter((c) => !c.hidden && c.id !== 'command-palette' && words.every((w) => c.label.toLowerCase().includes(w)));
  const starts = (c: Command) => (words.length > 0 && c.label.toLowerCase().startsWith(words[0]) ? 0 : 1);
  return matching
    .map((c, i) => ({ c, i }))
    .sort((a, b) => starts(a.c) - starts(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

function Palette() {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  /** Where the focus was, to go back to when the palette closes. */
  const returnTo = useRef<Element | null>(document.activeElement);
  const state = useWick.getState();
  const matches = useMemo(() => filterCommands(COMMANDS, query), [query]);
  const at = Math.min(active, Math.max(0, matches.length - 1));

  // Block bodies: scrolling methods return a promise in newer browsers, which an effect must not return.
  useEffect(() => {
    input.current?.focus();
  }, []);
  useEffect(() => {
    void list.current?.querySelector(`[data-index="${at}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [at]);

  const close = () => {
    usePanels.getState().setPaletteOpen(false);
    const back = returnTo.current;
    if (back instanceof HTMLElement && back.isConnected) back.focus({ preventScroll: true });
  };
  const run = (c: Command | undefined) => {
    if (!c || (c.isEnabled && !c.isEnabled(useWick.getState()))) return;
    close();
    void c.run();
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    const key = normalizeKey(event.nativeEvent);
    if (key === 'Escape' || key === 'Mod+Shift+P') close();
    else if (key === 'ArrowDown') setActive((at + 1) % Math.max(1, matches.length));
    else if (key === 'ArrowUp') setActive((at - 1 + matches.length) % Math.max(1, matches.length));
    else if (key === 'Enter') run(matches[at]);
    else if (key === 'Tab' || key === 'Shift+Tab') input.current?.focus();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onKeyDown={onKeyDown}>
        <input
          ref={input}
          type="text"
          role="combobox"
          aria-label="Search commands"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-autocomplete="list"
          aria-activedescendant={matches.length ? `palette-option-${at}` : undefined}
          placeholder="Type a command…"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
        />
        <ul ref={list} id="palette-list" role="listbox" aria-label="Commands">
          {matches.map((c, i) => {
            const enabled = c.isEnabled ? c.isEnabled(state) : true;
            return (
              <li
                key={c.id}
                id={`palette-option-${i}`}
                data-index={i}
                role="option"
                aria-selected={i === at}
                aria-disabled={!enabled}
                onMouseMove={() => i !== at && setActive(i)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => run(c)}
              >
                <CommandLabel command={c} state={state} />
              </li>
            );
          })}
        </ul>
        {matches.length === 0 && <p className="palette-empty">No command matches “{query}”.</p>}
      </div>
    </div>
  );
}

export function CommandPalette() {
  const open = usePanels((s) => s.paletteOpen);
  return open ? <Palette /> : null;
}
