export { registerSamplerFactory, type SamplerFactory, samplerFromSpec } from './factory.ts';
export { GridSampler } from './grid.ts';
export { freshSeed, nextPosition } from './position.ts';
export { previewSuggestions } from './preview.ts';
export { RandomSampler, type RandomSamplerOptions } from './random.ts';
export { directionNumbers, type SobolOptions, SobolSequence } from './sobol.ts';
export type * from './types.ts';
