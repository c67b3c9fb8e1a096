export { MemoryStore } from './memory-store.ts';
export { isStoreUrl, type OpenLocationOptions, openSweepLocation } from './open-location.ts';
export type { NewSweep, StoredTrial, SweepRecord, TrialEnd } from './records.ts';
export { planResume, type ResumePlan } from './resume-plan.ts';
export { SqliteSweepStore, type SweepRunOptions } from './sqlite-sweep-store.ts';
export type { Awaitable, SweepLocation, SweepReader, SweepStore, SweepWriter } from './sweep-store.ts';
export { SWEEP_TYPE_TAG } from './tags.ts';
