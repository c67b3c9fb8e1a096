import { ValidationError } from '../core/errors.ts';
import { bestValue, better, goalSign } from '../core/goal.ts';
import { checkSchedule, fmt, isScheduled, judgedTrial } from './compare.ts';
import type { BanditSpec, PolicyDecision, PolicyInput } from './types.ts';

/**
 * Azure's Bandit policy. At a scheduled interval k, `best` is the best value any trial
 * reached by interval k; the trial stops when its own best so far is outside the slack:
 * with slackFactor f, below best/(1+f) (maximize) or above best·(1+f) (minimize); with
 * slackAmount a, below best−a (maximize) or above best+a (minimize).
 *
 * @example
 * const policy = banditPolicy({ type: 'bandit', slackFactor: 0.2 });
 * // best 0.8: the threshold is 0.8/1.2 = 0.667, so a trial at 0.6 stops
 * policy({ goal: 'maximize', trialId: 2, histories: [
 *   { id: 1, values: [0.8], finished: false }, { id: 2, values: [0.6], finished: false }] });
 * // { terminate: true, reason: '...' }
 */
export function banditPolicy(spec: BanditSpec): (input: PolicyInput) => PolicyDecision {
  checkSchedule(spec, 'early_termination');
  const { slackFactor, slackAmount } = spec;
  if ((slackFactor === undefined) === (slackAmount === undefined)) {
    throw new ValidationError(
      `a bandit policy needs exactly one of slack_factor and slack_amount, got slack_factor=${String(slackFactor)}, slack_amount=${String(slackAmount)}`,
      { path: 'early_termination' },
    );
  }
  if (slackFactor !== undefined && !(slackFactor > 0)) {
    throw new ValidationError(`early_termination.slack_factor must be > 0, got ${String(slackFactor)}`, {
      path: 'early_termination.slack_factor',
    });
  }
  if (slackAmount !== undefined && !(slackAmount >= 0)) {
    throw new ValidationError(`early_termination.slack_amount must be >= 0, got ${String(slackAmount)}`, {
      path: 'early_termination.slack_amount',
    });
  }
  return (input) => {
    const trial = judgedTrial(input);
    const k = trial.values.length;
    if (!isScheduled(spec, k)) return { terminate: false };
    const { goal } = input;
    let best = Number.NaN;
    for (const h of input.histories) {
      const upTo = Math.min(k, h.values.length);
      for (let i = 0; i < upTo; i++) if (better(goal, h.values[i]!, best)) best = h.values[i]!;
    }
    const own = bestValue(goal, trial.values);
    if (Number.isNaN(best)) return { terminate: false };
    const sign = goalSign(goal);
    const threshold =
      slackFactor !== undefined
        ? sign === 1
          ? best / (1 + slackFactor)
          : best * (1 + slackFactor)
        : best - sign * slackAmount!;
    // Outside the slack: a NaN best, or one the threshold is better than.
    const outside = Number.isNaN(own) || better(goal, threshold, own);
    if (!outside) return { terminate: false };
    return {
      terminate: true,
      reason: `bandit at interval ${k}: best so far ${fmt(own)} is ${sign === 1 ? 'below' : 'above'} ${fmt(threshold)} (best of all trials ${fmt(best)}, ${slackFactor !== undefined ? `slack_factor ${slackFactor}` : `slack_amount ${slackAmount}`})`,
    };
  };
}
