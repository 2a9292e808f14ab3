// One view per output bundle type. A bundle type without a view fails type-checking here.
import type { ComponentType } from 'react';
import type { OutputBundle } from '../../workers/protocol';
import { AutogradGraphOutput } from './AutogradGraphOutput';
import { ErrorOutput } from './ErrorOutput';
import { GraphOutput } from './GraphOutput';
import { MemoryOutput } from './MemoryOutput';
import { ModuleOutput } from './ModuleOutput';
import { PlotOutput } from './PlotOutput';
import { ProfileOutput } from './ProfileOutput';
import { ProgressOutput } from './ProgressOutput';
import { TableOutput } from './table/TableOutput';
import { TensorOutput } from './tensor/TensorOutput';
import { TextOutput } from './TextOutput';

type OutputViews = {
  [T in OutputBundle['type']]: ComponentType<{ output: Extract<OutputBundle, { type: T }> }>;
};

const views: OutputViews = {
  text: TextOutput,
  tensor: TensorOutput,
  error: ErrorOutput,
  progress: ProgressOutput,
  module: ModuleOutput,
  graph: GraphOutput,
  profile: ProfileOutput,
  plot: PlotOutput,
  'autograd-graph': AutogradGraphOutput,
  memory: MemoryOutput,
  table: TableOutput,
};

export function OutputView({ output }: { output: OutputBundle }) {
  const View = views[output.type] as ComponentType<{ output: OutputBundle }>;
  return <View output={output} />;
}
