import type { ColumnKind } from '../table.ts';

/**
 * What the Featurizer learned about one input column, in a JSON-ready form: how to fill
 * its missing cells and how to turn it into output features. A column absent from the
 * plan list was dropped (ID-like text, constant, all missing).
 */
export type ColumnPlan = NumericPlan | DatetimePlan | OneHotPlan | FrequencyPlan | TargetPlan;

interface PlanBase {
  /** The input column. */
  readonly column: string;
  /** Whether a `column__missing` 0/1 feature is emitted (the training column had missing cells). */
  readonly indicator: boolean;
  /** Whether the column's own values vary; a constant column keeps only its indicator. */
  readonly informative: boolean;
}

/** Numbers and booleans: median fill. */
export interface NumericPlan extends PlanBase {
  readonly type: 'numeric';
  readonly fill: number;
}

export type DatetimePart = 'year' | 'month' | 'day' | 'weekday' | 'hour' | 'dayofyear' | 'epoch_days';

/** Dates: median fill (in epoch ms), then calendar parts. */
export interface DatetimePlan extends PlanBase {
  readonly type: 'datetime';
  readonly fill: number;
  readonly parts: readonly DatetimePart[];
}

/** Low-cardinality categories: most-frequent fill, one 0/1 feature per training level; unseen levels are all zeros. */
export interface OneHotPlan extends PlanBase {
  readonly type: 'onehot';
  readonly fill: string;
  readonly levels: readonly string[];
}

/** High-cardinality categories by training frequency (share of rows); unseen levels get 0. */
export interface FrequencyPlan extends PlanBase {
  readonly type: 'frequency';
  readonly fill: string;
  readonly frequency: Readonly<Record<string, number>>;
}

/**
 * High-cardinality categories by the smoothed mean of the target per level (one feature
 * for regression and binary tasks, one per class otherwise); unseen levels get the prior.
 */
export interface TargetPlan extends PlanBase {
  readonly type: 'target';
  readonly fill: string;
  readonly prior: readonly number[];
  readonly encoding: Readonly<Record<string, readonly number[]>>;
  /** Output names' suffixes, one per encoded value. */
  readonly outputs: readonly string[];
}

/** One input column the Featurizer expects at transform time. */
export interface InputColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** The target, for target encoding: class codes or numbers. */
export type FeaturizerTarget =
  | { readonly task: 'classification'; readonly codes: Int32Array; readonly nClasses: number }
  | { readonly task: 'regression'; readonly values: Float64Array };

/** One feature a plan emits: its name, and whether it is a 0/1 indicator (a one-hot level or a missing flag). */
export interface PlannedFeature {
  readonly name: string;
  readonly indicator: boolean;
}

/** The features a plan emits, in output order. */
export function planFeatures(p: ColumnPlan): PlannedFeature[] {
  const out: PlannedFeature[] = [];
  const add = (name: string, indicator = false) => out.push({ name, indicator });
  if (p.informative) {
    switch (p.type) {
      case 'numeric':
        add(p.column);
        break;
      case 'datetime':
        for (const part of p.parts) add(`${p.column}__${part}`);
        break;
      case 'onehot':
        for (const level of p.levels) add(`${p.column}=${level}`, true);
        break;
      case 'frequency':
        add(`${p.column}__freq`);
        break;
      case 'target':
        for (const o of p.outputs) add(`${p.column}__te${o}`);
        break;
    }
  }
  if (p.indicator) add(`${p.column}__missing`, true);
  return out;
}

/** The names of the features a plan emits, in output order. */
export function planFeatureNames(p: ColumnPlan): string[] {
  return planFeatures(p).map((f) => f.name);
}
