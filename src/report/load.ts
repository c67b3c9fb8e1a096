import { readFileSync } from 'node:fs';
import { DataError } from '../core/errors.ts';
import { isGoal } from '../core/goal.ts';
import type { PolicySpec } from '../policies/types.ts';
import type { SearchSpaceDefinition } from '../space/types.ts';
import { openSweepLocation } from '../store/open-location.ts';
import { POLICY_TAG, SPACE_TAG } from '../store/tags.ts';
import { recordedResult } from '../sweep/recorded.ts';
import type { SweepResult, TrialResult } from '../sweep/types.ts';
import { type AutoMLReportSource, automlReportInput } from './automl-input.ts';
import type { ReportInput } from './types.ts';

/**
 * Reads what a report is made from: a JSON file holding a ReportInput
 * (`{ sweep, space?, policy?, limits?, automl? }`), a bare SweepResult as `mlsweep sweep
 * --json` prints it, or the document `mlsweep automl --json` prints (its leaderboard,
 * feature importances and trials; the quality pictures need the test rows, so only
 * `mlsweep automl --test --report` draws them).
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
  if ((doc as { format?: unknown } | null)?.format === 'mlsweep-automl-pipeline') {
    throw new DataError(
      `${path} is a fitted AutoML pipeline (a model), not a result: report the output of 'mlsweep automl --json', or pass --report to mlsweep automl`,
      'E_REPORT_INPUT',
    );
  }
  if (isSweepResult(doc)) return { sweep: doc };
  if (isAutomlDocument(doc)) return automlDocumentInput(doc);
  if (typeof doc === 'object' && doc !== null && isSweepResult((doc as { sweep?: unknown }).sweep)) {
    return doc as ReportInput;
  }
  throw new DataError(
    `${path} holds neither a sweep result (with objective, sampler, trials and counts), an AutoML result (mlsweep automl --json) nor a report input ({ sweep, ... })`,
    'E_REPORT_INPUT',
  );
}

/** The document `mlsweep automl --json` prints (`trialResults` since it lists every trial). */
type AutomlDocument = Omit<AutoMLReportSource, 'trials'> & { readonly trialResults?: TrialResult[] };

function isAutomlDocument(value: unknown): value is AutomlDocument {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AutomlDocument>;
  return (
    (v.task === 'classification' || v.task === 'regression') &&
    typeof v.primaryMetric === 'string' &&
    isGoal(v.goal) &&
    Array.isArray(v.leaderboard) &&
    typeof v.best?.score === 'number'
  );
}

/**
 * A report of an AutoML result read back from JSON. A document without the trial list
 * (printed before it was added) gets its trials from the leaderboard's completed entries.
 */
function automlDocumentInput(doc: AutomlDocument): ReportInput {
  const start = Date.now() - (doc.durationSeconds ?? 0) * 1000;
  const trials =
    doc.trialResults ??
    doc.leaderboard
      .filter((e) => e.trialId !== undefined)
      .map(
        (e): TrialResult => ({
          id: e.trialId!,
          params: { 'model.name': e.model, ...e.params },
          status: 'completed',
          value: e.score,
          intermediate: [{ step: 0, value: e.score }],
          metrics: Object.fromEntries(
            Object.entries(e.metrics ?? {}).map(([k, v]) => [k, [{ step: 0, value: v }]]),
          ),
          startedAt: new Date(start).toISOString(),
          endedAt: new Date(start).toISOString(),
          durationMs: (e.fitSeconds + e.predictSeconds) * 1000,
        }),
      );
  return automlReportInput({
    ...doc,
    featureImportances: doc.featureImportances ?? [],
    validation: doc.validation ?? 'unknown',
    durationSeconds: doc.durationSeconds ?? 0,
    trials,
  });
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
 * Reads a recorded sweep from a store by its id (or a unique prefix): the trials as
 * recorded, and the search space and policy the sweep was tagged with. The store is
 * opened by its location (`openSweepLocation`: a folder, default $MLSWEEP_STORE or
 * ./mlruns) and read through the SweepStore interface only.
 *
 * @example
 * const input = await reportInputFromStore('3f2a9c', './mlruns');
 */
export async function reportInputFromStore(sweepId: string, where?: string): Promise<ReportInput> {
  const location = openSweepLocation(where, { create: false });
  try {
    const recorded = await location.open(sweepId);
    const sweep = await recorded.sweep();
    const space = sweep.tags[SPACE_TAG];
    const policy = sweep.tags[POLICY_TAG];
    return {
      sweep: recordedResult(sweep, await recorded.trials()),
      ...(space !== undefined ? { space: JSON.parse(space) as SearchSpaceDefinition } : {}),
      ...(policy !== undefined ? { policy: JSON.parse(policy) as PolicySpec } : {}),
    };
  } finally {
    await location.close();
  }
}
