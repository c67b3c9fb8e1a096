// The multi-objective part of a sweep report: the Pareto front as a scatter (two
// objectives) or parallel coordinates (more), the hypervolume over trials, and the summary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hypervolumeChart, paretoParallel, paretoScatter } from '../../src/report/pareto-charts.ts';
import { renderReport } from '../../src/report/render.ts';
import { sweep } from '../../src/sweep/engine.ts';
import type { SweepResult } from '../../src/sweep/types.ts';
import { listSampler } from '../sweep/helpers.ts';

async function run(
  points: number[][],
  goals: Array<'minimize' | 'maximize'>,
  names = goals.map((_, i) => `f${i}`),
): Promise<SweepResult> {
  return sweep({
    sampler: listSampler(points.map((_, i) => ({ i }))),
    objectives: goals.map((goal, j) => ({ goal, primaryMetric: names[j]! })),
    constraints: ['size <= 10'],
    limits: { maxTotalTrials: points.length, maxConcurrentTrials: 1 },
    trial: (p) => {
      const v = points[Number(p['i'])]!;
      return { ...Object.fromEntries(names.map((n, j) => [n, v[j]!])), size: v[names.length]! };
    },
    hypervolumeReference: goals.map(() => 5),
  });
}

const series = (chart: { option: Record<string, unknown> }) =>
  chart.option['series'] as Array<{
    name: string;
    data: Array<{ value: number[] }> | Array<[number, number]>;
  }>;

describe('report: multi-objective sweeps', () => {
  it('two objectives: a scatter with the front, feasible and infeasible trials apart, and the hypervolume after each trial', async () => {
    // (f0, f1, size): 0 and 1 on the front, 2 dominated, 3 the best but too big
    const result = await run(
      [
        [1, 3, 1],
        [3, 1, 1],
        [4, 4, 1],
        [0, 0, 99],
      ],
      ['minimize', 'minimize'],
    );
    const scatter = series(paretoScatter(result));
    const ids = (name: string) =>
      (scatter.find((s) => s.name === name)!.data as Array<{ value: number[] }>).map((d) => d.value[2]);
    assert.deepEqual(ids('Pareto front'), [0, 1]);
    assert.deepEqual(ids('feasible'), [2]);
    assert.deepEqual(ids('infeasible'), [3]);
    const hv = series(hypervolumeChart(result)!)[0]!.data as Array<[number, number]>;
    // against (5, 5): 4x2 after trial 0, + 2x4 - 2x2 after trial 1, unchanged after 2 and 3
    assert.deepEqual(hv, [
      [0, 8],
      [1, 12],
      [2, 12],
      [3, 12],
    ]);
  });

  it('three objectives: parallel coordinates, one axis per objective', async () => {
    const result = await run(
      [
        [1, 2, 3, 1],
        [3, 2, 1, 1],
        [4, 4, 4, 1],
      ],
      ['minimize', 'maximize', 'minimize'],
    );
    const chart = paretoParallel(result);
    assert.equal((chart.option['parallelAxis'] as unknown[]).length, 3);
    assert.equal((series(chart).find((s) => s.name === 'Pareto front')!.data as unknown[]).length, 3);
  });

  it('the page has the Pareto section and the summary, and escapes metric names', async () => {
    const result = await run(
      [
        [1, 3, 1],
        [3, 1, 1],
      ],
      ['minimize', 'minimize'],
      ['acc</script><b>', 'latency'],
    );
    const html = renderReport({ sweep: result });
    assert.match(html, /<h2>Pareto front<\/h2>/);
    assert.match(html, /id="chart-pareto-front"/);
    assert.match(html, /id="chart-hypervolume"/);
    assert.match(html, /Pareto front<\/[a-z]+>\s*<[a-z]+[^>]*>2 trials/);
    assert.doesNotMatch(html, /acc<\/script><b>/);
  });

  it('a single-objective report has no Pareto section', async () => {
    const result = await sweep({
      sampler: listSampler([{ i: 0 }]),
      objective: { goal: 'minimize', primaryMetric: 'f0' },
      limits: { maxTotalTrials: 1 },
      trial: () => ({ f0: 1 }),
    });
    assert.doesNotMatch(renderReport({ sweep: result }), /Pareto front/);
  });
});
