/** `F`: PyTorch's torch.nn.functional. */
export { relu, gelu, silu, softplus, leakyRelu, sigmoid, tanh, softmax, logSoftmax } from './activations';
export { linear, layerNorm, dropout, embedding } from './layers';
export { crossEntropy, nllLoss, mseLoss, binaryCrossEntropyWithLogits } from './losses';
export { batchNorm, groupNorm, rmsNorm } from './norms';
// ---- conv and pool (#23) ----
export { conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d } from './conv';
export type { ConvOptions, ConvTransposeOptions, MaxPoolOptions, AvgPoolOptions } from './conv';
// ---- attention (#23) ----
export { scaledDotProductAttention } from './attention';
export { pad, interpolate, adaptiveAvgPool2d, unfold } from './spatial';
export { oneHot, normalize, cosineSimilarity, pairwiseDistance } from './vectors';
// ---- losses, activations (#23) ----
export { elu, selu, mish, hardtanh, logsigmoid, glu } from './more-activations';
export { l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, klDiv, cosineEmbeddingLoss } from './more-losses';
