import { beforeEach, describe, expect, it } from 'vitest';
import { useWick } from './index';

const state = () => useWick.getState();
const ids = () => state().cells.map((c) => c.id);

describe('notebook slice', () => {
  beforeEach(() => {
    state().replaceNotebook('t.ipynb', [
      { id: 'a', type: 'code', source: 'a' },
      { id: 'b', type: 'markdown', source: 'b' },
      { id: 'c', type: 'code', source: 'c' },
    ]);
  });

  it('inserts, moves and changes the type of cells', () => {
    const added = state().insertCell('code', 1);
    expect(ids()).toEqual(['a', added, 'b', 'c']);
    state().moveCell('a', 2);
    expect(ids()).toEqual([added, 'b', 'a', 'c']);
    state().moveCell('a', 10);
    expect(ids()).toEqual([added, 'b', 'c', 'a']);
    state().setCellType('b', 'code');
    expect(state().cells[1]).toMatchObject({ id: 'b', type: 'code', source: 'b' });
  });

  it('undoes deletes in reverse order, each back where it was', () => {
    state().deleteCell('b');
    state().deleteCell('a');
    expect(ids()).toEqual(['c']);
    expect(state().undoDelete()).toBe('a');
    expect(ids()).toEqual(['a', 'c']);
    expect(state().undoDelete()).toBe('b');
    expect(ids()).toEqual(['a', 'b', 'c']);
    expect(state().undoDelete()).toBeNull();
  });

  it('keeps the cells array when an edit changes nothing (so autosave does not fire)', () => {
    const before = state().cells;
    state().setSource('a', 'a');
    expect(state().cells).toBe(before);
  });
});
