export { type SamplingInput, type StudyDefinition, studyObjectives, studySampling } from './definition.ts';
export { StudyExhaustedError, TrialFinishedError, UnknownTrialError, ValueCountError } from './errors.ts';
export { type StudyTrial, type StudyTrialState, samplerHistory, studyTrialOf } from './history.ts';
export {
  type AddTrialOptions,
  type AskedTrial,
  type CreateStudyOptions,
  type LoadStudyOptions,
  Study,
  type StudyStorage,
  type TellOutcome,
  type TellResult,
} from './study.ts';
