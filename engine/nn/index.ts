/** torch.nn: modules and layers (filled in by the autograd/nn work). */
export {};
