import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataError, ValidationError } from '../../src/core/errors.ts';
import { DataAssets } from '../../src/registry/data-assets.ts';
import { dataInputRecord, resolveDataInput } from '../../src/registry/data-input.ts';
import { createDatastore } from '../../src/registry/datastores.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A folder of data: two CSVs at the top, one below, a hidden file, an MLTable folder. */
function fixture() {
  const dir = tempDir('data-input');
  write(join(dir, 'data', 'a.csv'), 'x,y\n1,2\n');
  write(join(dir, 'data', 'b.csv'), 'x,y\n3,4\n');
  write(join(dir, 'data', 'sub', 'c.csv'), 'x,y\n5,6\n');
  write(join(dir, 'data', 'notes.txt'), 'not data\n');
  write(join(dir, 'data', '.DS_Store'), 'hidden');
  write(join(dir, 'table', 'part1.csv'), 'x;y\n1;2\n');
  write(
    join(dir, 'table', 'MLTable'),
    'paths:\n  - pattern: ./*.csv\ntransformations:\n  - read_delimited:\n      delimiter: ";"\n',
  );
  const store = new SqliteStore({ dir: join(dir, 'mlruns') });
  after(() => store.close());
  return { dir, store };
}

describe('resolveDataInput: local paths', () => {
  it('a file, a folder (recursive, hidden files left out), a glob, ** and an MLTable folder', () => {
    const { dir } = fixture();
    const file = resolveDataInput('data/a.csv', { cwd: dir });
    assert.deepEqual(file, {
      kind: 'uri_file',
      path: join(dir, 'data', 'a.csv'),
      files: [join(dir, 'data', 'a.csv')],
    });

    const folder = resolveDataInput(join(dir, 'data'), {});
    assert.equal(folder.kind, 'uri_folder');
    assert.deepEqual(
      folder.files,
      ['a.csv', 'b.csv', 'notes.txt', 'sub/c.csv'].map((f) => join(dir, 'data', f)),
    );

    const glob = resolveDataInput('data/*.csv', { cwd: dir });
    assert.equal(glob.kind, 'uri_folder');
    assert.equal(glob.path, join(dir, 'data'));
    assert.deepEqual(glob.files, [join(dir, 'data', 'a.csv'), join(dir, 'data', 'b.csv')]);

    const deep = resolveDataInput('data/**/*.csv', { cwd: dir });
    assert.deepEqual(
      deep.files,
      ['a.csv', 'b.csv', 'sub/c.csv'].map((f) => join(dir, 'data', f)),
    );

    const table = resolveDataInput('table', { cwd: dir });
    assert.equal(table.kind, 'mltable');
    assert.equal(table.path, join(dir, 'table'));
    assert.deepEqual(table.files, [join(dir, 'table', 'part1.csv')]);
    assert.equal(table.table?.delimiter, ';');
    // the MLTable file itself names the same table
    assert.equal(resolveDataInput('table/MLTable', { cwd: dir }).path, join(dir, 'table'));
  });

  it('nothing there is a ValidationError naming the reference', () => {
    const { dir } = fixture();
    for (const ref of ['data/none.csv', 'data/*.parquet', 'missing/**/*.csv']) {
      assert.throws(
        () => resolveDataInput(ref, { cwd: dir }),
        (e: unknown) =>
          e instanceof ValidationError && e.message.includes(ref) && e.code === 'E_DATA_NOT_FOUND',
        ref,
      );
    }
    assert.throws(() => resolveDataInput('', {}), ValidationError);
  });
});

