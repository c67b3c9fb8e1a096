import type { Task } from '../core/trial.ts';
import { choice } from '../space/constructors.ts';
import { searchSpace } from '../space/parse.ts';
import type { SearchSpace } from '../space/types.ts';
import type { Candidate } from './candidates.ts';

/** The path of the conditional choice between model families. */
export const MODEL_PATH = 'model';

/**
 * One conditional space over every candidate: `model` chooses the family (recorded as
 * its index, with `model.name`), and each family's hyperparameters live under
 * `model.<param>` only when that family is chosen. `probabilities`: the primary metric
 * scores class probabilities as probabilities (see `Candidate.space`).
 *
 * @example
 * const space = automlSpace(selectCandidates('regression', undefined, undefined), 'regression');
 * space.sample(rng); // { model: 2, 'model.name': 'RandomForest', 'model.nEstimators': 64, ... }
 */
export function automlSpace(
  candidates: readonly Candidate[],
  task: Task,
  probabilities = false,
): SearchSpace {
  return searchSpace({
    [MODEL_PATH]: choice(candidates.map((c) => ({ name: c.name, ...c.space(task, probabilities) }))),
  });
}

/** The hyperparameters of the chosen family, without the `model.` prefix and the name. */
export function modelParams(params: Readonly<Record<string, unknown>>): {
  name: string;
  index: number;
  params: Record<string, string | number | boolean>;
} {
  const prefix = `${MODEL_PATH}.`;
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith(prefix) && k !== `${prefix}name`)
      out[k.slice(prefix.length)] = v as string | number | boolean;
  }
  return { name: String(params[`${prefix}name`]), index: Number(params[MODEL_PATH]), params: out };
}
