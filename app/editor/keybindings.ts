// Command-registry keys (`Mod+Shift+Enter`) as Monaco keybindings.
import type * as Monaco from 'monaco-editor';

export function monacoKeybinding(monaco: typeof Monaco, key: string): number {
  const { KeyMod, KeyCode } = monaco;
  let binding = 0;
  for (const part of key.split('+')) {
    if (part === 'Mod') binding |= KeyMod.CtrlCmd;
    else if (part === 'Shift') binding |= KeyMod.Shift;
    else if (part === 'Alt') binding |= KeyMod.Alt;
    else if (/^[A-Z]$/.test(part)) binding |= KeyCode[`Key${part}` as keyof typeof KeyCode];
    else binding |= KeyCode[part as keyof typeof KeyCode];
  }
  return binding;
}
