export * from './backend.ts';
export {
  applyBins,
  type BinEdges,
  type BinnedMatrix,
  type BinningOptions,
  binFeatures,
  binFeaturesAsync,
  columnEdges,
  MAX_VALUE_BINS,
  MISSING_BIN,
} from './kernels/binning/index.ts';
export { KERNELS, type KernelName, selectBackend } from './kernels/table.ts';
export * from './matrix.ts';
export { mulberry32, sampleIndices } from './rng.ts';
