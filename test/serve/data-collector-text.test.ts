// The data collector writes a request's rows by copying their cells' text out of the JSON
// body (serve/collect/rows-text.ts) instead of formatting the parsed numbers again. These
// tests hold that copy to the parsed rows: for any table and any spacing, the written
// text reads back as the row objects of what JSON.parse found; a key given twice counts
// by its last value; anything else than a list of scalar rows at the path is refused with
// the sink untouched, and the collector then writes the parsed rows as before.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteSink } from '../../src/serve/collect/byte-sink.ts';
import { writeRowsText } from '../../src/serve/collect/rows-text.ts';
import { asRows, DataCollector } from '../../src/serve/data-collector.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const keysOf = (columns: readonly string[]) => columns.map((c) => Buffer.from(`${JSON.stringify(c)}:`));

/** The sink's text after writing, or undefined when writeRowsText refused (the sink must be untouched). */
function written(text: string, path: readonly string[], columns: readonly string[], nRows: number) {
  const sink = new ByteSink(16);
  sink.text('prefix');
  const ok = writeRowsText(sink, { text, path }, keysOf(columns), nRows);
  const out = sink.bytes().toString('utf8');
  if (!ok) {
    assert.equal(out, 'prefix', 'a refusal leaves the sink as it was');
    return undefined;
  }
  assert.ok(out.startsWith('prefix'));
  return out.slice('prefix'.length);
}

/** JSON text of a value with whitespace (spaces, tabs, newlines) between every token, as a pretty printer might. */
function spaced(value: unknown, space: string): string {
  return JSON.stringify(value, null, space);
}

const cell = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(true, false, null, 0.1, -0.0000012, 1e21, 'Paris', 'Zürich', 'a"b\\c\n'),
);

describe('writeRowsText', () => {
  it('writes any table of scalar cells as JSON.stringify of its row objects reads (property, seeded)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((nCols) =>
          fc.record({
            columns: fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 8 }), {
              minLength: nCols,
              maxLength: nCols,
            }),
            rows: fc.array(fc.array(cell, { minLength: nCols, maxLength: nCols }), { maxLength: 8 }),
            space: fc.constantFrom('', ' ', '\t', '\n  '),
            shape: fc.constantFrom('azure', 'legacy', 'mlflow'),
          }),
        ),
        ({ columns, rows, space, shape }) => {
          const body =
            shape === 'azure'
              ? {
                  input_data: { columns, index: rows.map((_, i) => i), data: rows },
                  params: { x: [1, { y: '}' }] },
                }
              : shape === 'legacy'
                ? { data: rows }
                : { dataframe_split: { columns, data: rows } };
          const path =
            shape === 'azure'
              ? ['input_data', 'data']
              : shape === 'legacy'
                ? ['data']
                : ['dataframe_split', 'data'];
          const text = spaced(body, space);
          const out = written(text, path, columns, rows.length);
          assert.ok(out !== undefined, 'rows of scalar cells are written from the text');
          assert.ok(!out.includes('\n'), 'one line');
          const parsed = JSON.parse(text) as { data?: unknown[] };
          let at: unknown = parsed;
          for (const key of path) at = (at as Record<string, unknown>)[key];
          assert.deepEqual(JSON.parse(out), asRows({ columns, data: at }));
        },
      ),
      { seed: 18, numRuns: 300 },
    );
  });

  it('keeps each cell as the caller spelt it, which reads back as the same value', () => {
    const out = written(
      '{"data": [[1.50, 1e3, -0, "x\\u00e9", true, null]]}',
      ['data'],
      ['a', 'b', 'c', 'd', 'e', 'f'],
      1,
    );
    assert.equal(out, '[{"a":1.50,"b":1e3,"c":-0,"d":"x\\u00e9","e":true,"f":null}]');
    assert.deepEqual(JSON.parse(out!), [{ a: 1.5, b: 1000, c: -0, d: 'xé', e: true, f: null }]);
  });

  it('takes a key given twice by its last value, as JSON.parse does, at every level of the path', () => {
    const text =
      '{"input_data": {"data": [[1]], "columns": ["a"], "data": [[2]]}, "input_data": {"data": [[3]]}}';
    assert.deepEqual(JSON.parse(text).input_data.data, [[3]]);
    assert.equal(written(text, ['input_data', 'data'], ['a'], 1), '[{"a":3}]');
    assert.equal(
      written('{"d\\u0061ta": [[4]]}', ['data'], ['a'], 1),
      '[{"a":4}]',
      'an escaped key is decoded',
    );
    assert.equal(written('\ufeff {"data": []}', ['data'], ['a'], 0), '[]', 'a byte order mark and no rows');
  });

  it('refuses anything but a list of nRows rows of as many scalar cells, leaving the sink as it was', () => {
    const columns = ['a', 'b'];
    for (const [text, nRows] of [
      ['{"data": [[1, [2]]]}', 1], // a nested cell
      ['{"data": [[1, {"x": 2}]]}', 1],
      ['{"data": [[1]]}', 1], // a short row
      ['{"data": [[1, 2, 3]]}', 1], // a long row
      ['{"data": [[1, 2], [3, 4]]}', 1], // more rows than said
      ['{"data": [[1, 2]]}', 2], // fewer
      ['{"rows": [[1, 2]]}', 1], // not at the path
      ['{"data": {"a": 1}}', 1],
      ['[[1, 2]]', 1],
      ['{"data": [[1, 2]', 1], // cut short
      ['{"data": [[1, "2]]}', 1],
    ] as const) {
      assert.equal(written(text, ['data'], columns, nRows), undefined, text);
    }
    assert.equal(
      written('[[1, 2]]', [], columns, 1),
      '[{"a":1,"b":2}]',
      'an empty path: the body is the list',
    );
  });
});

