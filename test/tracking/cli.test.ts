import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/tracking/tracker.ts';
import { mlsweep } from './helpers/cli.ts';
import { tempDir } from './helpers/temp.ts';

const work = tempDir('cli');
const dir = join(work, 'mlruns');
const tracker = new Tracker({ dir });
const ids: string[] = [];
for (const [i, acc] of [0.8, 0.95, 0.9].entries()) {
  const run = tracker.startRun({
    experiment: i === 0 ? 'baseline' : 'trees',
    name: `run-${i}`,
    tags: { model: 'rf' },
  });
  run.logParams({ max_depth: 3 + i });
  run.logMetric('accuracy', acc - 0.2);
  run.logMetric('accuracy', acc);
  if (i === 1) {
    writeFileSync(join(work, 'model.json'), '{}');
    run.logArtifact(join(work, 'model.json'));
  }
  run.end();
  ids.push(run.id);
}
tracker.close();

describe('mlsweep experiments / runs', () => {
  it('experiments list --json: every experiment with its run count', () => {
    const { status, stdout, stderr } = mlsweep(['experiments', 'list', '--store', dir, '--json']);
    assert.equal(status, 0, stderr);
    const list = JSON.parse(stdout) as Array<{ name: string; runCount: number }>;
    assert.deepEqual(
      list.map((e) => [e.name, e.runCount]),
      [
        ['baseline', 1],
        ['trees', 2],
      ],
    );
  });

  it('runs list: filter, order-by and experiment, as JSON and as a table', () => {
    const json = mlsweep([
      'runs',
      'list',
      '--store',
      dir,
      '--experiment',
      'trees',
      '--filter',
      'metrics.accuracy > 0.85',
      '--order-by',
      'metrics.accuracy DESC',
      '--json',
    ]);
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(
      (JSON.parse(json.stdout) as Array<{ name: string }>).map((r) => r.name),
      ['run-1', 'run-2'],
    );
    const text = mlsweep(['runs', 'list', '--store', dir, '--order-by', 'params.max_depth']);
    assert.equal(text.status, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.match(lines[0]!, /^run\s+name\s+status\s+started\s+metrics.accuracy\s+params.max_depth$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)[1]),
      ['run-0', 'run-1', 'run-2'],
    );
  });

  it('runs show: params, metric history, artifacts; a prefix of the id is enough', () => {
    const { status, stdout, stderr } = mlsweep([
      'runs',
      'show',
      ids[1]!.slice(0, 8),
      '--store',
      dir,
      '--json',
    ]);
    assert.equal(status, 0, stderr);
    const run = JSON.parse(stdout);
    assert.equal(run.id, ids[1]);
    assert.deepEqual(run.params, { max_depth: '4' });
    assert.deepEqual(
      run.metricHistory.accuracy.map((p: { step: number; value: number }) => [p.step, p.value]),
      [
        [0, 0.95 - 0.2],
        [1, 0.95],
      ],
    );
    assert.deepEqual(run.artifacts, ['model.json']);
    const text = mlsweep(['runs', 'show', ids[1]!, '--store', dir]);
    assert.match(text.stdout, /accuracy = 0.95; 2/);
  });

  it('a filter with a syntax error: exit 2, the message points at the token', () => {
    const { status, stdout, stderr } = mlsweep([
      'runs',
      'list',
      '--store',
      dir,
      '--filter',
      'metrics.accuracy >> 1',
    ]);
    assert.equal(status, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /filter: expected a value .* at column 19\n {2}metrics.accuracy >> 1\n {20}\^/);
  });

  it('unknown run, unknown experiment, missing store: exit 2 with the reason', () => {
    const run = mlsweep(['runs', 'show', 'abcdef12', '--store', dir]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown run 'abcdef12'/);
    const exp = mlsweep(['runs', 'list', '--store', dir, '--experiment', 'nope']);
    assert.equal(exp.status, 2);
    assert.match(exp.stderr, /unknown experiment "nope"; known: baseline \(1\), trees \(2\)/);
    const missing = mlsweep(['experiments', 'list', '--store', join(work, 'none')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no mlsweep store at .*none\/mlsweep.db/);
  });
});