describe('resolveDataInput: datastores', () => {
  it('azureml://datastores/<name>/paths/<path> resolves a file, a folder and a glob under the datastore', () => {
    const { dir, store } = fixture();
    createDatastore(store, { name: 'training', path: join(dir, 'data') });
    const file = resolveDataInput('azureml://datastores/training/paths/a.csv', { store });
    assert.deepEqual(file.files, [join(dir, 'data', 'a.csv')]);
    assert.equal(resolveDataInput('azureml://datastores/training/paths/sub/', { store }).kind, 'uri_folder');
    assert.deepEqual(resolveDataInput('azureml://datastores/training/paths/*.csv', { store }).files, [
      join(dir, 'data', 'a.csv'),
      join(dir, 'data', 'b.csv'),
    ]);
    // Azure's long form, with subscription and workspace, names the same data
    const long = 'azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/training/paths/a.csv';
    assert.deepEqual(resolveDataInput(long, { store }).files, [join(dir, 'data', 'a.csv')]);
  });

  it('an MLTable whose paths are datastore URIs reads its files from the datastore', () => {
    const { dir, store } = fixture();
    createDatastore(store, { name: 'training', path: join(dir, 'data') });
    write(
      join(dir, 'remote-table', 'MLTable'),
      'paths:\n  - pattern: azureml://datastores/training/paths/*.csv\n  - file: azureml://datastores/training/paths/sub/c.csv\n',
    );
    const table = resolveDataInput('remote-table', { cwd: dir, store });
    assert.equal(table.kind, 'mltable');
    assert.deepEqual(
      table.files,
      ['a.csv', 'b.csv', 'sub/c.csv'].map((f) => join(dir, 'data', f)),
    );
    // without a store the URIs cannot be read, and the message says why
    assert.throws(() => resolveDataInput('remote-table', { cwd: dir }), /needs a store/);
  });

  it('workspaceblobstore is the store artifacts folder; unknown datastores, escapes and a missing store are refused', () => {
    const { dir, store } = fixture();
    write(join(store.dir, 'artifacts', '1', 'run', 'out.csv'), 'p\n1\n');
    assert.deepEqual(
      resolveDataInput('azureml://datastores/workspaceblobstore/paths/1/run/out.csv', { store }).files,
      [join(store.dir, 'artifacts', '1', 'run', 'out.csv')],
    );
    assert.throws(
      () => resolveDataInput('azureml://datastores/nope/paths/a.csv', { store }),
      /no datastore named 'nope'.*workspaceblobstore, workspacefilestore/,
    );
    assert.throws(
      () => resolveDataInput('azureml://datastores/workspaceblobstore/paths/../../x.csv', { store }),
      /climbs out of the datastore/,
    );
    assert.throws(
      () => resolveDataInput('azureml://datastores/training/paths/a.csv', { cwd: dir }),
      /needs a store/,
    );
  });
});

describe('resolveDataInput: data assets', () => {
  it('azureml:<name>:<version> and azureml:<name>@latest give the asset and its hash', () => {
    const { dir, store } = fixture();
    let now = 1000;
    const assets = new DataAssets(store, { clock: () => now++ });
    const v1 = assets.create({ name: 'iris', type: 'uri_file', path: 'data/a.csv' }, { cwd: dir });
    const v2 = assets.create({ name: 'iris', type: 'uri_folder', path: 'data' }, { cwd: dir });
    assert.equal(v1.version, '1');
    assert.equal(v2.version, '2');
    const one = resolveDataInput('azureml:iris:1', { store });
    assert.deepEqual(one.asset, { name: 'iris', version: '1', hash: v1.hash });
    assert.deepEqual(one.files, [join(dir, 'data', 'a.csv')]);
    const latest = resolveDataInput('azureml:iris@latest', { store });
    assert.deepEqual(latest.asset, { name: 'iris', version: '2', hash: v2.hash });
    assert.equal(latest.kind, 'uri_folder');
    // the record a run keeps of it
    const record = dataInputRecord(latest, 'training');
    assert.equal(record.name, 'iris');
    assert.equal(record.digest, v2.hash);
    assert.equal(record.tags['mlsweep.data.version'], '2');
  });

  it('a changed file under a registered name fails with E_DATA_CHANGED, saying how to register it', () => {
    const { dir, store } = fixture();
    new DataAssets(store).create({ name: 'iris', type: 'uri_file', path: 'data/a.csv' }, { cwd: dir });
    writeFileSync(join(dir, 'data', 'a.csv'), 'x,y\n1,3\n');
    assert.throws(
      () => resolveDataInput('azureml:iris@latest', { store }),
      (e: unknown) =>
        e instanceof DataError &&
        e.code === 'E_DATA_CHANGED' &&
        /iris:1 changed under its name/.test(e.message) &&
        /mlsweep data create --name iris/.test(e.message),
    );
    // verify: false reads it anyway
    assert.equal(resolveDataInput('azureml:iris:1', { store, verify: false }).kind, 'uri_file');
  });

  it('bad azureml: references and unknown assets name what is wrong', () => {
    const { store } = fixture();
    assert.throws(
      () => resolveDataInput('azureml:iris', { store }),
      /names no version: add :<version> or @latest/,
    );
    assert.throws(() => resolveDataInput('azureml:iris@prod', { store }), /only the label @latest/);
    assert.throws(() => resolveDataInput('azureml:iris:1', { store }), /no data asset named 'iris'/);
    assert.throws(() => resolveDataInput('azureml:iris:1', {}), /needs a store/);
  });
});
