// Property tests of CSV reading (fast-check, seeded so every run is the same): any text at
// all is read or refused with a DataError, never another exception; a well-formed table,
// every field quoted, reads back cell for cell.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { MlsweepError } from '../../src/core/errors.ts';
import { parseCsv, readCsv } from '../../src/data/read-csv.ts';
import { isNumericColumn } from '../../src/data/table.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('csv-property');
const settings = { seed: 42, numRuns: 200 };
const KINDS: readonly string[] = ['numeric', 'boolean', 'datetime', 'categorical', 'text'];

let files = 0;
function file(text: string): string {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** Pieces CSV readers trip on: quotes, delimiters, line breaks, markers, BOMs, prototype names. */
const piece = fc.oneof(
  fc.constantFrom(',', ';', '\t', '"', '""', '\n', '\r\n', '\r', ' ', 'NA', '?', 'null', '\uFEFF'),
  fc.constantFrom('1', '-2.5e3', '.5', 'yes', 'no', '2024-01-31', '2023-02-30', 'n/a', 'é', '日本', '😀'),
  fc.constantFrom('constructor', '__proto__', 'toString', 'id'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const csvText = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));

function onlyDataErrors(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof MlsweepError, `not an MlsweepError: ${(error as Error)?.stack ?? error}`);
  }
}

test('any text given to readCsv is read or refused with an MlsweepError, never another exception', async () => {
  await fc.assert(
    fc.asyncProperty(csvText, fc.boolean(), async (text, header) => {
      const path = file(text);
      try {
        const table = await readCsv(path, { header });
        for (const c of table.columns) {
          assert.ok(KINDS.includes(c.kind), `column '${c.name}' has kind ${String(c.kind)}`);
          assert.equal(c.values instanceof Float64Array, isNumericColumn(c), c.name);
          assert.equal(c.values.length, table.nRows);
        }
      } catch (error) {
        assert.ok(error instanceof MlsweepError, `not an MlsweepError: ${(error as Error)?.stack ?? error}`);
      }
      onlyDataErrors(() => parseCsv(text, { header }));
    }),
    settings,
  );
});

const cell = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(
    '',
    ' ',
    '"',
    '""',
    ',',
    ';',
    '\t',
    '\n',
    '\r',
    '\r\n',
    'a,"b"\nc',
    ' padded ',
    'NA',
    'é😀',
  ),
);
const table = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), { minLength: 1, maxLength: 5 })
  .chain((names) =>
    fc.record({
      names: fc.constant(names),
      rows: fc.array(fc.array(cell, { minLength: names.length, maxLength: names.length }), { maxLength: 8 }),
      eol: fc.constantFrom('\n', '\r\n'),
    }),
  );

function quoted(fields: readonly string[]): string {
  return fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
}

test('a table written with every field quoted reads back the same cells', async () => {
  await fc.assert(
    fc.asyncProperty(table, async ({ names, rows, eol }) => {
      const text = [names, ...rows].map(quoted).join(eol) + eol;
      const types = Object.fromEntries(names.map((n) => [n, 'categorical' as const]));
      const read = await readCsv(file(text), { missing: [], types });
      assert.deepEqual(read.names, names);
      assert.equal(read.nRows, rows.length);
      names.forEach((n, c) => {
        assert.deepEqual(
          read.get(n).values,
          rows.map((r) => r[c]),
        );
      });
    }),
    settings,
  );
});

test('columns named like Object members are typed from their cells, not from Object.prototype', () => {
  const t = parseCsv('constructor,__proto__,toString,hasOwnProperty\n1,2,3,4\n5,6,7,8\n');
  assert.deepEqual(t.names, ['constructor', '__proto__', 'toString', 'hasOwnProperty']);
  for (const c of t.columns)
    assert.ok(isNumericColumn(c) && c.kind === 'numeric', `${c.name}: ${String(c.kind)}`);
});
