import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/tracking/tracker.ts';
import { inProcess, mlsweep } from './helpers/cli.ts';
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
  it('experiments list --json: every experiment with its run count', async () => {
    const stdout = await inProcess(['experiments', 'list', '--store', dir, '--json']);
    const list = JSON.parse(stdout) as Array<{ name: string; runCount: number }>;
    assert.deepEqual(
      list.map((e) => [e.name, e.runCount]),
      [
        ['baseline', 1],
        ['trees', 2],
      ],
    );
  });

  it('runs list: filter, order-by and experiment, as JSON and as a table', async () => {
    const json = await inProcess([
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
    assert.deepEqual(
      (JSON.parse(json) as Array<{ name: string }>).map((r) => r.name),
      ['run-1', 'run-2'],
    );
    const text = await inProcess(['runs', 'list', '--store', dir, '--order-by', 'params.max_depth']);
    const lines = text.trim().split('\n');
    assert.match(lines[0]!, /^run\s+name\s+status\s+started\s+metrics.accuracy\s+params.max_depth$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)[1]),
      ['run-0', 'run-1', 'run-2'],
    );
  });

  it('runs show: params, metric history, artifacts; a prefix of the id is enough', async () => {
    const run = JSON.parse(await inProcess(['runs', 'show', ids[1]!.slice(0, 8), '--store', dir, '--json']));
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
    assert.match(await inProcess(['runs', 'show', ids[1]!, '--store', dir]), /accuracy = 0.95; 2/);
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

  it('unknown run, unknown experiment, missing store: the reason', async () => {
    await assert.rejects(inProcess(['runs', 'show', 'abcdef12', '--store', dir]), /unknown run 'abcdef12'/);
    await assert.rejects(
      inProcess(['runs', 'list', '--store', dir, '--experiment', 'nope']),
      /unknown experiment "nope"; known: baseline \(1\), trees \(2\)/,
    );
    const missing = mlsweep(['experiments', 'list', '--store', join(work, 'none')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no mlsweep store at .*none\/mlsweep.db/);
  });
});