describe('DataCollector with rows as text', () => {
  const T0 = Date.UTC(2026, 11, 3, 9, 59, 30);
  const settings = { modelInputs: true, modelOutputs: true, rollingRate: 'hour', samplingRate: 1 } as const;

  function lines(root: string, collection: string): Array<Record<string, unknown>> {
    return (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.jsonl') && f.includes(collection))
      .flatMap((f) => readFileSync(join(root, f), 'utf8').trimEnd().split('\n'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('writes rows from the text, or parses it again when the text does not hold them as said', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlsweep-dc-text-'));
    dirs.push(root);
    const collector = new DataCollector(settings, {
      endpoint: 'e',
      deployment: 'd',
      root,
      clock: () => T0,
      flushIntervalMs: 0,
    });
    const columns = ['x', 'city'];
    const text = '{"input_data": {"columns": ["x", "city"], "data": [[0.90, "Paris"], [2, "Köln"]]}}';
    collector.collect({
      requestId: 'r1',
      time: T0,
      inputsText: { text, path: ['input_data', 'data'], columns, nRows: 2 },
      outputs: () => ['yes', 'no'],
    });
    // a nested cell: written from the parsed text instead
    collector.collect({
      requestId: 'r2',
      time: T0,
      inputsText: { text: '{"data": [[[1], "Lyon"]]}', path: ['data'], columns, nRows: 1 },
      outputs: ['yes'],
    });
    await collector.close();
    assert.deepEqual(collector.stats().lost, 0);
    const inputs = lines(join(root, 'e', 'd'), 'model_inputs');
    assert.deepEqual(
      inputs.map((l) => [l.correlationid, l.data]),
      [
        [
          'r1',
          [
            { x: 0.9, city: 'Paris' },
            { x: 2, city: 'Köln' },
          ],
        ],
        ['r2', [{ x: [1], city: 'Lyon' }]],
      ],
    );
    const raw = readFileSync(
      join(
        root,
        'e',
        'd',
        (readdirSync(join(root, 'e', 'd'), { recursive: true }) as string[]).find(
          (f) => f.startsWith('model_inputs') && f.endsWith('.jsonl'),
        )!,
      ),
      'utf8',
    );
    assert.ok(raw.includes('"x":0.90'), 'the cell as the caller spelt it');
    const outputs = lines(join(root, 'e', 'd'), 'model_outputs');
    assert.deepEqual(
      outputs.map((l) => l.data),
      [['yes', 'no'], ['yes']],
      'outputs given as a function are built at the flush',
    );
  });
});
