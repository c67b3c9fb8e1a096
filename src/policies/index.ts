export { ashaPolicy, ashaRungs } from './asha.ts';
export { banditPolicy } from './bandit.ts';
export { isScheduled } from './compare.ts';
export { createPolicy, type Policy } from './create.ts';
export { median, medianStoppingPolicy } from './median-stopping.ts';
export { truncationSelectionPolicy } from './truncation-selection.ts';
export type {
  AshaSpec,
  BanditSpec,
  EvaluationSchedule,
  MedianStoppingSpec,
  NoPolicySpec,
  PolicyDecision,
  PolicyInput,
  PolicySpec,
  ReportedHistory,
  TruncationSelectionSpec,
} from './types.ts';
