import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/tracking/tracker.ts';
import { inProcess, mlsweep } from '../tracking/helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const work = tempDir('models-cli');
const dir = join(work, 'mlruns');
const tracker = new Tracker({ dir });
const run = tracker.startRun({ experiment: 'iris' });
writeFileSync(join(work, 'model.json'), '{"w":[1]}');
writeFileSync(join(work, 'schema.json'), '{"columns":["a","b"]}');
run.logArtifact(join(work, 'model.json'));
run.logMetric('accuracy', 0.9);
run.end();
tracker.close();

describe('mlsweep models', () => {
  it('register from a run and from a file, alias, list, show', async () => {
    const v1 = JSON.parse(
      await inProcess([
        'models',
        'register',
        'iris-rf',
        '--run',
        run.id,
        '--artifact',
        'model.json',
        '--data-schema',
        join(work, 'schema.json'),
        '--tag',
        'stage=dev',
        '--store',
        dir,
        '--json',
      ]),
    );
    assert.equal(v1.version, 1);
    assert.deepEqual(v1.metrics, { accuracy: 0.9 });
    assert.deepEqual(v1.dataSchema, { columns: ['a', 'b'] });
    assert.deepEqual(v1.tags, { stage: 'dev' });

    const second = await inProcess([
      'models',
      'register',
      'iris-rf',
      '--file',
      join(work, 'model.json'),
      '--store',
      dir,
    ]);
    assert.match(second, /registered iris-rf version 2/);

    assert.match(
      await inProcess(['models', 'alias', 'iris-rf', 'production', '1', '--store', dir]),
      /-> version 1/,
    );
    const moved = await inProcess([
      'models',
      'alias',
      'iris-rf',
      'production',
      '2',
      '--store',
      dir,
      '--json',
    ]);
    assert.deepEqual(JSON.parse(moved).aliases, { production: 2 });

    assert.match(await inProcess(['models', 'list', '--store', dir]), /iris-rf\s+2\s+production->2/);
    const show = await inProcess(['models', 'show', 'models:/iris-rf@production', '--store', dir, '--json']);
    assert.equal(JSON.parse(show).version, 2);
    const all = JSON.parse(await inProcess(['models', 'show', 'iris-rf', '--store', dir, '--json']));
    assert.deepEqual(
      all.versions.map((v: { version: number; runId?: string }) => [v.version, v.runId ?? null]),
      [
        [1, run.id],
        [2, null],
      ],
    );
  });

  it('rejects an invalid name (exit 2), a missing source, an unknown version', async () => {
    const bad = mlsweep([
      'models',
      'register',
      'iris rf!',
      '--file',
      join(work, 'model.json'),
      '--store',
      dir,
    ]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /invalid model name "iris rf!"/);
    await assert.rejects(
      inProcess(['models', 'register', 'x', '--store', dir]),
      /needs either --run RUN --artifact PATH, or --file PATH/,
    );
    await assert.rejects(
      inProcess(['models', 'alias', 'iris-rf', 'staging', '9', '--store', dir]),
      /model 'iris-rf' has no version 9; it has 1, 2/,
    );
  });
});
