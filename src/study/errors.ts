/**
 * The mistakes a caller of a study can make, as typed errors (ValidationError, so the CLI
 * reports them in one line with exit code 2): telling a trial the study never asked,
 * telling one twice, or giving as many values as the study has no objectives.
 */
import { ValidationError } from '../core/errors.ts';

/** `tell`, `report` or `shouldPrune` named a trial the study does not have. */
export class UnknownTrialError extends ValidationError {
  readonly trialId: number;

  constructor(study: string, trialId: number) {
    super(`study ${study} has no trial ${trialId}: tell a trial id that ask() returned`, {
      path: 'trialId',
      code: 'E_UNKNOWN_TRIAL',
    });
    this.trialId = trialId;
  }
}

/** `tell` of a trial that has already ended (told before, or added with `addTrial`). */
export class TrialFinishedError extends ValidationError {
  readonly trialId: number;
  /** How the trial had ended. */
  readonly status: string;

  constructor(study: string, trialId: number, status: string) {
    super(`trial ${trialId} of study ${study} has already ended (${status}): a trial is told once`, {
      path: 'trialId',
      code: 'E_TRIAL_FINISHED',
    });
    this.trialId = trialId;
    this.status = status;
  }
}

/** A result whose number of values (or of constraint values) is not the study's. */
export class ValueCountError extends ValidationError {
  constructor(what: 'values' | 'constraints', expected: number, got: number, names: readonly string[]) {
    super(
      `the study has ${expected} ${what === 'values' ? `objective${expected === 1 ? '' : 's'}` : `constraint${expected === 1 ? '' : 's'}`} (${names.join(', ') || 'none'}), got ${got} ${what === 'values' ? `value${got === 1 ? '' : 's'}` : `constraint value${got === 1 ? '' : 's'}`}`,
      { path: what, code: 'E_VALUE_COUNT' },
    );
  }
}

/** `ask` of a study whose sampler has nothing left to suggest (a grid that has been covered). */
export class StudyExhaustedError extends ValidationError {
  constructor(study: string, sampler: string) {
    super(`study ${study}: the ${sampler} sampler has no parameter set left to suggest`, {
      path: 'ask',
      code: 'E_STUDY_EXHAUSTED',
    });
  }
}
