import { better, type Goal } from '../core/goal.ts';
import type { TrialResult } from '../sweep/types.ts';
import type { ParamScale } from './param-scales.ts';
import type { ChartSpec } from './types.ts';

const STATUS_COLORS: Record<string, string> = {
  completed: '#2f6fdf',
  early_terminated: '#e8833a',
  timed_out: '#b04cc8',
  failed: '#d43d51',
  cancelled: '#8a8f98',
};

/**
 * The best value among completed trials after each trial, in trial order, from the first
 * completed trial with a value that is a number (a NaN value is never the best).
 */
export function bestSoFar(trials: readonly TrialResult[], goal: Goal): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  let best = Number.NaN;
  for (const t of [...trials].sort((a, b) => a.id - b.id)) {
    if (t.status === 'completed' && t.value !== undefined && better(goal, t.value, best)) best = t.value;
    if (!Number.isNaN(best)) points.push([t.id, best]);
  }
  return points;
}

/**
 * Optimization history: each trial's value (coloured by status) and the best value so far.
 *
 * @example
 * historyChart(result.trials, 'maximize', 'accuracy').option.series.length; // statuses + 1
 */
export function historyChart(trials: readonly TrialResult[], goal: Goal, metric: string): ChartSpec {
  const statuses = [...new Set(trials.map((t) => t.status))].sort();
  const series: Record<string, unknown>[] = statuses.map((status) => ({
    name: status.replace('_', ' '),
    type: 'scatter',
    symbolSize: 7,
    itemStyle: { color: STATUS_COLORS[status] },
    data: trials.filter((t) => t.status === status && t.value !== undefined).map((t) => [t.id, t.value]),
  }));
  series.push({
    name: 'best so far',
    type: 'line',
    step: 'end',
    symbol: 'none',
    lineStyle: { width: 2, color: '#1b9e5a' },
    itemStyle: { color: '#1b9e5a' },
    data: bestSoFar(trials, goal),
  });
  return {
    id: 'history',
    title: 'Optimization history',
    caption: `Each trial's ${metric} (its last reported value) in the order trials started, and the best completed value so far (${goal}).`,
    option: {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 45 },
      xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
      yAxis: { type: 'value', name: metric, scale: true },
      series,
    },
  };
}

/**
 * Intermediate values: one line per trial over its evaluation intervals; trials stopped
 * by the early termination policy are drawn in orange with a mark where they stopped.
 */
export function intermediatesChart(trials: readonly TrialResult[], metric: string): ChartSpec {
  const withSteps = trials.filter((t) => t.intermediate.length > 0);
  const series = withSteps.map((t) => {
    const stopped = t.status === 'early_terminated';
    const last = t.intermediate[t.intermediate.length - 1]!;
    return {
      name: `trial ${t.id}`,
      type: 'line',
      symbol: 'none',
      lineStyle: { width: stopped ? 1.5 : 1, opacity: stopped ? 0.9 : 0.55 },
      itemStyle: { color: stopped ? STATUS_COLORS.early_terminated : STATUS_COLORS.completed },
      data: t.intermediate.map((p) => [p.step, p.value]),
      ...(stopped
        ? {
            markPoint: {
              symbol: 'pin',
              symbolSize: 26,
              data: [
                { coord: [last.step, last.value], value: 'stop', name: `stopped at interval ${last.step}` },
              ],
            },
          }
        : {}),
    };
  });
  return {
    id: 'intermediate',
    title: 'Intermediate values',
    caption: `Every report of ${metric} by step; orange lines are trials the early termination policy stopped, pinned where it stopped them.`,
    option: {
      tooltip: { trigger: 'item', formatter: '{a}: {c}' },
      grid: { left: 60, right: 20, top: 20, bottom: 45 },
      xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
      yAxis: { type: 'value', name: metric, scale: true },
      series,
    },
  };
}

