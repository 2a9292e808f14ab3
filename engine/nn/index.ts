/** torch.nn: modules and layers. */
export { Module, Parameter } from './module';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './containers';
export { Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, LayerNorm, Embedding, Dropout, ReLU, GELU, Sigmoid, Tanh, CrossEntropyLoss, MSELoss } from './layers';
export { BatchNorm1d, BatchNorm2d, GroupNorm, RMSNorm } from './norm-layers';
export { Upsample, AdaptiveAvgPool2d } from './spatial-layers';
