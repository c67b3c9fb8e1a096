import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataError, ValidationError } from '../../src/core/errors.ts';
import { fileSha256, filesSha256 } from '../../src/data/content-hash.ts';
import { folderFiles, globFiles } from '../../src/data/glob.ts';
import { DataAssets } from '../../src/registry/data-assets.ts';
import { dataHash, localData, parseDataReference } from '../../src/registry/data-paths.ts';
import {
  createDatastore,
  deleteDatastore,
  getDatastore,
  listDatastores,
} from '../../src/registry/datastores.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { storeOptions } from '../tracking/helpers/store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function setup() {
  const dir = tempDir('data-assets');
  // A folder store, or a fresh PostgreSQL database when MLSWEEP_TEST_POSTGRES names a server.
  const store = new SqliteStore(storeOptions('data-assets'));
  after(() => store.close());
  let now = 1_000;
  return { dir, store, assets: new DataAssets(store, { clock: () => now++ }) };
}

describe('content hashes', () => {
  it('a file hashes as sha256 of its bytes; a folder as a manifest of relative paths and file hashes', () => {
    const { dir } = setup();
    const a = write(join(dir, 'f', 'a.csv'), 'x\n1\n');
    write(join(dir, 'f', 'sub', 'b.csv'), 'x\n2\n');
    assert.equal(fileSha256(a), createHash('sha256').update('x\n1\n').digest('hex'));
    const folder = filesSha256(join(dir, 'f'), folderFiles(join(dir, 'f')));
    // the same files elsewhere hash the same
    cpSync(join(dir, 'f'), join(dir, 'g'), { recursive: true });
    assert.equal(filesSha256(join(dir, 'g'), folderFiles(join(dir, 'g'))), folder);
    // the order the files are given in does not matter
    assert.equal(filesSha256(join(dir, 'g'), folderFiles(join(dir, 'g')).reverse()), folder);
    // renaming a file, changing one, or adding one changes the hash
    renameSync(join(dir, 'g', 'sub', 'b.csv'), join(dir, 'g', 'sub', 'c.csv'));
    assert.notEqual(filesSha256(join(dir, 'g'), folderFiles(join(dir, 'g'))), folder);
    writeFileSync(join(dir, 'g', 'sub', 'c.csv'), 'x\n3\n');
    renameSync(join(dir, 'g', 'sub', 'c.csv'), join(dir, 'g', 'sub', 'b.csv'));
    assert.notEqual(filesSha256(join(dir, 'g'), folderFiles(join(dir, 'g'))), folder);
    // hidden files are not data
    write(join(dir, 'f', '.DS_Store'), 'noise');
    assert.equal(filesSha256(join(dir, 'f'), folderFiles(join(dir, 'f'))), folder);
  });

  it('known sha256 values: the empty file and "abc"', () => {
    const { dir } = setup();
    assert.equal(
      fileSha256(write(join(dir, 'empty'), '')),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.equal(
      fileSha256(write(join(dir, 'abc'), 'abc')),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('an MLTable hashes its MLTable file with its data, so a changed delimiter is a change', () => {
    const { dir } = setup();
    write(join(dir, 't', 'a.csv'), 'x;y\n1;2\n');
    write(
      join(dir, 't', 'MLTable'),
      'paths:\n  - file: a.csv\ntransformations:\n  - read_delimited:\n      delimiter: ";"\n',
    );
    const before = dataHash(localData(join(dir, 't'))!);
    write(
      join(dir, 't', 'MLTable'),
      'paths:\n  - file: a.csv\ntransformations:\n  - read_delimited:\n      delimiter: ","\n',
    );
    assert.notEqual(dataHash(localData(join(dir, 't'))!), before);
  });
});

describe('globs', () => {
  it('*, ?, [set], [!set], ** and hidden names', () => {
    const { dir } = setup();
    for (const f of [
      'a1.csv',
      'a2.csv',
      'b1.csv',
      'ab.txt',
      '.hidden.csv',
      'd/x.csv',
      'd/e/y.csv',
      '.git/z.csv',
    ]) {
      write(join(dir, 'g', f), 'x\n');
    }
    const g = (p: string) => globFiles(p, join(dir, 'g')).map((f) => f.slice(join(dir, 'g').length + 1));
    assert.deepEqual(g('*.csv'), ['a1.csv', 'a2.csv', 'b1.csv']);
    assert.deepEqual(g('a?.csv'), ['a1.csv', 'a2.csv']);
    assert.deepEqual(g('[ab]1.csv'), ['a1.csv', 'b1.csv']);
    assert.deepEqual(g('[!a]*.csv'), ['b1.csv']);
    assert.deepEqual(g('**/*.csv'), ['a1.csv', 'a2.csv', 'b1.csv', 'd/e/y.csv', 'd/x.csv']);
    assert.deepEqual(g('d/**'), ['d/e/y.csv', 'd/x.csv']);
    assert.deepEqual(g('.*.csv'), ['.hidden.csv']);
    assert.deepEqual(g('*.parquet'), []);
  });

  it('a symbolic link back up the tree is walked once, not round and round', () => {
    const { dir } = setup();
    write(join(dir, 'loop', 'a.csv'), 'x\n');
    symlinkSync(join(dir, 'loop'), join(dir, 'loop', 'again'));
    assert.deepEqual(folderFiles(join(dir, 'loop')), [join(dir, 'loop', 'a.csv')]);
    assert.deepEqual(globFiles('loop/**/*.csv', dir), [join(dir, 'loop', 'a.csv')]);
  });
});

describe('references', () => {
  it('parses every form, and refuses malformed azureml: ones', () => {
    assert.deepEqual(parseDataReference('azureml:iris:3'), { form: 'asset', name: 'iris', version: '3' });
    assert.deepEqual(parseDataReference('azureml:iris@latest'), { form: 'latest', name: 'iris' });
    assert.deepEqual(parseDataReference('azureml://datastores/ds/paths/a/b.csv'), {
      form: 'datastore',
      datastore: 'ds',
      path: 'a/b.csv',
    });
    assert.deepEqual(parseDataReference('azureml://locations/westus/workspaces/ws/data/iris/versions/2'), {
      form: 'asset',
      name: 'iris',
      version: '2',
    });
    assert.deepEqual(parseDataReference('data/*.csv'), { form: 'path', path: 'data/*.csv' });
    for (const bad of ['azureml:', 'azureml:a:b:c', 'azureml://elsewhere/x']) {
      assert.throws(() => parseDataReference(bad), ValidationError, bad);
    }
  });
});

describe('DataAssets', () => {
  it('versions count up from the highest whole number; a version is never given twice', () => {
    const { dir, assets } = setup();
    const csv = write(join(dir, 'a.csv'), 'x\n1\n');
    assert.equal(assets.create({ name: 'a', type: 'uri_file', path: csv }).version, '1');
    assert.equal(assets.create({ name: 'a', version: '7', type: 'uri_file', path: csv }).version, '7');
    assert.equal(assets.create({ name: 'a', version: 'v-x', type: 'uri_file', path: csv }).version, 'v-x');
    assert.equal(assets.create({ name: 'a', type: 'uri_file', path: csv }).version, '8');
    assert.throws(
      () => assets.create({ name: 'a', version: '7', type: 'uri_file', path: csv }),
      (e: unknown) => e instanceof ValidationError && e.code === 'E_EXISTS',
    );
    assert.throws(
      () => assets.create({ name: 'a', version: 'latest', type: 'uri_file', path: csv }),
      /'latest' is a label/,
    );
    assert.deepEqual(assets.versions('a'), ['1', '7', 'v-x', '8']);
  });

  it('@latest is the newest version not archived; archived versions stay readable by version', () => {
    const { dir, assets } = setup();
    const csv = write(join(dir, 'a.csv'), 'x\n1\n');
    assets.create({ name: 'a', type: 'uri_file', path: csv });
    assets.create({ name: 'a', type: 'uri_file', path: csv });
    assert.equal(assets.latest('a').version, '2');
    assets.archive('a', '2');
    assert.equal(assets.latest('a').version, '1');
    assert.equal(assets.open('a', '2').asset.archived, true);
    assets.archive('a');
    assert.throws(() => assets.latest('a'), /no version that is not archived/);
    assets.restore('a');
    assert.equal(assets.latest('a').version, '2');
    assert.throws(() => assets.get('a', '9'), /has no version 9; it has 1, 2/);
    assert.throws(() => assets.archive('nope'), /no data asset named 'nope'/);
  });

  it('data that changed or vanished under a name is a DataError saying so', () => {
    const { dir, assets } = setup();
    write(join(dir, 'f', 'a.csv'), 'x\n1\n');
    assets.create({ name: 'f', type: 'uri_folder', path: join(dir, 'f') });
    assert.equal(assets.open('f', '1').data.files.length, 1);
    write(join(dir, 'f', 'b.csv'), 'x\n2\n');
    assert.throws(
      () => assets.open('f', 'latest'),
      (e: unknown) =>
        e instanceof DataError && e.code === 'E_DATA_CHANGED' && /f:1 changed under its name/.test(e.message),
    );
    rmSync(join(dir, 'f'), { recursive: true });
    assert.throws(
      () => assets.open('f', '1'),
      (e: unknown) => e instanceof DataError && e.code === 'E_DATA_MISSING' && /f:1 is gone/.test(e.message),
    );
  });

  it('follows a datastore: the asset records the URI, not the folder', () => {
    const { dir, store, assets } = setup();
    write(join(dir, 'ds', 'a.csv'), 'x\n1\n');
    createDatastore(store, { name: 'ds', path: join(dir, 'ds') });
    const a = assets.create({ name: 'a', type: 'uri_file', path: 'azureml://datastores/ds/paths/a.csv' });
    assert.equal(a.path, 'azureml://datastores/ds/paths/a.csv');
    assert.equal(a.localPath, join(dir, 'ds', 'a.csv'));
    assert.throws(() => deleteDatastore(store, 'ds'), /holds the data of a:1/);
  });
});

describe('datastores', () => {
  it('built-in ones in every store, created ones by name; bad names, missing folders and duplicates refused', () => {
    const { dir, store } = setup();
    assert.deepEqual(
      listDatastores(store).map((d) => d.name),
      ['workspaceblobstore', 'workspacefilestore'],
    );
    assert.equal(getDatastore(store, 'workspacefilestore').path, join(store.dir, 'files'));
    mkdirSync(join(dir, 'x'));
    createDatastore(store, { name: 'x_1', path: join(dir, 'x') });
    assert.throws(() => createDatastore(store, { name: 'x_1', path: join(dir, 'x') }), /already exists/);
    assert.throws(
      () => createDatastore(store, { name: 'workspaceblobstore', path: join(dir, 'x') }),
      /already exists/,
    );
    assert.throws(
      () => createDatastore(store, { name: 'x-1', path: join(dir, 'x') }),
      /invalid datastore name/,
    );
    assert.throws(() => createDatastore(store, { name: 'y', path: join(dir, 'nope') }), /is not a folder/);
    assert.equal(deleteDatastore(store, 'x_1').name, 'x_1');
    assert.throws(() => getDatastore(store, 'x_1'), /no datastore named 'x_1'/);
  });
});
