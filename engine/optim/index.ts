/** torch.optim: optimizers and learning-rate schedulers. */
export { Optimizer } from './optimizer';
export { SGD } from './sgd';
export { Adam, AdamW } from './adam';
export { StepLR, CosineAnnealingLR } from './lr-scheduler';
export * as lrScheduler from './lr-scheduler';
// ---- optim (#23) ----
export { RMSprop } from './rmsprop';
export { Adagrad } from './adagrad';
export { Adamax } from './adamax';
export { NAdam } from './nadam';
