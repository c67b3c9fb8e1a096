import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DataError } from '../../src/core/errors.ts';
import { isMLTable, loadMLTable, mltableFiles, parseMLTable } from '../../src/data/mltable.ts';
import { readTabular, readTabularHeader, type TabularSource } from '../../src/data/read-tabular.ts';
import { isNumericColumn } from '../../src/data/table.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

function write(path: string, text: string | Buffer): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function mltable(dir: string, yaml: string): TabularSource {
  write(join(dir, 'MLTable'), yaml);
  const table = loadMLTable(dir);
  return { kind: 'mltable', path: dir, files: mltableFiles(table), table };
}

describe('MLTable files', () => {
  it('reads a ; delimited table with a decimal comma left as text and typed columns', async () => {
    const dir = tempDir('mltable');
    write(
      join(dir, 'sales.csv'),
      'region;units;price;label\nnorth;3;2,5;yes\nsouth;5;3,0;no\neast;7;1,5;yes\n',
    );
    const source = mltable(
      dir,
      [
        'type: mltable',
        'paths:',
        '  - file: ./sales.csv',
        'transformations:',
        '  - read_delimited:',
        '      delimiter: ";"',
        '      header: all_files_same_headers',
        '      encoding: utf8',
        '  - convert_column_types:',
        '      - columns: [units]',
        '        column_type: float',
        '      - columns: label',
        '        column_type: string',
        '',
      ].join('\n'),
    );
    assert.equal(isMLTable(dir), true);
    const table = await readTabular(source);
    assert.deepEqual(table.names, ['region', 'units', 'price', 'label']);
    assert.equal(table.nRows, 3);
    const units = table.get('units');
    assert.ok(isNumericColumn(units));
    assert.deepEqual([...units.values], [3, 5, 7]);
    // '2,5' is one field (the delimiter is ';'), not two
    assert.deepEqual(table.get('price').values, ['2,5', '3,0', '1,5']);
    assert.equal(table.get('label').kind, 'categorical');
  });

  it('several files by pattern and folder: same headers, from the first file, or none; skip, take, keep', async () => {
    const dir = tempDir('mltable-many');
    write(join(dir, 'parts', 'a.csv'), 'x,y\n1,a\n2,b\n');
    write(join(dir, 'parts', 'b.csv'), 'x,y\n3,c\n');
    const same = mltable(dir, 'paths:\n  - pattern: ./parts/*.csv\n');
    const t = await readTabular(same);
    assert.deepEqual(t.get('y').values, ['a', 'b', 'c']);

    const other = tempDir('mltable-first');
    write(join(other, 'data', '1.csv'), 'x,y\n1,a\n');
    write(join(other, 'data', '2.csv'), '2,b\n3,c\n');
    const first = mltable(
      other,
      'paths:\n  - folder: ./data\ntransformations:\n  - read_delimited:\n      header: from_first_file\n  - skip: 1\n  - take: 1\n  - keep_columns: [y]\n',
    );
    const f = await readTabular(first);
    assert.deepEqual(f.names, ['y']);
    assert.deepEqual(f.get('y').values, ['b']);
    assert.deepEqual(await readTabularHeader(first), { names: ['y'], hasRows: true });

    const none = mltable(
      other,
      'paths:\n  - file: ./data/2.csv\ntransformations:\n  - read_delimited:\n      header: no_header\n',
    );
    assert.deepEqual((await readTabular(none)).names, ['column_1', 'column_2']);
  });

  it('reads latin1 text when the MLTable says so', async () => {
    const dir = tempDir('mltable-latin1');
    write(join(dir, 'cities.csv'), Buffer.from('city,n\nK\xf6ln,1\nM\xfcnchen,2\n', 'latin1'));
    const source = mltable(
      dir,
      'paths:\n  - file: cities.csv\ntransformations:\n  - read_delimited:\n      encoding: latin1\n',
    );
    assert.deepEqual((await readTabular(source)).get('city').values, ['Köln', 'München']);
  });

  it('a row error names the file and line it is on, not the first file', async () => {
    const dir = tempDir('mltable-errors');
    write(join(dir, 'a.csv'), 'x,y\n1,2\n');
    write(join(dir, 'b.csv'), 'x,y\n3,4\n5,6,7\n');
    const ragged = mltable(dir, 'paths:\n  - pattern: ./*.csv\n');
    await assert.rejects(readTabular(ragged), (e: unknown) => {
      return e instanceof DataError && e.message.startsWith(`${join(dir, 'b.csv')}:3: the row has 3 fields`);
    });
    write(join(dir, 'b.csv'), 'x,z\n3,4\n');
    await assert.rejects(readTabular(ragged), /b\.csv:1: the header \(x, z\) differs/);
    write(join(dir, 'b.csv'), 'x,y\n3,4\n5,oops\n');
    const typed = mltable(
      dir,
      'paths:\n  - pattern: ./*.csv\ntransformations:\n  - convert_column_types:\n      - columns: y\n        column_type: int\n',
    );
    await assert.rejects(readTabular(typed), (e: unknown) => {
      return (
        e instanceof DataError && e.message.startsWith(`${join(dir, 'b.csv')}:3: column 2 ('y') is numeric`)
      );
    });
  });

  it('a bad MLTable file is one ConfigError naming the file, the line and the key', () => {
    const cases: Array<[string, RegExp]> = [
      [
        'paths:\n  - file: a.csv\ntransformations:\n  - read_delimited:\n      header: first_row\n',
        /^MLTable:line 5: transformations\[0\]\.read_delimited\.header: expected all_files_same_headers, from_first_file, no_header, got "first_row"$/,
      ],
      ['paths: []\n', /^MLTable:line 1: paths: expected a list/],
      [
        'paths:\n  - file: a.csv\n    folder: b\n',
        /^MLTable:line 2: paths\[0\]: expected exactly one of file, folder or pattern/,
      ],
      [
        'paths:\n  - file: a.csv\ntransformations:\n  - read_parquet: {}\n',
        /^MLTable:line 4: transformations\[0\]\.read_parquet: read_parquet is not supported here/,
      ],
      [
        'paths:\n  - file: a.csv\ntransformations:\n  - read_delimited:\n      delimiter: ";;"\n',
        /^MLTable:line 5: transformations\[0\]\.read_delimited\.delimiter: expected one character/,
      ],
      [
        'paths:\n  - file: a.csv\ntransformations:\n  - convert_column_types:\n      - columns: a\n        column_type: decimal\n',
        /^MLTable:line 6: transformations\[0\]\.convert_column_types\[0\]\.column_type: expected int, float/,
      ],
      ['paths:\n  - file: a.csv\n  bad indent\n', /^MLTable:line \d+: cannot parse the file/],
      ['pathz:\n  - file: a.csv\n', /^MLTable:line 1: pathz: unknown key/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parseMLTable(text, 'MLTable'),
        (e: unknown) => e instanceof ConfigError && expected.test(e.message) && !e.message.includes('\n'),
        text,
      );
    }
  });

  it('an entry that matches nothing names the MLTable and the entry', () => {
    const dir = tempDir('mltable-none');
    write(join(dir, 'MLTable'), 'paths:\n  - pattern: ./*.parquet\n');
    assert.throws(
      () => mltableFiles(loadMLTable(dir)),
      /paths entry pattern: \.\/\*\.parquet matches no file/,
    );
  });
});
