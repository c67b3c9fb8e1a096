export * from './backend.ts';
export * from './kernels/binning/index.ts';
export { KERNELS, type KernelName, selectBackend } from './kernels/table.ts';
export * from './matrix.ts';
export { mulberry32, sampleIndices } from './rng.ts';
