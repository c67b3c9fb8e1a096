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
  if (value === undefined || !isAzureForm(value)) return { options: value ?? {}, features, notices: [] };
  const kinds: Record<string, ColumnKind> = Object.fromEntries(features.columns.map((c) => [c.name, c.kind]));
  const resolved = resolveFeaturization(parseFeaturization(value, file), kinds, file);
  const changed = Object.keys(resolved.kinds).length > 0 || resolved.ignored.length > 0;
  return {
    options: resolved.options,
    notices: resolved.notices,
    features: changed
      ? recastTable(
          features,
          resolved.kinds,
          resolved.ignored,
          `${file ? `${file}: ` : ''}column_name_and_types`,
        )
      : features,
  };
}