/** Parallel coordinates: one axis per parameter and one for the objective, a line per completed trial. */
export function parallelChart(
  trials: readonly TrialResult[],
  scales: Readonly<Record<string, ParamScale>>,
  metric: string,
): ChartSpec {
  const names = Object.keys(scales);
  const done = trials.filter((t) => t.status === 'completed' && t.value !== undefined);
  const values = done.map((t) => t.value!);
  const axes = names.map((name, dim) => {
    const scale = scales[name]!;
    return scale.kind === 'category'
      ? { dim, name, type: 'category', data: scale.values }
      : { dim, name, type: scale.kind === 'log' ? 'log' : 'value', scale: true };
  });
  axes.push({ dim: names.length, name: metric, type: 'value', scale: true });
  return {
    id: 'parallel',
    title: 'Parallel coordinates',
    caption: 'Each line is a completed trial, coloured by its objective value; drag along an axis to filter.',
    height: 380,
    option: {
      parallelAxis: axes,
      parallel: { left: 60, right: 90, top: 40, bottom: 30 },
      visualMap: {
        type: 'continuous',
        dimension: names.length,
        min: values.length ? Math.min(...values) : 0,
        max: values.length ? Math.max(...values) : 1,
        right: 0,
        top: 'middle',
        precision: 3,
        calculable: true,
        inRange: { color: ['#d7e3f7', '#2f6fdf', '#11306b'] },
      },
      series: [
        {
          name: 'trials',
          type: 'parallel',
          lineStyle: { width: 1.2, opacity: 0.7 },
          data: done.map((t) => [
            ...names.map((n) => {
              const v = t.params[n];
              return v === undefined ? null : scales[n]!.kind === 'category' ? String(v) : v;
            }),
            t.value,
          ]),
        },
      ],
    },
  };
}

/** A slice plot per parameter: the objective against that parameter alone, log axes for log-distributions. */
export function sliceCharts(
  trials: readonly TrialResult[],
  scales: Readonly<Record<string, ParamScale>>,
  metric: string,
): ChartSpec[] {
  const done = trials.filter((t) => t.status === 'completed' && t.value !== undefined);
  return Object.entries(scales).map(([name, scale], i) => ({
    id: `slice-${i}`,
    title: `Slice: ${name}`,
    caption: `${metric} of each completed trial against ${name}${scale.kind === 'log' ? ' (log axis)' : ''}.`,
    height: 260,
    option: {
      tooltip: { trigger: 'item' },
      grid: { left: 60, right: 20, top: 20, bottom: 45 },
      xAxis:
        scale.kind === 'category'
          ? { type: 'category', data: scale.values, name, nameLocation: 'middle', nameGap: 28 }
          : {
              type: scale.kind === 'log' ? 'log' : 'value',
              scale: true,
              name,
              nameLocation: 'middle',
              nameGap: 28,
            },
      yAxis: { type: 'value', name: metric, scale: true },
      series: [
        {
          type: 'scatter',
          symbolSize: 7,
          itemStyle: { color: STATUS_COLORS.completed, opacity: 0.75 },
          data: done
            .filter((t) => t.params[name] !== undefined)
            .map((t) => [scale.kind === 'category' ? String(t.params[name]) : t.params[name], t.value]),
        },
      ],
    },
  }));
}

/** A horizontal bar chart of named non-negative scores, largest on top. */
export function barChart(
  id: string,
  title: string,
  caption: string,
  entries: ReadonlyArray<{ readonly name: string; readonly value: number }>,
): ChartSpec {
  const sorted = [...entries].sort((a, b) => a.value - b.value);
  return {
    id,
    title,
    caption,
    height: Math.max(160, 28 * sorted.length + 60),
    option: {
      tooltip: { trigger: 'item' },
      grid: { left: 160, right: 40, top: 10, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: sorted.map((e) => e.name) },
      series: [{ type: 'bar', itemStyle: { color: '#2f6fdf' }, data: sorted.map((e) => e.value) }],
    },
  };
}
