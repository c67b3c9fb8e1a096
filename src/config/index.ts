export { type KeySegment, parseSource, type SourceDocument, splitKeyPath } from '../data/yaml-source.ts';
export { DEFAULT_MAX_TOTAL_TRIALS, loadSweepFile, parseSweep } from './load.ts';
export { type SpecOverrides, sweepOptionsFromSpec } from './sweep-options.ts';
export type * from './types.ts';
