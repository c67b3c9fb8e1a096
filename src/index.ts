export * from './automl/index.ts';
export * from './compute/index.ts';
export * from './config/index.ts';
export * from './core/errors.ts';
export { bestValue, type Goal } from './core/goal.ts';
export type {
  FinishedTrial,
  MetricPoint,
  Objective,
  ParamSet,
  ParamValue,
  PendingTrial,
  StopReason,
  Task,
  TrialStatus,
} from './core/trial.ts';
export * from './data/index.ts';
export * from './metrics/index.ts';
export * from './models/index.ts';
export * from './policies/index.ts';
export * from './registry/index.ts';
export * from './report/index.ts';
export * from './samplers/bayes/index.ts';
export * from './samplers/index.ts';
export * from './space/index.ts';
export * from './store/index.ts';
export * from './sweep/index.ts';
export * from './tracking/index.ts';
