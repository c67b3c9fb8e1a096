/**
 * The charts of a multi-objective sweep: the Pareto front (a scatter of two objectives,
 * or parallel coordinates over three and more) and the hypervolume after each trial.
 */
import { goalSign } from '../core/goal.ts';
import type { Objective } from '../core/trial.ts';
import { isFeasible } from '../samplers/multi-objective/constraints.ts';
import { hypervolumeHistory } from '../sweep/pareto-result.ts';
import type { SweepResult, TrialResult } from '../sweep/types.ts';
import type { ChartSpec } from './types.ts';

function axisName(o: Objective): string {
  return `${o.primaryMetric} (${goalSign(o.goal) > 0 ? 'max' : 'min'})`;
}

function valuesOf(t: TrialResult, m: number): readonly number[] | undefined {
  const v = t.values ?? (m === 1 && t.value !== undefined ? [t.value] : undefined);
  return v !== undefined && v.length === m && v.every(Number.isFinite) ? v : undefined;
}

/**
 * The Pareto front of two objectives: every completed trial as a point (feasible ones
 * blue, infeasible ones grey), the front's trials in green joined by a step line.
 *
 * @example
 * paretoScatter(result).option.series.length; // 3
 */
export function paretoScatter(result: SweepResult): ChartSpec {
  const objectives = result.objectives ?? [result.objective];
  const [x, y] = [objectives[0]!, objectives[1]!];
  const front = new Set((result.paretoFront ?? []).map((t) => t.id));
  const done = result.trials.filter((t) => t.status === 'completed' && valuesOf(t, 2) !== undefined);
  const point = (t: TrialResult) => ({ value: [...valuesOf(t, 2)!, t.id], name: `trial ${t.id}` });
  const frontPoints = done.filter((t) => front.has(t.id)).sort((a, b) => a.values![0]! - b.values![0]!);
  return {
    id: 'pareto-front',
    title: 'Pareto front',
    caption: `Each completed trial by ${x.primaryMetric} and ${y.primaryMetric}; the front (green) holds the feasible trials no other beats on both${(result.constraints?.length ?? 0) > 0 ? '; grey trials break a constraint' : ''}.`,
    height: 400,
    option: {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      grid: { left: 70, right: 30, top: 40, bottom: 50 },
      xAxis: { type: 'value', name: axisName(x), nameLocation: 'middle', nameGap: 30, scale: true },
      yAxis: { type: 'value', name: axisName(y), scale: true },
      series: [
        {
          name: 'feasible',
          type: 'scatter',
          symbolSize: 7,
          itemStyle: { color: '#2f6fdf', opacity: 0.6 },
          data: done.filter((t) => !front.has(t.id) && isFeasible(t.constraints)).map(point),
        },
        {
          name: 'infeasible',
          type: 'scatter',
          symbolSize: 7,
          itemStyle: { color: '#8a8f98', opacity: 0.6 },
          data: done.filter((t) => !isFeasible(t.constraints)).map(point),
        },
        {
          name: 'Pareto front',
          type: 'line',
          step: x.goal === y.goal ? 'end' : 'start',
          symbolSize: 9,
          lineStyle: { color: '#1b9e5a', width: 2 },
          itemStyle: { color: '#1b9e5a' },
          data: frontPoints.map(point),
        },
      ],
    },
  };
}

/**
 * The Pareto front over three or more objectives as parallel coordinates: one axis per
 * objective, the front's trials in green over the other completed trials in grey.
 *
 * @example
 * paretoParallel(result).option.parallelAxis.length; // the number of objectives
 */
export function paretoParallel(result: SweepResult): ChartSpec {
  const objectives = result.objectives ?? [result.objective];
  const m = objectives.length;
  const front = new Set((result.paretoFront ?? []).map((t) => t.id));
  const done = result.trials.filter((t) => t.status === 'completed' && valuesOf(t, m) !== undefined);
  const line = (t: TrialResult) => ({ value: [...valuesOf(t, m)!], name: `trial ${t.id}` });
  return {
    id: 'pareto-front',
    title: 'Pareto front',
    caption: `One axis per objective; each line a completed trial, the Pareto front in green (${front.size} trials).`,
    height: 400,
    option: {
      legend: { top: 0 },
      parallelAxis: objectives.map((o, dim) => ({
        dim,
        name: axisName(o),
        type: 'value',
        scale: true,
        inverse: goalSign(o.goal) < 0,
      })),
      parallel: { left: 60, right: 60, top: 50, bottom: 30 },
      series: [
        {
          name: 'other trials',
          type: 'parallel',
          lineStyle: { width: 1, opacity: 0.35, color: '#8a8f98' },
          data: done.filter((t) => !front.has(t.id)).map(line),
        },
        {
          name: 'Pareto front',
          type: 'parallel',
          lineStyle: { width: 2, opacity: 0.9, color: '#1b9e5a' },
          data: done.filter((t) => front.has(t.id)).map(line),
        },
      ],
    },
  };
}

/**
 * The hypervolume of the front after each trial, against the result's reference point.
 *
 * @example
 * hypervolumeChart(result)?.option.series[0].data.at(-1); // [last trial, final hypervolume]
 */
export function hypervolumeChart(result: SweepResult): ChartSpec | undefined {
  const objectives = result.objectives ?? [result.objective];
  if (result.hypervolume === undefined) return undefined;
  const reference = result.hypervolume.reference;
  return {
    id: 'hypervolume',
    title: 'Hypervolume over trials',
    caption: `The volume of objective space the front dominates after each trial, up to the reference point (${reference.map((r) => Number(r.toPrecision(4))).join(', ')}): it grows as the front improves.`,
    option: {
      tooltip: { trigger: 'axis' },
      grid: { left: 70, right: 20, top: 30, bottom: 45 },
      xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
      yAxis: { type: 'value', name: 'hypervolume', scale: true },
      series: [
        {
          name: 'hypervolume',
          type: 'line',
          step: 'end',
          symbol: 'none',
          lineStyle: { width: 2, color: '#1b9e5a' },
          data: hypervolumeHistory(result.trials, objectives, reference),
        },
      ],
    },
  };
}
