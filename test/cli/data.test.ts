import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerData } from '../../src/cli/data.ts';
import { registerDatastores } from '../../src/cli/datastore.ts';
import { mlsweep } from '../tracking/helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

/** Runs the data and datastore commands in this process; returns stdout, throws their errors. */
async function run(args: string[]): Promise<string> {
  const program = new Command('mlsweep').exitOverride();
  registerData(program);
  registerDatastores(program);
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

const json = async (args: string[]) => JSON.parse(await run([...args, '--json']));

/** A two-class problem a model learns: y is 'a' when x1 + x2 > 10, seeded by position only. */
function rows(n: number, delimiter: string): string {
  const lines = [['x1', 'x2', 'y'].join(delimiter)];
  for (let i = 0; i < n; i++) {
    const x1 = (i * 7) % 11;
    const x2 = (i * 5) % 13;
    lines.push([x1, x2, x1 + x2 > 10 ? 'a' : 'b'].join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('mlsweep data', () => {
  it('create (flags and -f data.yml), versions that count up, list, show, archive and restore', async () => {
    const dir = tempDir('data-cli');
    const store = join(dir, 'mlruns');
    const csv = write(join(dir, 'train.csv'), rows(40, ','));
    const v1 = await json([
      'data',
      'create',
      '--name',
      'toy',
      '--type',
      'uri_file',
      '--path',
      csv,
      '--store',
      store,
    ]);
    assert.equal(v1.version, '1');
    assert.match(v1.hash, /^[0-9a-f]{64}$/);
    assert.equal(v1.fileCount, 1);
    write(
      join(dir, 'data.yml'),
      '$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json\nname: toy\ntype: uri_folder\npath: ./parts\ndescription: the parts\ntags:\n  team: ml\n',
    );
    write(join(dir, 'parts', 'p1.csv'), rows(20, ','));
    write(join(dir, 'parts', 'p2.csv'), rows(20, ','));
    const v2 = await json(['data', 'create', '-f', join(dir, 'data.yml'), '--store', store]);
    assert.deepEqual(
      [v2.version, v2.type, v2.path, v2.description, v2.tags],
      ['2', 'uri_folder', join(dir, 'parts'), 'the parts', { team: 'ml' }],
    );
    const named = await json([
      'data',
      'create',
      '--name',
      'toy',
      '--version',
      '2024.06',
      '--type',
      'uri_file',
      '--path',
      csv,
      '--store',
      store,
    ]);
    assert.equal(named.version, '2024.06');
    // whole-number versions go on from the highest, not from the count
    assert.equal(
      (await json(['data', 'create', '--name', 'toy', '--type', 'uri_file', '--path', csv, '--store', store]))
        .version,
      '3',
    );

    assert.deepEqual(
      (await json(['data', 'list', '--store', store])).map(
        (a: { name: string; version: string }) => `${a.name}:${a.version}`,
      ),
      ['toy:3'],
    );
    assert.deepEqual(
      (await json(['data', 'list', '--name', 'toy', '--store', store])).map(
        (a: { version: string }) => a.version,
      ),
      ['1', '2', '2024.06', '3'],
    );
    assert.equal((await json(['data', 'show', 'azureml:toy:2', '--store', store])).type, 'uri_folder');
    assert.equal((await json(['data', 'show', 'toy', '--store', store])).version, '3');
    assert.equal(
      (await json(['data', 'show', 'toy', '--version', '1', '--verify', '--store', store])).verified,
      true,
    );

    await run(['data', 'archive', 'toy', '--version', '3', '--store', store]);
    assert.equal((await json(['data', 'show', 'azureml:toy@latest', '--store', store])).version, '2024.06');
    assert.equal((await json(['data', 'show', 'toy', '--version', '3', '--store', store])).archived, true);
    await run(['data', 'archive', 'toy', '--store', store]);
    assert.deepEqual(await json(['data', 'list', '--store', store]), []);
    assert.equal(
      (await json(['data', 'list', '--include-archived', '--name', 'toy', '--store', store])).length,
      4,
    );
    await run(['data', 'restore', 'toy', '--version', '1', '--store', store]);
    assert.equal((await json(['data', 'show', 'toy', '--store', store])).version, '1');
  });

  it('usage errors and bad input exit 2 with one line naming what is wrong', () => {
    const dir = tempDir('data-cli-errors');
    const store = join(dir, 'mlruns');
    const csv = write(join(dir, 'a.csv'), 'x\n1\n');
    write(join(dir, 'bad.yml'), 'name: toy\ntype: table\npath: a.csv\n');
    const cases: Array<[string[], RegExp]> = [
      [
        ['data', 'create', '--name', 'toy', '--path', csv],
        /data create needs --type uri_file\|uri_folder\|mltable/,
      ],
      [
        ['data', 'create', '--name', 'toy', '--type', 'csv', '--path', csv],
        /--type.*Allowed choices are uri_file, uri_folder, mltable|uri_file, uri_folder, mltable/,
      ],
      [
        ['data', 'create', '--name', 'toy', '--type', 'uri_folder', '--path', csv],
        /--type uri_folder but .*a\.csv is a file \(uri_file\)/,
      ],
      [
        ['data', 'create', '--name', 'to:y', '--type', 'uri_file', '--path', csv],
        /invalid data asset name "to:y"/,
      ],
      [
        ['data', 'create', '-f', join(dir, 'bad.yml')],
        /bad\.yml:line 2: type: expected uri_file, uri_folder, mltable, got "table"/,
      ],
      [
        ['data', 'create', '--name', 'toy', '--type', 'uri_file', '--path', join(dir, 'none.csv')],
        /data .*none\.csv: no such file or folder/,
      ],
    ];
    for (const [args, expected] of cases) {
      const r = mlsweep([...args, '--store', store]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, expected, args.join(' '));
      assert.equal(r.stderr.trim().split('\n')[0]!.startsWith('mlsweep: '), true);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});

describe('mlsweep datastore', () => {
  it('create -f for a local folder, list with the built-in ones, show; cloud types and misuse refused', async () => {
    const dir = tempDir('datastore-cli');
    const store = join(dir, 'mlruns');
    write(join(dir, 'shared', 'train.csv'), rows(10, ','));
    write(join(dir, 'ds.yml'), 'name: shared_data\ntype: local\npath: ./shared\ndescription: team data\n');
    const created = await json(['datastore', 'create', '-f', join(dir, 'ds.yml'), '--store', store]);
    assert.deepEqual(
      [created.name, created.path, created.builtIn],
      ['shared_data', join(dir, 'shared'), false],
    );
    assert.deepEqual(
      (await json(['datastore', 'list', '--store', store])).map((d: { name: string }) => d.name),
      ['shared_data', 'workspaceblobstore', 'workspacefilestore'],
    );
    assert.equal(
      (await json(['datastore', 'show', 'workspaceblobstore', '--store', store])).path,
      join(store, 'artifacts'),
    );

    // an asset registered under the datastore keeps it from being deleted
    await run([
      'data',
      'create',
      '--name',
      'shared',
      '--type',
      'uri_file',
      '--path',
      'azureml://datastores/shared_data/paths/train.csv',
      '--store',
      store,
    ]);
    await assert.rejects(
      run(['datastore', 'delete', 'shared_data', '--store', store]),
      /holds the data of shared:1/,
    );
    await assert.rejects(
      run(['datastore', 'delete', 'workspaceblobstore', '--store', store]),
      /part of every store/,
    );

    write(join(dir, 'blob.yml'), 'name: blob\ntype: azure_blob\naccount_name: acct\ncontainer_name: data\n');
    const cloud = mlsweep(['datastore', 'create', '-f', join(dir, 'blob.yml'), '--store', store]);
    assert.equal(cloud.status, 2);
    assert.match(
      cloud.stderr,
      /blob\.yml:line 2: type: azure_blob \(account acct\) is cloud storage.*only local folders work here/,
    );
    assert.equal(cloud.stderr.trim().split('\n').length, 1);

    write(join(dir, 'other.yml'), 'name: other\npath: ./shared\n');
    await run(['datastore', 'create', '-f', join(dir, 'other.yml'), '--store', store]);
    await assert.rejects(
      run(['datastore', 'create', '-f', join(dir, 'other.yml'), '--store', store]),
      /already exists/,
    );
    assert.equal(
      JSON.parse(await run(['datastore', 'delete', 'other', '--store', store, '--json'])).name,
      'other',
    );
  });
});

describe('data references in automl, predict and the registry (lineage)', () => {
  it('automl --train azureml:NAME@latest --store S --register M: models show lists the data; predict reads an MLTable; changed data is refused', async () => {
    const dir = tempDir('lineage');
    const store = join(dir, 'mlruns');
    // the training data: an MLTable of two ';' files, registered as an asset
    write(join(dir, 'table', 'part-1.csv'), rows(60, ';'));
    write(join(dir, 'table', 'part-2.csv'), rows(60, ';'));
    write(
      join(dir, 'table', 'MLTable'),
      'paths:\n  - pattern: ./part-*.csv\ntransformations:\n  - read_delimited:\n      delimiter: ";"\n      header: all_files_same_headers\n',
    );
    await run([
      'data',
      'create',
      '--name',
      'toy',
      '--type',
      'mltable',
      '--path',
      join(dir, 'table'),
      '--store',
      store,
    ]);
    const test = write(join(dir, 'test.csv'), rows(30, ','));
    const model = join(dir, 'model.json');
    const trained = mlsweep([
      'automl',
      '--train',
      'azureml:toy@latest',
      '--test',
      test,
      '--target',
      'y',
      '--max-trials',
      '2',
      '--allowed-models',
      'DecisionTree',
      '--no-ensemble',
      '--store',
      store,
      '--register',
      'toy-model',
      '--out',
      model,
      '--json',
    ]);
    assert.equal(trained.status, 0, trained.stderr);
    const result = JSON.parse(trained.stdout);
    assert.equal(result.recorded.model.name, 'toy-model');
    assert.deepEqual(
      result.recorded.data.map((d: { name: string; version?: string; context: string }) => [
        d.name,
        d.version,
        d.context,
      ]),
      [
        ['toy', '1', 'training'],
        ['test.csv', undefined, 'testing'],
      ],
    );

    const shown = mlsweep(['models', 'show', 'models:/toy-model/1', '--store', store, '--json']);
    assert.equal(shown.status, 0, shown.stderr);
    const version = JSON.parse(shown.stdout);
    const asset = JSON.parse(await run(['data', 'show', 'azureml:toy:1', '--store', store, '--json']));
    assert.deepEqual(version.data[0], {
      name: 'toy',
      version: '1',
      digest: asset.hash,
      context: 'training',
      type: 'mltable',
      uri: 'azureml:toy:1',
    });
    // and the other way round: the asset knows the run that read it and the model made from it
    assert.deepEqual(asset.usedBy, {
      runs: [{ runId: result.recorded.runId, context: 'training' }],
      models: [{ name: 'toy-model', version: 1 }],
    });
    const text = mlsweep(['models', 'show', 'models:/toy-model/1', '--store', store]);
    assert.match(text.stdout, /trained on:\n {4}toy:1 \(training, mltable, sha256 [0-9a-f]{12}…\)/);

    // predict reads the MLTable (through its asset reference) as one table
    const out = join(dir, 'pred.csv');
    const predicted = mlsweep([
      'predict',
      '--model',
      'models:/toy-model/1',
      '--data',
      'azureml:toy:1',
      '--out',
      out,
      '--store',
      store,
      '--json',
    ]);
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.equal(JSON.parse(predicted.stdout).rows, 120);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 121);

    // the data changes under the name: reading the asset fails, saying so, before any work
    writeFileSync(join(dir, 'table', 'part-2.csv'), rows(61, ';'));
    const again = mlsweep([
      'automl',
      '--train',
      'azureml:toy:1',
      '--target',
      'y',
      '--store',
      store,
      '--out',
      join(dir, 'm2.json'),
    ]);
    assert.equal(again.status, 2);
    assert.match(
      again.stderr,
      /^mlsweep: data asset toy:1 changed under its name: .* register the new content as a new version: mlsweep data create --name toy --type mltable/,
    );
  });
});
