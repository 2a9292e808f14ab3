/** `F`: PyTorch's torch.nn.functional. */
export { relu, gelu, silu, softplus, leakyRelu, sigmoid, tanh, softmax, logSoftmax } from './activations';
export { linear, conv2d, maxPool2d, avgPool2d, layerNorm, dropout, embedding } from './layers';
export { crossEntropy, nllLoss, mseLoss, binaryCrossEntropyWithLogits } from './losses';
export { batchNorm, groupNorm, rmsNorm } from './norms';
export { pad, interpolate, adaptiveAvgPool2d, unfold } from './spatial';
export { oneHot, normalize, cosineSimilarity, pairwiseDistance } from './vectors';
