// Every command with its keys, in a menu: the same registry the toolbar and keyboard use.
import { useEffect, useRef, useState } from 'react';
import { COMMANDS } from '../commands/registry';
import { CommandLabel } from './CommandLabel';
import { useWick } from '../store';

export function CommandsMenu() {
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLUListElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const state = useWick.getState();
  const items = COMMANDS.filter((c) => !c.hidden);

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown') entries[(at + 1) % entries.length]?.focus();
    else if (event.key === 'ArrowUp') entries[(at - 1 + entries.length) % entries.length]?.focus();
    else return;
    event.preventDefault();
  };

  return (
    <div className="commands-menu">
      <button ref={button} type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        Commands
      </button>
      {open && (
        <ul
          ref={menu}
          role="menu"
          aria-label="Commands"
          className="menu"
          onKeyDown={onKeyDown}
          onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}
        >
          {items.map((c) => {
            const enabled = c.isEnabled ? c.isEnabled(state) : true;
            return (
              <li
                key={c.id}
                role={c.isChecked ? 'menuitemcheckbox' : 'menuitem'}
                aria-checked={c.isChecked ? c.isChecked(state) : undefined}
                tabIndex={-1}
                aria-disabled={!enabled}
                onClick={() => {
                  if (!enabled) return;
                  close();
                  void c.run();
                }}
                onKeyDown={(event) => {
                  if (event.key !== 'Enter' && event.key !== ' ') return;
                  event.preventDefault();
                  event.currentTarget.click();
                }}
              >
                <CommandLabel command={c} state={state} />
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
