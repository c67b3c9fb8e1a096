import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError, ValidationError } from '../../src/core/errors.ts';
import { parseCsv, readCsv, sniffDelimiter } from '../../src/data/read-csv.ts';
import { CsvTokenizer } from '../../src/data/tokenizer.ts';
import { parseDatetime, parseNumber } from '../../src/data/values.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlsweep-csv-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('quoted fields keep delimiters, doubled quotes and embedded line breaks', () => {
  const t = parseCsv('a,b,c\n"x,y","say ""hi""","two\nlines"\n1,2,3\n');
  assert.deepEqual(t.get('a').values, ['x,y', '1']);
  assert.deepEqual(t.get('b').values, ['say "hi"', '2']);
  assert.deepEqual(t.get('c').values, ['two\nlines', '3']);
});

test('CRLF, a UTF-8 BOM and blank lines are handled', () => {
  const t = parseCsv('\uFEFFx,y\r\n1,2\r\n\r\n3,4\r\n');
  assert.deepEqual(t.names, ['x', 'y']);
  assert.deepEqual(Array.from(t.get('x').values as Float64Array), [1, 3]);
});

test('the tokenizer gives the same records whatever the chunk boundaries', () => {
  const text = 'a,b\r\n"q""x\r\ny",2\r\n3,"4"\r\n5,6';
  const whole = new CsvTokenizer(',');
  const expected = [...whole.push(text), ...whole.end()];
  for (let size = 1; size <= 5; size++) {
    const t = new CsvTokenizer(',');
    const got = [];
    for (let i = 0; i < text.length; i += size) got.push(...t.push(text.slice(i, i + size)));
    got.push(...t.end());
    assert.deepEqual(got, expected, `chunk size ${size}`);
  }
  assert.deepEqual(
    expected.map((r) => r.line),
    [1, 2, 4, 5],
  );
});

test('the delimiter is sniffed among comma, semicolon and tab, ignoring quoted ones', () => {
  assert.equal(sniffDelimiter('a;b;c\n1;"2,5";3\n4;5;6\n'), ';');
  assert.equal(sniffDelimiter('a\tb\n1\t2\n'), '\t');
  assert.equal(sniffDelimiter('a,b\n"x;y;z",2\n'), ',');
  assert.equal(sniffDelimiter('single\n1\n'), ',');
  const t = parseCsv('x;y\n1,5;a\n2,5;b\n', { delimiter: ';' });
  assert.equal(t.get('x').kind, 'categorical');
});

test('missing markers default to empty, NA, NaN, ? and null, and are configurable', () => {
  const t = parseCsv('x,y\n1,a\nNA,b\n?,null\nNaN,\n 2 ,c\n');
  assert.deepEqual(Array.from(t.get('x').values as Float64Array), [1, Number.NaN, Number.NaN, Number.NaN, 2]);
  assert.deepEqual(t.get('y').values, ['a', 'b', null, null, 'c']);
  const custom = parseCsv('x\n-999\n3\n', { missing: ['-999'] });
  assert.ok(Number.isNaN((custom.get('x').values as Float64Array)[0]!));
});

test('column kinds are inferred: numeric, boolean, datetime, categorical, ID-like text', () => {
  const rows = Array.from({ length: 25 }, (_, i) =>
    [
      i * 1.5,
      i % 2 ? 'yes' : 'no',
      `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
      ['red', 'blue'][i % 2],
      `user-${i}`,
      i,
    ].join(','),
  );
  const t = parseCsv(`num,flag,when,color,name,customer_id\n${rows.join('\n')}\n`);
  assert.deepEqual(
    t.columns.map((c) => c.kind),
    ['numeric', 'boolean', 'datetime', 'categorical', 'text', 'text'],
  );
  assert.deepEqual(Array.from(t.get('flag').values as Float64Array).slice(0, 2), [0, 1]);
});

test('types and schemas override inference; a bad value in a typed column names line and column', () => {
  const t = parseCsv('code,y\n1,2\n0,3\n', { types: { code: 'categorical' } });
  assert.deepEqual(t.get('code').values, ['1', '0']);
  const s = parseCsv('chas,target\n0,1.5\n1,2\n', {
    schema: { task: 'regression', target: 'target', categorical_features: ['chas'] },
  });
  assert.equal(s.get('chas').kind, 'categorical');
  assert.equal(s.get('target').kind, 'numeric');
  assert.throws(
    () => parseCsv('a,b\n1,2\n"multi\nline",x\n3,oops\n', { types: { b: 'numeric' } }),
    (e: unknown) => e instanceof DataError && /:3: column 2 \('b'\) is numeric.*"x"/.test(e.message),
  );
  assert.throws(() => parseCsv('a\n1\n', { types: { nope: 'numeric' } }), ValidationError);
});

test('a ragged row is an error naming the file and line', async () => {
  const path = file('ragged.csv', 'a,b\n1,2\n"x\ny",3\n4,5,6\n');
  await assert.rejects(
    readCsv(path),
    (e: unknown) =>
      e instanceof DataError && e.message.includes(`${path}:5:`) && /3 fields.*has 2/.test(e.message),
  );
});

test('an unterminated quote and an empty file are errors', async () => {
  assert.throws(() => parseCsv('a\n"open\n'), /line 2 is never closed/);
  await assert.rejects(readCsv(file('empty.csv', '')), /empty/);
  assert.throws(() => parseCsv('a,a\n1,2\n'), /two columns are named 'a'/);
});

test('readCsv streams a file larger than its chunk size and agrees with parseCsv', async () => {
  const lines = ['id;value;label'];
  for (let i = 0; i < 30_000; i++) lines.push(`${i};${(i * 0.37).toFixed(3)};"l;${i % 7}"`);
  const text = lines.join('\n');
  const path = file('big.csv', text);
  const streamed = await readCsv(path);
  const inMemory = parseCsv(text);
  assert.equal(streamed.nRows, 30_000);
  assert.deepEqual(streamed.get('value').values, inMemory.get('value').values);
  assert.equal(streamed.get('label').values[8], 'l;1');
});

test('the bundled data sets read with their schemas', async () => {
  const t = await readCsv('datasets/glass.csv', { schema: 'datasets/glass.schema.json' });
  assert.equal(t.nRows, 214);
  assert.equal(t.get('target').kind, 'categorical');
  const votes = await readCsv('datasets/house_votes84.csv', { schema: 'datasets/house_votes84.schema.json' });
  assert.equal(votes.get('V1').kind, 'categorical');
  assert.ok((votes.get('V11').values as ReadonlyArray<string | null>).includes(null));
});

test('cell parsers are strict', () => {
  assert.equal(parseNumber('0x1f'), undefined);
  assert.equal(parseNumber(''), undefined);
  assert.equal(parseNumber('-.5e1'), -5);
  assert.equal(parseDatetime('2023-02-30'), undefined);
  assert.equal(parseDatetime('2024-01-01T01:00:00+01:00'), Date.UTC(2024, 0, 1));
});
