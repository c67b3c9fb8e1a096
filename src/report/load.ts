import { readFileSync } from 'node:fs';
import { DataError } from '../errors.ts';
import type { PolicySpec } from '../policies/types.ts';
import type { SearchSpaceDefinition } from '../space/types.ts';
import type { SweepResult } from '../sweep/types.ts';
import { SqliteStore } from '../tracking/sqlite-store.ts';
import { POLICY_TAG, SPACE_TAG, SqliteSweepStore } from '../tracking/sweep-store.ts';
import type { ReportInput } from './types.ts';

/**
 * Reads what a report is made from: a JSON file holding either a ReportInput
 * (`{ sweep, space?, policy?, limits?, automl? }`) or a bare SweepResult, as
 * `mlsweep sweep --json` prints it.
 *
 * @example
 * const input = readReportInput('result.json');
 */
export function readReportInput(path: string): ReportInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read ${path}: ${(error as Error).message}`, 'E_REPORT_INPUT');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${path} is not valid JSON: ${(error as Error).message}`, 'E_REPORT_INPUT');
  }
  if (isSweepResult(doc)) return { sweep: doc };
  if (typeof doc === 'object' && doc !== null && isSweepResult((doc as { sweep?: unknown }).sweep)) {
    return doc as ReportInput;
  }
  throw new DataError(
    `${path} holds neither a sweep result (with objective, sampler, trials and counts) nor a report input ({ sweep, ... })`,
    'E_REPORT_INPUT',
  );
}

function isSweepResult(value: unknown): value is SweepResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SweepResult>;
  return (
    typeof v.objective?.primaryMetric === 'string' &&
    typeof v.sampler === 'string' &&
    Array.isArray(v.trials) &&
    typeof v.counts === 'object'
  );
}

/**
 * Reads a recorded sweep from the tracking store by its id (or a unique prefix): the
 * trials as recorded, and the search space and policy the sweep's run was tagged with.
 *
 * @example
 * const input = reportInputFromStore('3f2a9c', './mlruns');
 */
export function reportInputFromStore(sweepId: string, dir?: string): ReportInput {
  const store = new SqliteStore({ ...(dir !== undefined ? { dir } : {}), create: false });
  try {
    const recorded = SqliteSweepStore.open(store, sweepId);
    const tags = store.run(recorded.sweepRunId).tags;
    const space = tags[SPACE_TAG];
    const policy = tags[POLICY_TAG];
    return {
      sweep: recorded.result(),
      ...(space !== undefined ? { space: JSON.parse(space) as SearchSpaceDefinition } : {}),
      ...(policy !== undefined ? { policy: JSON.parse(policy) as PolicySpec } : {}),
    };
  } finally {
    store.close();
  }
}
