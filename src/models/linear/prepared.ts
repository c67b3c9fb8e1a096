import type { ColumnMatrix } from '../../compute/matrix.ts';
import { checkTrainingShape, sampleWeights, toFeatureMatrix } from '../input.ts';
import type { FeatureInput } from '../types.ts';
import { assertNoInfinity, columnMoments, imputed } from './impute.ts';

/** Training data of a dense model: features with missing values filled, and row weights. */
export interface TrainingData {
  X: ColumnMatrix;
  /** The fill value (weighted mean) of every column, kept to fill missing values at predict. */
  fill: Float64Array;
  /** Weighted standard deviation of every column as filled (coefficientImportances). */
  std: Float64Array;
  weight: Float64Array;
}

/**
 * Checks and prepares training data for a dense (linear, k-NN, naive Bayes) model:
 * shapes, weights, no infinite value, missing values filled by weighted column means.
 *
 * @example
 * const { X, fill } = trainingData([[1], [null], [3]], 3); // X: [1, 2, 3], fill: [2]
 */
export function trainingData(
  input: FeatureInput,
  yLength: number,
  sampleWeight?: ArrayLike<number>,
): TrainingData {
  const raw = toFeatureMatrix(input);
  checkTrainingShape(raw, yLength);
  const weight = sampleWeights(sampleWeight, raw.nRows);
  const { means, stds, missing } = columnMoments(raw, weight);
  return { X: missing ? imputed(raw, means) : raw, fill: means, std: stds, weight };
}

/**
 * Features at predict time: shape checked against fit, missing values filled as at fit.
 *
 * @example
 * const X = predictionFeatures([[null]], Float64Array.of(2)); // [[2]]
 */
export function predictionFeatures(input: FeatureInput, fill: Float64Array): ColumnMatrix {
  const raw = toFeatureMatrix(input, fill.length);
  assertNoInfinity(raw, 'X');
  return imputed(raw, fill);
}
