// A few stray strings in a numeric column ('n/a', 'unknown') are read as missing, with a
// notice that counts them and names one, by the same rule at training and at predict:
// at most 5% of the column's present cells. More than that is not a numeric column.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { predictCsv } from '../../src/automl/score-table.ts';
import { DataError } from '../../src/core/errors.ts';
import { parseCsv, readCsv } from '../../src/data/read-csv.ts';
import { StrayTally } from '../../src/data/strays.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('stray');

/** `n` rows of age, city and a label that follows age; `stray` puts a string in some ages. */
function people(n: number, stray: (i: number) => string | undefined): string {
  const lines = ['age,city,label'];
  for (let i = 0; i < n; i++) {
    const age = 20 + ((i * 7) % 50);
    lines.push(`${stray(i) ?? age},${['north', 'south'][i % 2]},${age > 44 ? 'old' : 'young'}`);
  }
  return `${lines.join('\n')}\n`;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('a numeric column with 2 stray strings in 1000 stays numeric; the strays are missing, with a notice', async () => {
  const path = file(
    'people.csv',
    people(1000, (i) => (i === 15 ? 'n/a' : i === 400 ? 'unknown' : undefined)),
  );
  const t = await readCsv(path);
  const age = t.get('age');
  assert.equal(age.kind, 'numeric');
  assert.ok(Number.isNaN((age.values as Float64Array)[15]!));
  assert.equal((age.values as Float64Array)[16], 20 + ((16 * 7) % 50));
  // line 17: the header is line 1, row 15 (0-based) is line 17
  assert.deepEqual(t.notices, [
    `${path}: column 'age': 2 of 1000 values are not numbers (e.g. 'n/a' at line 17); read as missing`,
  ]);
});

test('the rule: at most 5% of the present cells; more strings make it categorical, or an error when typed', () => {
  const at = (n: number, every: number) => people(n, (i) => (i % every === 3 ? '-' : undefined));
  assert.equal(parseCsv(at(100, 20)).get('age').kind, 'numeric'); // 5 of 100
  assert.equal(parseCsv(at(100, 19)).get('age').kind, 'categorical'); // 6 of 100
  assert.equal(parseCsv(people(19, (i) => (i === 0 ? 'x' : undefined))).get('age').kind, 'categorical'); // 1 of 19
  assert.equal(parseCsv(people(20, (i) => (i === 0 ? 'x' : undefined))).get('age').kind, 'numeric'); // 1 of 20
  // a given kind takes the same rule: within it, missing with a notice; beyond it, an error that counts
  const typed = parseCsv(at(100, 20), { types: { age: 'numeric' } });
  assert.match(
    typed.notices[0]!,
    /^column 'age': 5 of 100 values are not numbers \(e\.g\. '-' at line 5\); read as missing$/,
  );
  assert.throws(
    () => parseCsv(at(100, 19), { types: { age: 'numeric' } }),
    (e: unknown) =>
      e instanceof DataError &&
      /<text>:5: column 1 \('age'\) is numeric, but the value "-" is not a numeric value \(6 of 100 values are not numbers; at most 5% are read as missing\)/.test(
        e.message,
      ),
  );
  // a column of words is not numeric however few
  assert.equal(parseCsv('w\nn/a\nn/a\n').get('w').kind, 'categorical');
});

test('training keeps the column numeric and says so; predict reads the same strays as missing with the same notice', async () => {
  const train = file(
    'train.csv',
    people(400, (i) => (i === 7 || i === 200 ? 'n/a' : undefined)),
  );
  const result = await automl({
    task: 'classification',
    trainPath: train,
    target: 'label',
    limits: { maxTrials: 2 },
    allowedModels: ['DecisionTree'],
    ensemble: false,
    validation: { type: 'cv', folds: 3 },
  });
  assert.equal(result.pipeline.inputTypes().age, 'numeric');
  assert.ok(result.best.metrics.accuracy! > 0.95, `accuracy ${result.best.metrics.accuracy}`);
  assert.ok(
    result.notices.includes(
      `${train}: column 'age': 2 of 400 values are not numbers (e.g. 'n/a' at line 9); read as missing`,
    ),
    result.notices.join('\n'),
  );

  // the same value at predict time: read as missing (as an empty cell is), not rejected
  const fresh = file(
    'fresh.csv',
    people(40, (i) => (i === 2 ? 'n/a' : undefined)),
  );
  const blank = file(
    'blank.csv',
    people(40, (i) => (i === 2 ? '' : undefined)),
  );
  const notices: string[] = [];
  const outFresh = join(dir, 'fresh-pred.csv');
  const outBlank = join(dir, 'blank-pred.csv');
  assert.deepEqual(await predictCsv(result.pipeline, fresh, outFresh, { onNotice: (n) => notices.push(n) }), {
    rows: 40,
  });
  await predictCsv(result.pipeline, blank, outBlank);
  assert.deepEqual(notices, [
    `${fresh}: column 'age': 1 of 40 values is not a number (e.g. 'n/a' at line 4); read as missing`,
  ]);
  assert.equal(readFileSync(outFresh, 'utf8'), readFileSync(outBlank, 'utf8'));
  // beyond the rule, predict refuses, naming the cell
  const broken = file(
    'broken.csv',
    people(40, (i) => (i < 5 ? 'n/a' : undefined)),
  );
  await assert.rejects(
    predictCsv(result.pipeline, broken, join(dir, 'broken-pred.csv')),
    (e: unknown) =>
      e instanceof DataError && /broken\.csv:2: column 1 \('age'\) is numeric.*5 of 40/.test(e.message),
  );
});

test('stray cells of a streamed file add up over its batches into one notice per column', () => {
  const tally = new StrayTally();
  tally.add([
    { column: 'age', file: 'f.csv', strays: 0, present: 500, example: undefined, line: undefined },
    { column: 'height', file: 'f.csv', strays: 0, present: 500, example: undefined, line: undefined },
  ]);
  tally.add([
    { column: 'age', file: 'f.csv', strays: 2, present: 500, example: '?!', line: 700 },
    { column: 'height', file: 'f.csv', strays: 0, present: 500, example: undefined, line: undefined },
  ]);
  tally.add([{ column: 'age', file: 'f.csv', strays: 1, present: 500, example: 'x', line: 1200 }]);
  assert.deepEqual(tally.notices(), [
    "f.csv: column 'age': 3 of 1500 values are not numbers (e.g. '?!' at line 700); read as missing",
  ]);
});

test('a regression target with a few stray strings leaves those rows out, with a notice', async () => {
  const lines = ['x,y'];
  for (let i = 0; i < 60; i++) lines.push(`${i},${i === 9 ? 'n/a' : (i * 1.5).toFixed(2)}`);
  const result = await automl({
    task: 'regression',
    trainPath: file('reg.csv', `${lines.join('\n')}\n`),
    target: 'y',
    limits: { maxTrials: 1 },
    allowedModels: ['DecisionTree'],
    ensemble: false,
    validation: { type: 'cv', folds: 3 },
  });
  assert.ok(
    result.notices.some((n) =>
      /column 'y': 1 of 60 values is not a number \(e\.g\. 'n\/a' at line 11\)/.test(n),
    ),
    result.notices.join('\n'),
  );
  assert.ok(result.notices.some((n) => /1 rows without a value of 'y' were left out/.test(n)));
});
