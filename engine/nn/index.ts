/** torch.nn: modules and layers. */
export { Module, Parameter } from './module';
export { Sequential, ModuleList } from './containers';
export { Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, LayerNorm, Embedding, Dropout, ReLU, GELU, Sigmoid, Tanh, CrossEntropyLoss, MSELoss } from './layers';
// ---- recurrent layers (#23) ----
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell, type RNNOptions } from './rnn';
