/** torch.nn: modules and layers. */
export { Module, Parameter } from './module';
export { Sequential, ModuleList } from './containers';
export { Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, LayerNorm, Embedding, Dropout, ReLU, GELU, Sigmoid, Tanh, CrossEntropyLoss, MSELoss } from './layers';
// ---- losses, activations, init, utils (#23) ----
export * as utils from './utils';
export { Identity, SiLU, Mish, LeakyReLU, ELU, Hardtanh, Softplus, Softmax, LogSoftmax } from './activations';
export { L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, CosineEmbeddingLoss } from './losses';
export * as init from './init';
