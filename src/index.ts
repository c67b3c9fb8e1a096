export * from './compute/index.ts';
export * from './errors.ts';
