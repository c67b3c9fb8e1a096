/**
 * What an output of a model is measured in when it is explained: a regressor's value, a
 * class probability (forests, trees, blends of probabilities), or a raw margin (boosting
 * and logistic regression before the sigmoid or softmax).
 */
export type ExplainedOutput = 'value' | 'probability' | 'margin';

/**
 * Per-row feature contributions (Shapley values) of a model's outputs. For every row r
 * and output k, `expectedValue[k] + sum_f values[(r * nOut + k) * nFeatures + f]` is the
 * model's output k for that row (exactly for TreeSHAP and the linear closed form, up to
 * floating-point rounding; see each method for what it guarantees).
 */
export interface Contributions {
  readonly nRows: number;
  readonly nFeatures: number;
  /** Outputs explained: 1 for a regressor or a binary margin, else one per class. */
  readonly nOut: number;
  /** rows x outputs x features, row-major: row r, output k, feature f at (r * nOut + k) * nFeatures + f. */
  readonly values: Float64Array;
  /** The output each row's contributions start from: what the model gives with no feature known. */
  readonly expectedValue: Float64Array;
  readonly output: ExplainedOutput;
  /** How the values were computed, in a sentence (for reports and CLI output). */
  readonly method: string;
}

/** One feature's share of one row's output. */
export interface FeatureContribution {
  /** Feature index (or input column index, for pipelines). */
  readonly index: number;
  readonly contribution: number;
}

/**
 * The contributions of row `r` to output `k`, as a view (no copy).
 *
 * @example
 * const phi = contributionRow(shap, 0, 0); // Float64Array of nFeatures values
 */
export function contributionRow(c: Contributions, r: number, k = 0): Float64Array {
  const start = (r * c.nOut + k) * c.nFeatures;
  return c.values.subarray(start, start + c.nFeatures);
}

/**
 * The `k` largest contributions of a row by absolute value, largest first (ties: lower
 * index first); zero contributions are left out.
 *
 * @example
 * topContributions(contributionRow(shap, 0), 3); // [{ index: 4, contribution: -1.2 }, ...]
 */
export function topContributions(row: ArrayLike<number>, k: number): FeatureContribution[] {
  const all: FeatureContribution[] = [];
  for (let i = 0; i < row.length; i++) if (row[i] !== 0) all.push({ index: i, contribution: row[i]! });
  all.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.index - b.index);
  return all.slice(0, Math.max(0, k));
}
