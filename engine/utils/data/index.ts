/** torch.utils.data: Dataset, TensorDataset, Subset, randomSplit, DataLoader. */
export { Dataset, TensorDataset, Subset, randomSplit } from './dataset';
export { DataLoader, defaultCollate, type DataLoaderOptions } from './loader';
