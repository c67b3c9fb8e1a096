import { better, goalSign } from '../core/goal.ts';
import { type ParamSet, TRIAL_STATUSES } from '../core/trial.ts';
import { isFeasible } from '../samplers/multi-objective/constraints.ts';
import { ranks } from './summary.ts';
import type { SweepResult, TrialResult } from './types.ts';

/** What a progress line shows. */
export interface ProgressState {
  readonly done: number;
  readonly running: number;
  readonly total: number;
  readonly best: TrialResult | undefined;
  readonly elapsedMs: number;
}

/**
 * One progress line: trials done, running, best so far, elapsed time, and an ETA from
 * the mean time per trial so far (an upper bound when the sampler runs out early).
 *
 * @example
 * progressLine({ done: 10, running: 2, total: 40, best, elapsedMs: 12_000 });
 * // '10/40 done, 2 running, best 0.9312 (trial 7), 0:12 elapsed, ETA 0:36'
 */
export function progressLine(state: ProgressState): string {
  const parts = [`${state.done}/${state.total} done`, `${state.running} running`];
  if (state.best?.value !== undefined)
    parts.push(`best ${formatValue(state.best.value)} (trial ${state.best.id})`);
  parts.push(`${clock(state.elapsedMs)} elapsed`);
  if (state.done > 0 && state.done < state.total) {
    parts.push(`ETA ${clock((state.elapsedMs / state.done) * (state.total - state.done))}`);
  }
  return parts.join(', ');
}

/**
 * The log line of an ended trial, for a terminal that is not a TTY.
 *
 * @example
 * trialLine(trial, 'accuracy'); // 'trial 3 completed: accuracy=0.91 in 1.2 s {"lr":0.01}'
 */
export function trialLine(trial: TrialResult, primaryMetric: string): string {
  const value = trial.value === undefined ? '' : ` ${primaryMetric}=${formatValue(trial.value)}`;
  const error = trial.error ? ` (${trial.error})` : '';
  return `trial ${trial.id} ${trial.status}:${value} in ${seconds(trial.durationMs)} ${JSON.stringify(trial.params)}${error}`;
}

/**
 * The end-of-sweep summary: why it ended, counts by status, and a table of the best
 * completed trials with their parameters.
 *
 * @example
 * console.log(summary(result, 5));
 */
export function summary(result: SweepResult, top = 5): string {
  const { goal, primaryMetric } = result.objective;
  const counts = TRIAL_STATUSES.filter((s) => result.counts[s] > 0)
    .map((s) => `${result.counts[s]} ${s}`)
    .join(', ');
  const lines = [
    `sweep ended: ${result.message}`,
    `${result.counts.total} trials (${counts || 'none'}) in ${seconds(result.durationMs)}`,
  ];
  if (result.paretoFront !== undefined) {
    lines.push('', paretoTable(result));
    return lines.join('\n');
  }
  const ranked = result.trials
    .filter((t) => ranks(t) && isFeasible(t.constraints))
    .sort((a, b) =>
      better(goal, a.value!, b.value!) ? -1 : better(goal, b.value!, a.value!) ? 1 : a.id - b.id,
    )
    .slice(0, top);
  if (ranked.length === 0) {
    const failed = result.trials.find((t) => t.status === 'failed');
    lines.push(`no trial completed${failed ? `; trial ${failed.id} failed with: ${failed.error}` : ''}`);
    return lines.join('\n');
  }
  lines.push('', `best ${ranked.length} by ${primaryMetric} (${goal}):`);
  const keys = [...new Set(ranked.flatMap((t) => Object.keys(t.params)))];
  const header = ['trial', primaryMetric, 'time', ...keys];
  const rows = ranked.map((t) => [
    String(t.id),
    formatValue(t.value!),
    seconds(t.durationMs),
    ...keys.map((k) => cell(t.params, k)),
  ]);
  lines.push(textTable(header, rows));
  return lines.join('\n');
}

/**
 * The Pareto front of a multi-objective result as a text table: one row per trial of the
 * front, one column per objective (with its goal), the constraint values when the sweep
 * has constraints, then the parameters; and the hypervolume with its reference point.
 *
 * @example
 * console.log(paretoTable(result));
 */
export function paretoTable(result: SweepResult): string {
  const objectives = result.objectives ?? [result.objective];
  const front = result.paretoFront ?? [];
  if (front.length === 0) {
    const infeasible =
      (result.constraints?.length ?? 0) > 0 && result.trials.some((t) => t.status === 'completed');
    return `Pareto front: empty (${infeasible ? 'no completed trial meets every constraint' : 'no trial completed'})`;
  }
  const keys = [...new Set(front.flatMap((t) => Object.keys(t.params)))];
  const constraints = result.constraints ?? [];
  const header = [
    'trial',
    ...objectives.map((o) => `${o.primaryMetric} (${goalSign(o.goal) > 0 ? 'max' : 'min'})`),
    ...constraints,
    ...keys,
  ];
  const rows = front.map((t) => [
    String(t.id),
    ...objectives.map((_, j) => formatValue((t.values ?? [t.value!])[j]!)),
    ...constraints.map((_, j) => {
      const c = t.constraints?.[j];
      return c === undefined ? '-' : `${c <= 0 ? 'ok' : 'violated'} (${formatValue(c)})`;
    }),
    ...keys.map((k) => cell(t.params, k)),
  ]);
  const lines = [
    `Pareto front: ${front.length} trial${front.length === 1 ? '' : 's'}`,
    textTable(header, rows),
  ];
  if (result.bestTradeOff !== undefined) {
    lines.push(`best trade-off (${result.bestTradeOff.rule}): trial ${result.bestTradeOff.trial.id}`);
  }
  if (result.hypervolume !== undefined) {
    lines.push(
      `hypervolume ${formatValue(result.hypervolume.value)} (reference point ${result.hypervolume.reference.map(formatValue).join(', ')})`,
    );
  }
  return lines.join('\n');
}

/**
 * A fixed-width text table.
 *
 * @example
 * textTable(['a', 'b'], [['1', '22']]); // 'a  b \n1  22'
 */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * A metric value with 4 significant digits (integers as they are).
 *
 * @example
 * formatValue(0.123456); // '0.1235'
 */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function cell(params: ParamSet, key: string): string {
  const v = params[key];
  return v === undefined ? '-' : typeof v === 'number' ? formatValue(v) : String(v);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
