/** `F`: PyTorch's torch.nn.functional. */
export { relu, gelu, silu, softplus, leakyRelu, sigmoid, tanh, softmax, logSoftmax } from './activations';
export { linear, conv2d, maxPool2d, avgPool2d, layerNorm, dropout, embedding } from './layers';
export { crossEntropy, nllLoss, mseLoss, binaryCrossEntropyWithLogits } from './losses';
// ---- attention (#23) ----
export { scaledDotProductAttention } from './attention';
