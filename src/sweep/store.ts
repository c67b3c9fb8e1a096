// Transitional, for src/automl/types.ts (its owner moves it to src/store/): the sweep
// stores live in src/store/ now; import them from there.
export { MemoryStore } from '../store/memory-store.ts';
export type { StoredTrial, TrialEnd } from '../store/records.ts';
export type { SweepStore, SweepWriter } from '../store/sweep-store.ts';
