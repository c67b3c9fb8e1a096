// AutoML's optional second objective: the Pareto front of score and prediction latency.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { latencyFront } from '../../src/automl/pareto.ts';
import type { LeaderboardEntry } from '../../src/automl/types.ts';

const entry = (rank: number, score: number, predictSeconds: number): LeaderboardEntry => ({
  rank,
  model: `m${rank}`,
  params: {},
  score,
  metrics: {},
  fitSeconds: 0,
  predictSeconds,
});

describe('automl: secondObjective prediction_latency', () => {
  it('keeps the entries no other beats on both score and latency per row', () => {
    const entries = [entry(1, 0.95, 2), entry(2, 0.94, 0.5), entry(3, 0.9, 1), entry(4, 0.8, 0.1)];
    const front = latencyFront(entries, 'maximize', 1000);
    assert.deepEqual(
      front.map((e) => [e.rank, e.latencyMsPerRow]),
      [
        [1, 2],
        [2, 0.5],
        [4, 0.1],
      ],
    );
    assert.deepEqual(
      latencyFront(entries, 'minimize', 1000).map((e) => e.rank),
      [4],
    );
  });

  it('automl() returns the front among its leaderboard; an unknown objective is refused', async () => {
    const result = await automl({
      task: 'classification',
      trainPath: 'datasets/iris.csv',
      target: 'target',
      limits: { maxTrials: 6, timeoutMinutes: 2 },
      ensemble: false,
      seed: 1,
      secondObjective: 'prediction_latency',
    });
    const front = result.paretoFront!;
    assert.ok(front.length >= 1);
    const ranks = new Set(result.leaderboard.map((e) => e.rank));
    for (const e of front) assert.ok(ranks.has(e.rank) && e.latencyMsPerRow >= 0);
    // Latencies are measured, so which entries form the front varies; the best score is always on it.
    assert.equal(front[0]!.score, result.leaderboard[0]!.score);
    await assert.rejects(
      automl({ trainPath: 'datasets/iris.csv', target: 'target', secondObjective: 'size' as never }),
      /secondObjective must be 'prediction_latency', got "size"/,
    );
  });
});
