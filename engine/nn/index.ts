/** torch.nn: modules and layers. */
export { Module, Parameter } from './module';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './containers';
export { Linear, Flatten, LayerNorm, Embedding, Dropout, ReLU, GELU, Sigmoid, Tanh, CrossEntropyLoss, MSELoss } from './layers';
// ---- norms and spatial layers (#23) ----
export { BatchNorm1d, BatchNorm2d, GroupNorm, RMSNorm } from './norm-layers';
export { Upsample, AdaptiveAvgPool2d } from './spatial-layers';
// ---- conv and pool (#23) ----
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d } from './conv';
// ---- losses, activations, init, utils (#23) ----
export * as utils from './utils';
export { Identity, SiLU, Mish, LeakyReLU, ELU, Hardtanh, Softplus, Softmax, LogSoftmax } from './activations';
export { L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, CosineEmbeddingLoss } from './losses';
export * as init from './init';
// ---- recurrent layers (#23) ----
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell, type RNNOptions } from './rnn';
// ---- attention and transformers (#23) ----
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './attention';
export { TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder } from './transformer';
