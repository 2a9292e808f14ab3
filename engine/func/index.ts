/**
 * torch.func: transforms over functions (grad, vjp, jvp, vmap, jacrev, jacfwd, hessian) and over
 * modules as functions of their state (functionalCall, stackModuleState). They compose with each
 * other and with torch.compile.
 */
import { grad, gradAndValue, jacrev, vjp } from './grad';
import { hessian, jacfwd, jvp } from './jvp';
import { vmap } from './vmap';
import { functionalCall, stackModuleState } from './functional-call';

export { grad, gradAndValue, vjp, jvp, vmap, jacrev, jacfwd, hessian, functionalCall, stackModuleState };
export type { VmapOptions, InDims } from './vmap';
export type { GradFnOptions } from './grad';
