export * from './backend.ts';
export * from './binning.ts';
export * from './matrix.ts';
export { mulberry32, sampleIndices } from './rng.ts';
