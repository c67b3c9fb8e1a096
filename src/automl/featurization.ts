import { recastTable } from '../data/featurize/recast.ts';
import {
  type Featurization,
  parseFeaturization,
  type ResolvedFeaturization,
  resolveFeaturization,
} from '../data/featurize/settings.ts';
import type { FeaturizerOptions } from '../data/featurizer.ts';
import type { ColumnKind, Table } from '../data/table.ts';

/** `featurization` as `automl()` takes it: Azure's `auto`, `off` or settings block, or the Featurizer's own options. */
export type AutoMLFeaturization = Featurization | FeaturizerOptions;

/**
 * Whether a value is Azure's form (`'auto'`, `'off'`, or an object with Azure's
 * snake_case keys) rather than the Featurizer's camelCase options: any key with an
 * underscore, or `mode`, makes it Azure's, so a misspelt Azure key is reported, not ignored.
 */
function isAzureForm(value: AutoMLFeaturization): value is Featurization {
  return typeof value === 'string' || Object.keys(value).some((k) => k.includes('_') || k === 'mode');
}

/**
 * What AutoML's `featurization` means for its feature columns: the Featurizer's options,
 * the features with the settings' column purposes applied (kinds recast, `Ignore`d
 * columns left out), and notices for settings that have no effect here.
 *
 * @example
 * const f = automlFeaturization({ column_name_and_types: { id: 'Ignore' } }, features);
 * f.features.has('id'); // false
 */
export function automlFeaturization(
  value: AutoMLFeaturization | undefined,
  features: Table,
  file?: string,
): Omit<ResolvedFeaturization, 'kinds' | 'ignored'> & { readonly features: Table } {
  if (value === undefined) return { options: missingAsLevel({}, features), features, notices: [] };
  if (!isAzureForm(value)) return { options: value, features, notices: [] };
  const kinds: Record<string, ColumnKind> = Object.fromEntries(features.columns.map((c) => [c.name, c.kind]));
  const parsed = parseFeaturization(value, file);
  const resolved = resolveFeaturization(parsed, kinds, file);
  const changed = Object.keys(resolved.kinds).length > 0 || resolved.ignored.length > 0;
  const recast = changed
    ? recastTable(
        features,
        resolved.kinds,
        resolved.ignored,
        `${file ? `${file}: ` : ''}column_name_and_types`,
      )
    : features;
  const off = parsed === 'off' || (typeof parsed === 'object' && parsed.mode === 'off');
  return {
    options: off ? resolved.options : missingAsLevel(resolved.options, recast),
    notices: resolved.notices,
    features: recast,
  };
}

/** The level a categorical column's missing cells become under AutoML's default featurization. */
export const MISSING_LEVEL = '__missing__';

/**
 * AutoML's default imputation of categories: a categorical column with missing cells gets
 * them as a level of its own (`MISSING_LEVEL`, one more one-hot column), unless the
 * settings name the column's imputer. Auto-sklearn, FLAML and H2O treat a missing
 * category so, as scikit-learn's constant imputer before one-hot encoding does; the
 * Featurizer's default (the most frequent level plus a missing indicator) puts a missing
 * cell among the mode's rows. house_votes84 (16 y/n columns, 392 missing cells: an
 * abstention is a vote of its own), logistic regression's 5-fold CV AUC at its best C on
 * each outer fold's training rows: 0.9900, 0.9938, 0.9945, 0.9866, 0.9917 with the level,
 * 0.9889, 0.9917, 0.9931, 0.9838, 0.9898 with the mode and indicator.
 *
 * @example
 * missingAsLevel({}, table).imputation; // { V1: { strategy: 'constant', fillValue: '__missing__' }, ... }
 */
export function missingAsLevel(options: FeaturizerOptions, features: Table): FeaturizerOptions {
  const given = options.imputation ?? {};
  const added = features.columns
    .filter(
      (c) =>
        c.kind === 'categorical' &&
        given[c.name] === undefined &&
        Array.prototype.some.call(c.values, (v: unknown) => v === null || v === undefined),
    )
    .map((c) => [c.name, { strategy: 'constant' as const, fillValue: MISSING_LEVEL }] as const);
  if (added.length === 0) return options;
  return { ...options, imputation: { ...given, ...Object.fromEntries(added) } };
}
