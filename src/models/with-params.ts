/** Anything whose constructor takes its own `params` back: every estimator of src/models/. */
interface Parameterized {
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * A new unfitted estimator of the same class as `estimator`, with the hyperparameters
 * named in `changes` changed and all others kept (scikit-learn's
 * `clone(est).set_params(**changes)`). It goes through the class's constructor, so the
 * changes are validated as there: a bad value or an unknown name is the same
 * ValidationError. A change whose value is `undefined` keeps the current value, as an
 * absent key would (set a nullable hyperparameter to `null` to clear it).
 *
 * This is the one implementation behind every estimator's `withParams` method; it relies
 * on what `fromJSON` relies on too: a constructor takes back the `params` it produced.
 *
 * @example
 * const base = new RandomForestClassifier({ nEstimators: 50, seed: 3 });
 * withParams(base, { maxDepth: 4 }).params; // nEstimators 50, seed 3, maxDepth 4
 */
export function withParams<E extends Parameterized>(
  estimator: E,
  changes: Readonly<Record<string, unknown>>,
): E {
  const Class = estimator.constructor as new (params: Record<string, unknown>) => E;
  const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  return new Class({ ...estimator.params, ...given });
}
