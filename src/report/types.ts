import type { Task } from '../core/trial.ts';
import type { PolicySpec } from '../policies/types.ts';
import type { SearchSpaceDefinition } from '../space/types.ts';
import type { SweepLimits, SweepResult } from '../sweep/types.ts';

/**
 * Everything a report shows. A sweep report needs only `sweep`; the search space lets
 * slice plots use log axes for log-distributions, and `automl` adds the model sections.
 */
export interface ReportInput {
  readonly title?: string;
  /** A warning shown as a banner above the summary, e.g. that the result is partial. */
  readonly notice?: string;
  readonly sweep: SweepResult;
  /** The search space as written in the sweep file (YAML/JSON form). */
  readonly space?: SearchSpaceDefinition;
  readonly policy?: PolicySpec;
  readonly limits?: SweepLimits;
  readonly automl?: AutomlReportSection;
}

/** A point series of a curve: x and y arrays of equal length. */
export interface Curve {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/** One row of an AutoML leaderboard. */
export interface LeaderboardRow {
  readonly rank: number;
  readonly model: string;
  readonly score: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly fitSeconds: number;
  readonly predictSeconds?: number;
}

/** The model-quality part of an AutoML report, computed on validation or test data. */
export interface AutomlReportSection {
  readonly task: Task;
  readonly primaryMetric: string;
  readonly leaderboard: readonly LeaderboardRow[];
  readonly featureImportances?: ReadonlyArray<{ readonly feature: string; readonly importance: number }>;
  /** Permutation importance of the input columns on held-out rows, with intervals. */
  readonly inputImportance?: InputImportanceSection;
  /** Per-row contributions of the input columns for a few held-out rows. */
  readonly contributionSample?: ContributionSample;
  /** Classification: labels in order, the confusion matrix (rows: true), and curves. */
  readonly labels?: readonly string[];
  readonly confusionMatrix?: readonly (readonly number[])[];
  readonly roc?: readonly Curve[];
  readonly precisionRecall?: readonly Curve[];
  readonly calibration?: readonly Curve[];
  /** Regression: actual and predicted values of the evaluation rows. */
  readonly actual?: readonly number[];
  readonly predicted?: readonly number[];
}

/** One chart of a report: a title, a sentence saying how to read it, and its ECharts option. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly option: Record<string, unknown>;
  /** Height in pixels (default 360). */
  readonly height?: number;
}

/** Permutation importance of the input columns as a report shows it. */
export interface InputImportanceSection {
  /** How it was computed, in a sentence. */
  readonly method: string;
  readonly metric: string;
  /** The metric on the held-out rows unshuffled. */
  readonly baseline: number;
  readonly confidence: number;
  /** Largest mean drop first. */
  readonly columns: ReadonlyArray<{
    readonly column: string;
    readonly mean: number;
    readonly low: number;
    readonly high: number;
  }>;
}

/** The top input-column contributions of a few rows, as a report shows them. */
export interface ContributionSample {
  /** How the contributions were computed, in a sentence. */
  readonly method: string;
  /** What is explained: `value`, `probability` or `margin` (of the predicted class for classification). */
  readonly output: string;
  readonly rows: ReadonlyArray<{
    /** 1-based row of the evaluation rows. */
    readonly row: number;
    /** The predicted class, or value. */
    readonly prediction: string | number;
    readonly expectedValue: number;
    readonly contributions: ReadonlyArray<{
      readonly column: string;
      readonly value: string;
      readonly contribution: number;
    }>;
  }>;
}
