// The pure parts of the panels: the palette's filter, the outline's headings, the collapsed summary.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands/registry';
import { filterCommands } from './CommandPalette';
import { headingsOf } from './OutlinePanel';
import { collapsedSummary } from './OutputCollapse';

describe('filterCommands', () => {
  it('keeps commands whose label has every word typed, those starting with it first, never hidden ones', () => {
    expect(filterCommands(COMMANDS, 'out clear').map((c) => c.label)).toEqual(['Clear all outputs', 'Clear cell output']);
    expect(filterCommands(COMMANDS, 'RUN ALL').map((c) => c.label)).toEqual(['Run all', 'Restart and run all']);
    expect(filterCommands(COMMANDS, 'select cell above')).toEqual([]);
    expect(filterCommands(COMMANDS, '').some((c) => c.hidden || c.id === 'command-palette')).toBe(false);
    expect(filterCommands(COMMANDS, '').length).toBe(COMMANDS.filter((c) => !c.hidden).length - 1);
  });
});

describe('headingsOf', () => {
  it('lists the markdown cells’ headings as plain text, outside code fences and code cells', () => {
    const cells = [
      { id: 'a', type: 'markdown' as const, source: '# Title #\ntext\n```\n# comment\n```\n## **Bold** and [link](x) `code`' },
      { id: 'b', type: 'code' as const, source: '# not markdown' },
      { id: 'c', type: 'markdown' as const, source: '#NoSpace\n   ### Deep\n####### seven' },
    ];
    expect(headingsOf(cells)).toEqual([
      { cellId: 'a', level: 1, text: 'Title' },
      { cellId: 'a', level: 2, text: 'Bold and link code' },
      { cellId: 'c', level: 3, text: 'Deep' },
    ]);
  });
});

describe('collapsedSummary', () => {
  it('counts the outputs and names their kinds once each', () => {
    const text = { type: 'text', stream: 'stdout', text: 'a' } as const;
    const error = { type: 'error', name: 'Error', message: 'm', line: null } as const;
    expect(collapsedSummary([text, error, text])).toBe('3 outputs hidden (text, error)');
    expect(collapsedSummary([text])).toBe('1 output hidden (text)');
  });
});
