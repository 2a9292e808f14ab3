/** Wick's engine: the public face. No DOM, no React: runs in a Worker and in Node. */
export { torch } from './torch';
export { Tensor } from './tensor';
export * as F from './functional/index';
export { formatTensor } from './format';
export type { DType, Device } from './core/dtype';
export { WickError } from './core/errors';
// ---- composite ops and random generators ----
export { Generator } from './core/generator';
export * as nn from './nn/index';
export * as optim from './optim/index';
export { loadDigits, parseDigits, type Digits } from './data/digits';
export { loadNames, parseNames } from './data/names';
export { compiledInfo } from './compile/compile';
export { warmEagerPipelines } from './warm';
export type { CompiledGraphView, GraphData } from './compile/graph-view';
export { Registry } from './registry';
export type { Profile, ProfileKernel, KernelSummary } from './profile/profile';
// ---- the notebook's files (#25) ----
export { files, writeFile, formatBytes, type FileData } from './io/notebook-files';
export { fileStore, setFileStore, onFilesChanged, checkFileName, MemoryFileStore, type FileStore, type FileInfo } from './io/file-store';
export { setSourceBaseUrl, type Source } from './io/source';
