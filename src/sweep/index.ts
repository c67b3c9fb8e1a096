export { Sweep, sweep } from './engine.ts';
export { resolveLimits } from './options.ts';
export { formatMetricsLine, METRICS_PREFIX, parseMetricsLine } from './protocol.ts';
export { commandRunner } from './runners/command.ts';
export { functionRunner } from './runners/function.ts';
export { moduleRunner } from './runners/module.ts';
export { MemoryStore, type StoredTrial, type SweepStore, type TrialEnd } from './store.ts';
export { placeholders, shellQuote, substitute } from './substitute.ts';
export type * from './types.ts';
