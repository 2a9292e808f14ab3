/** torch.optim: optimizers and learning-rate schedulers. */
export { Optimizer } from './optimizer';
export { SGD } from './sgd';
export { Adam, AdamW } from './adam';
export { StepLR, CosineAnnealingLR } from './lr-scheduler';
export * as lrScheduler from './lr-scheduler';
