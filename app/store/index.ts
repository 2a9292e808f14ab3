// One store, made of slices split by how long their state lives.
import { create } from 'zustand';
import { createKernelSlice, type KernelSlice } from './kernel-slice';
import { createNotebookSlice, type NotebookSlice } from './notebook-slice';
import { createRuntimeSlice, type RuntimeSlice } from './runtime-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

export type WickState = NotebookSlice & RuntimeSlice & KernelSlice & UiSlice;

export const useWick = create<WickState>()((...args) => ({
  ...createNotebookSlice(...args),
  ...createRuntimeSlice(...args),
  ...createKernelSlice(...args),
  ...createUiSlice(...args),
}));

export type { AuthoredCell, CellType } from './notebook-slice';
export type { NotebookOrigin } from './ui-slice';
export { IDLE_CELL, type CellRuntime, type CellStatus } from './runtime-slice';
