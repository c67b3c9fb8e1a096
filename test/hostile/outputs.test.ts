// Nothing lost on output: an output that is an input is refused before any work, every
// output location is checked before the work starts, and a command that fails part-way
// leaves an existing output file as it was (writes go to a temporary file, then rename).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { copyAtomic } from '../../src/core/files.ts';
import { assertOneLine, runCli as mlsweep, root, tempDir } from './helpers.ts';

const dir = tempDir('outputs');

/** Files left beside outputs under a temporary name (`.<name>.<pid>.<random>.tmp`). */
function temporaries(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.tmp'));
}

const iris = readFileSync(join(root, 'datasets/iris.csv'), 'utf8');
const model = join(dir, 'model.json');

before(async () => {
  const result = await automl({
    task: 'classification',
    trainPath: join(root, 'datasets/iris.csv'),
    target: 'target',
    allowedModels: ['DecisionTree'],
    limits: { maxTrials: 1 },
    ensemble: false,
  });
  result.pipeline.save(model);
});

describe('predict never destroys its input nor an old output', () => {
  it('refuses --out naming the --data file, before any work, and leaves the data intact', () => {
    const data = join(dir, 'same.csv');
    writeFileSync(data, iris);
    const r = mlsweep(['predict', '--model', model, '--data', data, '--out', data]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /--out .*same\.csv is the same file as --data/);
    assert.equal(readFileSync(data, 'utf8'), iris);
  });

  it('refuses --out naming the model file', () => {
    const copy = join(dir, 'model-copy.json');
    writeFileSync(copy, readFileSync(model));
    const r = mlsweep(['predict', '--model', copy, '--data', 'datasets/iris.csv', '--out', copy]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /is the same file as --model/);
    assert.deepEqual(readFileSync(copy), readFileSync(model));
  });

  it('a bad row late in the file (after batches were written) leaves an existing --out as it was', () => {
    // 30,000 good rows (several read batches) and then a ragged one
    const [header, ...rows] = iris.trim().split('\n');
    const many = Array.from({ length: 200 }, () => rows.join('\n')).join('\n');
    const data = join(dir, 'late-error.csv');
    writeFileSync(data, `${header}\n${many}\n1,2,3\n`);
    const out = join(dir, 'predictions.csv');
    writeFileSync(out, 'prediction\nfrom an earlier run\n');
    const r = mlsweep(['predict', '--model', model, '--data', data, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /late-error\.csv:30002: the row has 3 fields/);
    assert.equal(readFileSync(out, 'utf8'), 'prediction\nfrom an earlier run\n');
    assert.deepEqual(temporaries(dir), []);
  });

  it('a successful run replaces --out whole', () => {
    const out = join(dir, 'replaced.csv');
    writeFileSync(out, 'old\n'.repeat(1000));
    const r = mlsweep(['predict', '--model', model, '--data', 'datasets/iris.csv', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 151);
    assert.equal(lines[0], 'prediction');
  });
});

describe('every output location is checked before the work starts', () => {
  // A budget large enough that any work shows on stderr as trial lines.
  const automlArgs = ['automl', '--train', 'datasets/iris.csv', '--target', 'target', '--max-trials', '3'];

  for (const [option, value] of [
    ['--out', '/no/such/dir/m.json'],
    ['--report', '/no/such/dir/r.html'],
  ] as const) {
    it(`automl ${option} in a missing folder: exit 2, one line naming ${option}, no trial run`, () => {
      const r = mlsweep([...automlArgs, '--out', join(dir, 'never.json'), option, value]);
      assert.equal(r.code, 2, r.stderr);
      assertOneLine(
        r.stderr,
        new RegExp(`${option} /no/such/dir/.*: the folder /no/such/dir does not exist`),
      );
      assert.doesNotMatch(r.stderr, /\] trial \d/);
    });
  }

  it('automl --out naming the training file is refused and the file kept', () => {
    const train = join(dir, 'train.csv');
    writeFileSync(train, iris);
    const r = mlsweep([
      'automl',
      '--train',
      train,
      '--target',
      'target',
      '--max-trials',
      '3',
      '--out',
      train,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /--out .*train\.csv is the same file as --train/);
    assert.equal(readFileSync(train, 'utf8'), iris);
  });

  it('automl --report naming the same file as --out is refused', () => {
    const same = join(dir, 'both.out');
    const r = mlsweep([...automlArgs, '--out', same, '--report', same]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /--report .*both\.out is the same file as --out/);
    assert.doesNotMatch(r.stderr, /\] trial \d/);
  });

  it('automl --out naming a folder is refused', () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const r = mlsweep([...automlArgs, '--out', folder]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /--out .*a-folder: is a folder/);
    assert.doesNotMatch(r.stderr, /\] trial \d/);
  });

  it('predict --out in a missing folder: exit 2 before scoring', () => {
    const r = mlsweep([
      'predict',
      '--model',
      model,
      '--data',
      'datasets/iris.csv',
      '--out',
      '/no/such/p.csv',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /--out \/no\/such\/p\.csv: the folder \/no\/such does not exist/);
    assert.doesNotMatch(r.stderr, /rows scored/);
  });

  it('report --out in a missing folder, or naming its input: exit 2, the input intact', () => {
    const input = join(dir, 'result.json');
    const sweep = mlsweep(['sweep', 'examples/sweep-bandit.yml', '--no-track', '--json']);
    assert.equal(sweep.code, 0, sweep.stderr);
    writeFileSync(input, sweep.stdout);
    const missing = mlsweep(['report', input, '--out', '/no/such/r.html']);
    assert.equal(missing.code, 2, missing.stderr);
    assertOneLine(missing.stderr, /--out \/no\/such\/r\.html: the folder \/no\/such does not exist/);
    const same = mlsweep(['report', input, '--out', input]);
    assert.equal(same.code, 2, same.stderr);
    assertOneLine(same.stderr, /is the same file as <result>/);
    assert.equal(readFileSync(input, 'utf8'), sweep.stdout);
  });
});

describe('copies are whole files', () => {
  it('copyAtomic copies a folder file by file, merging, leaving no temporary file', () => {
    const source = join(dir, 'copy-source');
    const target = join(dir, 'copy-target');
    mkdirSync(join(source, 'sub'), { recursive: true });
    mkdirSync(target, { recursive: true });
    writeFileSync(join(source, 'a.json'), '{"a":1}');
    writeFileSync(join(source, 'sub', 'b.txt'), 'b');
    writeFileSync(join(target, 'a.json'), 'old');
    writeFileSync(join(target, 'kept.txt'), 'kept');
    copyAtomic(source, target);
    assert.equal(readFileSync(join(target, 'a.json'), 'utf8'), '{"a":1}');
    assert.equal(readFileSync(join(target, 'sub', 'b.txt'), 'utf8'), 'b');
    assert.equal(readFileSync(join(target, 'kept.txt'), 'utf8'), 'kept');
    assert.deepEqual(temporaries(target), []);
    assert.deepEqual(temporaries(join(target, 'sub')), []);
  });
});
