// Page state that is neither the notebook nor the kernel: selection, focus, notices.
import type { StateCreator } from 'zustand';
import type { WickState } from './index';

export interface UiSlice {
  selectedId: string | null;
  /** Bumped when the selected cell's editor should take focus. */
  focusRequest: number;
  select(id: string | null, focus?: boolean): void;
  /** A message above the notebook, e.g. that an interrupt lost the kernel's state. */
  notice: string | null;
  setNotice(notice: string | null): void;
}

export const createUiSlice: StateCreator<WickState, [], [], UiSlice> = (set) => ({
  selectedId: null,
  focusRequest: 0,
  select(selectedId, focus = false) {
    set(({ focusRequest }) => ({ selectedId, focusRequest: focus ? focusRequest + 1 : focusRequest }));
  },
  notice: null,
  setNotice(notice) {
    set({ notice });
  },
});
