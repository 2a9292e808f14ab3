/** torch.optim: optimizers (filled in by the autograd/nn work). */
export {};
