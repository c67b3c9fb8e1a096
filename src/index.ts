export * from './compute/index.ts';
export * from './errors.ts';
export * from './space/index.ts';
export * from './samplers/index.ts';
export * from './metrics/index.ts';
export * from './data/index.ts';
export * from './config/index.ts';
export * from './models/index.ts';
