// An nn.Module as a tree the page can fold: each module's class, PyTorch's extra repr, its own
// parameters, and the parameter count below it.
import { nn } from '../engine';
import type { ModuleNode, OutputBundle } from './protocol';

type Module = InstanceType<typeof nn.Module>;

export function moduleBundle(module: Module): OutputBundle {
  return { type: 'module', text: String(module), tree: moduleNode('', module) };
}

function moduleNode(name: string, module: Module): ModuleNode {
  const children = module.namedChildren().map(([childName, child]) => moduleNode(childName, child));
  const parameters = module.namedParameters('', false).map(([paramName, p]) => ({
    name: paramName,
    shape: [...p.shape],
    dtype: p.dtype,
    requiresGrad: p.requiresGrad,
  }));
  const own = parameters.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  return {
    name,
    type: module.constructor.name,
    extra: module.extraRepr(),
    parameters,
    count: own + children.reduce((n, c) => n + c.count, 0),
    children,
  };
}
