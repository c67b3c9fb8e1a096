import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mlsweep } from '../tracking/helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';
import { nodeProject } from './helpers.ts';

describe('mlsweep environment create|list|show', () => {
  it('registers and builds a Node environment, lists it as built, shows it by reference', () => {
    const dir = tempDir('env-cli');
    const store = join(dir, 'store');
    nodeProject(join(dir, 'project'));
    writeFileSync(join(dir, 'env.yml'), 'name: tools\nversion: "3"\nbuild: {path: project}\ntags: {x: y}\n');
    const created = mlsweep([
      'environment',
      'create',
      '-f',
      join(dir, 'env.yml'),
      '--store',
      store,
      '--json',
    ]);
    assert.equal(created.status, 0, created.stderr);
    const record = JSON.parse(created.stdout);
    assert.equal(record.name, 'tools');
    assert.equal(record.version, '3');
    assert.equal(record.kind, 'node');
    assert.equal(record.builtNow, true);
    assert.match(created.stderr, /tags has no effect locally/);

    const list = mlsweep(['environment', 'list', '--store', store, '--json']);
    const rows = JSON.parse(list.stdout) as Array<{ name: string; built: boolean; curated: boolean }>;
    assert.deepEqual(
      rows.map((r) => [r.name, r.built, r.curated]),
      [
        [`mlsweep-node-${process.version.slice(1).split('.')[0]}`, true, true],
        ['tools', true, false],
      ],
    );
    const show = mlsweep(['environment', 'show', 'azureml:tools:3', '--store', store]);
    assert.equal(show.status, 0, show.stderr);
    assert.match(
      show.stdout,
      /tools:3 \(node\)\n {2}Node project \(npm ci\)\n {2}sha256 [0-9a-f]{64}\n {2}built/,
    );

    const again = mlsweep(['environment', 'create', '-f', join(dir, 'env.yml'), '--store', store]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /^mlsweep: environment tools already has version 3/m);
  });

  it('fails with one line and registers nothing when the environment cannot be built', () => {
    const dir = tempDir('env-cli-fail');
    const store = join(dir, 'store');
    writeFileSync(
      join(dir, 'env.yml'),
      'name: gpu\nconda_file:\n  dependencies: [cudatoolkit=11.8, numpy]\n',
    );
    const failed = mlsweep(['environment', 'create', '-f', join(dir, 'env.yml'), '--store', store]);
    assert.equal(failed.status, 2);
    assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
    assert.match(failed.stderr, /cudatoolkit=11.8 is a conda-only package that pip cannot install/);
    assert.equal(existsSync(store), false, 'refused before the store was opened');
  });
});
