import type { Objective, ParamSet, PendingTrial } from '../core/trial.ts';
import type { Sampler } from './types.ts';

/**
 * The first `n` suggestions of a sampler when no trial ever ends (each suggestion is
 * added to the history as running), stopping early when the sampler is exhausted:
 * what `mlsweep sample` prints.
 *
 * @example
 * previewSuggestions(new GridSampler(space), 10, { goal: 'maximize', primaryMetric: 'accuracy' });
 */
export function previewSuggestions(sampler: Sampler, n: number, objective: Objective): ParamSet[] {
  const pending: PendingTrial[] = [];
  const out: ParamSet[] = [];
  for (let i = 0; i < n; i++) {
    const s = sampler.suggest({ objective, trials: [], pending });
    if (s.exhausted) break;
    out.push(s.params);
    pending.push({ id: i, params: s.params });
  }
  return out;
}
