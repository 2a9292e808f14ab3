/** torch.nn: modules and layers. */
export { Module, Parameter } from './module';
export { Sequential, ModuleList } from './containers';
export { Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, LayerNorm, Embedding, Dropout, ReLU, GELU, Sigmoid, Tanh, CrossEntropyLoss, MSELoss } from './layers';
// ---- attention and transformers (#23) ----
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './attention';
export { TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder } from './transformer';
