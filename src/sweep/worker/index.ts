// Distributed sweeps: the worker loop, the recorded definition workers read, and the
// store capabilities they need (see worker.ts).
export { type ClaimContext, chooseTrial, countedTrials, NoClaim } from './claim.ts';
export { ClaimTally } from './claim-tally.ts';
export { type CreateWorkerSweepOptions, createWorkerSweep } from './create.ts';
export {
  DEFAULT_HEARTBEAT_SECONDS,
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  parseWorkerDefinition,
  type WorkerCommandTrial,
  type WorkerDefinition,
  type WorkerDefinitionInput,
  type WorkerModuleTrial,
  type WorkerTrialEnvironment,
  workerDefinition,
} from './definition.ts';
export { type LeasedStore, leasedStore, type SharedLocation, sharedLocation } from './location.ts';
export type { EnvironmentResolver } from './sweep-slot.ts';
export type { TrialOutcome } from './trial.ts';
export { Worker, type WorkerEvent, type WorkerOptions, type WorkerSummary } from './worker.ts';
