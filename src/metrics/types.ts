/** A class label: metrics accept numbers or strings (never both in one call). */
export type Label = number | string;

/** Labels of n samples: a plain array of numbers or strings, or a numeric typed array. */
export type LabelArray = ArrayLike<number> | ArrayLike<string> | readonly Label[];

/**
 * Scores of n samples: for binary tasks the positive-class score (length n); otherwise
 * class probabilities, one column per label in `labels` order, either as rows
 * (`number[][]`) or row-major flat (length n × k).
 */
export type ScoreInput = ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

/** A condition a caller may want to know about that did not stop the computation. */
export interface MetricWarning {
  /** The metric concerned, e.g. `precision_score_macro`. */
  metric: string;
  message: string;
}

/**
 * What a ratio whose denominator is zero becomes, as scikit-learn's `zero_division`:
 * `'warn'` (the default) gives 0 and reports a {@link MetricWarning} to `onWarning`.
 */
export type ZeroDivision = 'warn' | 0 | 1;

/** Options shared by the label-based classification metrics. */
export interface LabelOptions {
  /** The classes, in the order of score columns and confusion-matrix rows; default: sorted union of yTrue and yPred. */
  labels?: readonly Label[];
  /** Per-sample weights (finite, ≥ 0, not all 0). */
  sampleWeight?: ArrayLike<number>;
  /** The positive class of binary metrics; default: the second label (1 of {0, 1}). */
  positiveLabel?: Label;
  zeroDivision?: ZeroDivision;
  /** Receives warnings (zero division, undefined metrics) instead of them being dropped. */
  onWarning?: (warning: MetricWarning) => void;
}

/** Averages of per-class scores: `binary` scores only the positive label. */
export type Average = 'binary' | 'macro' | 'micro' | 'weighted';
