// The data collector writes its lines as UTF-8 bytes into reused buffers
// (serve/collect/byte-sink.ts): these tests hold the bytes to what JSON.stringify and
// Buffer.from would have written, for any text, and check that a line failing half-way
// leaves no trace and that lines stay whole across the 1 MiB group boundary.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteSink } from '../../src/serve/collect/byte-sink.ts';
import { DataCollector } from '../../src/serve/data-collector.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-dc-bytes-'));
  dirs.push(dir);
  return dir;
}

/** The text of every `.jsonl` file under a folder, by path, in path order. */
function texts(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => readFileSync(join(root, f), 'utf8'));
}

const T0 = Date.UTC(2026, 11, 3, 9, 59, 30);
const settings = { modelInputs: true, modelOutputs: true, rollingRate: 'hour', samplingRate: 1 } as const;

describe('ByteSink', () => {
  it('writes any string as Buffer.from would, short (byte by byte) or long (native), and grows', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 150 }), { maxLength: 20 }), (parts) => {
        const sink = new ByteSink(16);
        for (const part of parts) sink.text(part);
        assert.deepEqual(sink.bytes(), Buffer.from(parts.join('')));
      }),
      { seed: 18, numRuns: 200 },
    );
  });

  it('mixes ASCII, raw bytes and single bytes, and drops what follows a mark', () => {
    const sink = new ByteSink(16);
    sink.ascii(String(-0.0000012345678901234567));
    sink.raw(Buffer.from('"é":'));
    sink.byte(0x7b);
    const mark = sink.length;
    sink.text('x'.repeat(100));
    sink.length = mark;
    sink.ascii('z'.repeat(70)); // past LOOP_CHARS: the native latin1 path
    assert.equal(sink.bytes().toString('utf8'), `-0.0000012345678901234567"é":{${'z'.repeat(70)}`);
    assert.ok(sink.buffer.length >= sink.length);
  });
});

describe('DataCollector bytes', () => {
  it('writes non-ASCII names, ids and cells, extreme numbers and mixed rows as JSON.stringify would', async () => {
    const root = tempRoot();
    const c = new DataCollector(settings, {
      endpoint: 'e',
      deployment: 'd',
      root,
      clock: () => T0,
      flushIntervalMs: 0,
    });
    const extremes = [
      -0.0000012345678901234567, 1.7976931348623157e308, -0, 1e21, 5e-324, 123456789012345680000,
    ];
    const inputs = {
      columns: ['prix €', 'ville', '"quoted"\n', 'x'],
      data: [
        ...extremes.map((x, i) => [x, `Zürich ${'🙂'.repeat(i * 20)}`, '\ud800 lone', i]),
        [Number.NaN, null, true, { nested: ['ü'] }],
      ],
    };
    c.collect({ requestId: 'réq "1"', time: T0, inputs, outputs: ['oui', 'non', 'ü'] });
    await c.close();
    const [inText, outText] = texts(root);
    const line = JSON.parse(inText!) as {
      data: unknown;
      requestId: string;
      correlationid: string;
      id: string;
    };
    const expected = inputs.data.map((row) =>
      Object.fromEntries(inputs.columns.map((name, j) => [name, row[j]])),
    );
    assert.deepEqual(line.data, JSON.parse(JSON.stringify(expected)));
    // byte for byte, the data is what JSON.stringify writes (a lone surrogate as U+FFFD, as Buffer.from does)
    assert.ok(inText!.includes(`"data":${Buffer.from(JSON.stringify(expected)).toString('utf8')},`));
    assert.equal(line.requestId, 'réq "1"');
    assert.equal(line.correlationid, 'réq "1"');
    assert.equal(line.id, 'réq "1"-i');
    assert.deepEqual((JSON.parse(outText!) as { data: unknown }).data, ['oui', 'non', 'ü']);
  });

  it('cuts a line that fails half-way (a BigInt in a row) and writes the next ones whole', async () => {
    const root = tempRoot();
    const c = new DataCollector(
      { ...settings, modelOutputs: false },
      { endpoint: 'e', deployment: 'd', root, clock: () => T0, flushIntervalMs: 0 },
    );
    const columns = ['a', 'b'];
    c.collect({ requestId: 'ok1', time: T0, inputs: { columns, data: [[1, 2]] } });
    c.collect({
      requestId: 'bad',
      time: T0,
      inputs: {
        columns,
        data: [
          [1, 2],
          [3, 10n],
        ],
      },
    });
    c.collect({ requestId: 'ok2', time: T0, inputs: { columns, data: [[5, 'six']] } });
    await c.close();
    const [text] = texts(root);
    const ids = text!
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { requestId: string }).requestId);
    assert.deepEqual(ids, ['ok1', 'ok2']);
    assert.equal(c.stats().lost, 1);
    assert.equal(c.stats().lines, 2);
  });

  it('keeps lines whole and in order when a flush writes more than a group (1 MiB) at a time', async () => {
    const root = tempRoot();
    const c = new DataCollector(
      { ...settings, modelOutputs: false },
      {
        endpoint: 'e',
        deployment: 'd',
        root,
        clock: () => T0,
        flushIntervalMs: 0,
        flushRecords: 10_000,
      },
    );
    const columns = Array.from({ length: 20 }, (_, j) => `f${j}`);
    const n = 400; // 400 requests of 100 rows: about 12 MB of lines in one flush
    for (let k = 0; k < n; k++) {
      const data = Array.from({ length: 100 }, (_, r) => columns.map((_, j) => (k * 100 + r) / (j + 3)));
      c.collect({ requestId: `r${k}`, time: T0, inputs: { columns, data } });
    }
    await c.close();
    const all = texts(root).join('');
    const lines = all.trimEnd().split('\n');
    assert.equal(lines.length, n);
    for (const [k, l] of lines.entries()) {
      const line = JSON.parse(l) as { requestId: string; data: Array<Record<string, number>> };
      assert.equal(line.requestId, `r${k}`);
      assert.equal(line.data.length, 100);
      assert.equal(line.data[99]!.f19, (k * 100 + 99) / 22);
    }
    assert.equal(c.stats().lines, n);
  });
});
