/** `F`: PyTorch's torch.nn.functional. */
export { relu, gelu, silu, softplus, leakyRelu, sigmoid, tanh, softmax, logSoftmax } from './activations';
