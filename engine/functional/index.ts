/** `F`: PyTorch's torch.nn.functional. */
export { relu, gelu, silu, softplus, leakyRelu, sigmoid, tanh, softmax, logSoftmax } from './activations';
export { linear, conv2d, maxPool2d, avgPool2d, layerNorm, dropout, embedding } from './layers';
export { crossEntropy, nllLoss, mseLoss, binaryCrossEntropyWithLogits } from './losses';
// ---- losses, activations (#23) ----
export { elu, selu, mish, hardtanh, logsigmoid, glu } from './more-activations';
export { l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, klDiv, cosineEmbeddingLoss } from './more-losses';
