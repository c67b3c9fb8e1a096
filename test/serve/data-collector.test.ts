import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { ValidationError } from '../../src/core/errors.ts';
import type { DataCollectorSettings } from '../../src/registry/endpoint-types.ts';
import { writerThread } from '../../src/serve/collect/writer.ts';
import {
  asRows,
  DataCollector,
  type DataCollectorOptions,
  partitionOf,
  recoverAbandonedParts,
} from '../../src/serve/data-collector.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-dc-'));
  dirs.push(dir);
  return dir;
}

/** Every file under a folder, as `/`-separated paths relative to it. */
function filesUnder(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const settings = (over: Partial<DataCollectorSettings> = {}): DataCollectorSettings => ({
  modelInputs: true,
  modelOutputs: true,
  rollingRate: 'hour',
  samplingRate: 1,
  ...over,
});

const T0 = Date.UTC(2026, 11, 3, 9, 59, 30); // 2026-12-03T09:59:30Z

/** A collector of endpoint `e`, deployment `d` under `root`, at T0, flushed by hand. */
function collectorAt(root: string, options: Partial<DataCollectorOptions> = {}): DataCollector {
  return new DataCollector(settings(), {
    endpoint: 'e',
    deployment: 'd',
    root,
    clock: () => T0,
    flushIntervalMs: 0,
    ...options,
  });
}

/** A clock the test moves by hand. */
function fakeClock(start = T0) {
  let now = start;
  return { now: () => now, set: (t: number) => (now = t) };
}

describe('partitionOf', () => {
  it('cuts UTC time by the rolling rate as Azure names its folders', () => {
    assert.deepEqual(partitionOf(T0, 'day'), { folder: '2026/12/03', end: Date.UTC(2026, 11, 4) });
    assert.deepEqual(partitionOf(T0, 'hour'), { folder: '2026/12/03/09', end: Date.UTC(2026, 11, 3, 10) });
    assert.deepEqual(partitionOf(T0, 'minute'), {
      folder: '2026/12/03/09/59',
      end: Date.UTC(2026, 11, 3, 10, 0),
    });
    // the end of a month and of a year roll over
    assert.equal(partitionOf(Date.UTC(2026, 11, 31, 23, 59, 59), 'day').end, Date.UTC(2027, 0, 1));
  });
});

describe('asRows', () => {
  it('turns {columns, data} into row objects and leaves other values alone', () => {
    assert.deepEqual(asRows({ columns: ['a', 'b'], data: [[1, 'x']] }), [{ a: 1, b: 'x' }]);
    assert.deepEqual(asRows([0, 1]), [0, 1]);
    // a ragged table is written as given rather than silently losing cells
    const ragged = { columns: ['a'], data: [[1, 2]] };
    assert.equal(asRows(ragged), ragged);
  });
});

describe('DataCollector', () => {
  it('writes inputs and outputs as Azure-shaped JSON Lines under hour partitions', async () => {
    const root = tempRoot();
    const clock = fakeClock();
    const c = new DataCollector(settings(), {
      endpoint: 'iris',
      deployment: 'blue',
      root,
      clock: clock.now,
      flushIntervalMs: 0,
    });
    c.collect({
      requestId: 'r1',
      time: T0,
      inputs: {
        columns: ['x', 'y'],
        data: [
          [1, 2],
          [3, 4],
        ],
      },
      outputs: [0, 1],
    });
    c.collect({
      requestId: 'r2',
      time: T0 + 1,
      inputs: { columns: ['x', 'y'], data: [[5, 6]] },
      outputs: [1],
    });
    await c.flush();
    // flushed but not closed: only temporary parts exist, no reader-visible file
    assert.ok(filesUnder(root).every((f) => f.endsWith('.jsonl.tmp')));
    assert.equal(filesUnder(root).length, 2);
    await c.close();
    const files = filesUnder(root);
    assert.equal(files.length, 2);
    const [inputs, outputs] = files;
    assert.match(inputs!, /^iris\/blue\/model_inputs\/2026\/12\/03\/09\/[^/]+\.jsonl$/);
    assert.match(outputs!, /^iris\/blue\/model_outputs\/2026\/12\/03\/09\/[^/]+\.jsonl$/);
    const inLines = lines(join(root, inputs!));
    assert.equal(inLines.length, 2);
    assert.deepEqual(inLines[0], {
      specversion: '1.0',
      id: 'r1-i',
      source: '/onlineEndpoints/iris/deployments/blue',
      type: 'azureml.inference.model_inputs',
      datacontenttype: 'application/json',
      time: '2026-12-03T09:59:30.000Z',
      data: [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
      correlationid: 'r1',
      requestId: 'r1',
    });
    const outLines = lines(join(root, outputs!));
    assert.deepEqual(
      outLines.map((l) => [l.requestId, l.data, l.type]),
      [
        ['r1', [0, 1], 'azureml.inference.model_outputs'],
        ['r2', [1], 'azureml.inference.model_outputs'],
      ],
    );
    assert.deepEqual(c.stats(), {
      collected: 2,
      dropped: 0,
      sampledOut: 0,
      pending: 0,
      lines: 4,
      lost: 0,
      files: 2,
      recovered: 0,
    });
  });

  it('rolls over to a new partition and closes the old part when its minute ends', async () => {
    const root = tempRoot();
    const clock = fakeClock();
    const c = new DataCollector(settings({ rollingRate: 'minute', modelOutputs: false }), {
      endpoint: 'e',
      deployment: 'd',
      root,
      clock: clock.now,
      flushIntervalMs: 0,
    });
    c.collect({ requestId: 'a', time: T0, inputs: { columns: ['x'], data: [[1]] } });
    await c.flush();
    assert.deepEqual(
      filesUnder(root).map((f) => f.endsWith('.tmp')),
      [true],
    );
    clock.set(T0 + 31_000); // 10:00:01, the 09:59 partition has ended
    c.collect({ requestId: 'b', time: T0 + 31_000, inputs: { columns: ['x'], data: [[2]] } });
    await c.flush();
    const files = filesUnder(root);
    assert.equal(files.length, 2);
    const done = files.filter((f) => f.endsWith('.jsonl'));
    assert.equal(done.length, 1);
    assert.match(done[0]!, /^e\/d\/model_inputs\/2026\/12\/03\/09\/59\//);
    assert.match(files.find((f) => f.endsWith('.tmp'))!, /^e\/d\/model_inputs\/2026\/12\/03\/10\/00\//);
    assert.deepEqual(
      lines(join(root, done[0]!)).map((l) => l.requestId),
      ['a'],
    );
    await c.close();
    assert.deepEqual(
      filesUnder(root).map((f) => f.endsWith('.jsonl')),
      [true, true],
    );
    assert.equal(c.stats().files, 2);
  });

  it('day partitions have no hour folder, and parts close by age so data shows up before midnight', async () => {
    const root = tempRoot();
    const clock = fakeClock();
    const c = new DataCollector(settings({ rollingRate: 'day', modelOutputs: false }), {
      endpoint: 'e',
      deployment: 'd',
      root,
      clock: clock.now,
      flushIntervalMs: 0,
      partMaxAgeMs: 60_000,
    });
    c.collect({ requestId: 'a', time: T0, inputs: [1] });
    await c.flush();
    clock.set(T0 + 60_000);
    await c.flush();
    const files = filesUnder(root);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^e\/d\/model_inputs\/2026\/12\/03\/[^/]+\.jsonl$/);
    await c.close();
  });

  it('starts a new part when one reaches partMaxBytes', async () => {
    const root = tempRoot();
    const c = new DataCollector(settings({ modelOutputs: false }), {
      endpoint: 'e',
      deployment: 'd',
      root,
      clock: () => T0,
      flushIntervalMs: 0,
      partMaxBytes: 300,
    });
    for (let i = 0; i < 6; i++) {
      c.collect({ requestId: `r${i}`, time: T0, inputs: { columns: ['x'], data: [[i]] } });
      await c.flush();
    }
    await c.close();
    const files = filesUnder(root);
    assert.ok(files.length >= 3, `expected several parts, got ${files.length}`);
    const all = files.flatMap((f) => lines(join(root, f)).map((l) => l.requestId));
    assert.deepEqual(all.sort(), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('samples requests at sampling_rate with the injected draws, inputs and outputs together', async () => {
    const root = tempRoot();
    const draws = [0.1, 0.9, 0.2, 0.8];
    let i = 0;
    const c = new DataCollector(settings({ samplingRate: 0.5 }), {
      endpoint: 'e',
      deployment: 'd',
      root,
      clock: () => T0,
      random: () => draws[i++ % draws.length]!,
      flushIntervalMs: 0,
    });
    for (let r = 0; r < 4; r++) c.collect({ requestId: `r${r}`, time: T0, inputs: [r], outputs: [r] });
    await c.close();
    const stats = c.stats();
    assert.equal(stats.collected, 2);
    assert.equal(stats.sampledOut, 2);
    for (const f of filesUnder(root)) {
      assert.deepEqual(
        lines(join(root, f)).map((l) => l.requestId),
        ['r0', 'r2'],
      );
    }
  });

  it('drops and counts records beyond the buffer cap instead of growing', async () => {
    const root = tempRoot();
    const c = collectorAt(root, {
      flushRecords: 1_000_000,
      maxBufferedRecords: 5,
    });
    for (let r = 0; r < 12; r++) c.collect({ requestId: `r${r}`, time: T0, inputs: [r] });
    assert.deepEqual(
      { collected: c.stats().collected, dropped: c.stats().dropped, pending: c.stats().pending },
      { collected: 5, dropped: 7, pending: 5 },
    );
    await c.close();
    // records collected after close are dropped too, never written
    c.collect({ requestId: 'late', time: T0, inputs: [0] });
    assert.equal(c.stats().dropped, 8);
    assert.equal(c.stats().lines, 5);
  });

  it('bounds the rows held, so a few huge requests cannot take the memory', () => {
    const c = new DataCollector(settings(), {
      endpoint: 'e',
      deployment: 'd',
      root: tempRoot(),
      flushIntervalMs: 0,
      flushRecords: 1_000_000,
      maxBufferedRows: 100,
    });
    const big = { columns: ['x'], data: Array.from({ length: 60 }, (_, k) => [k]) };
    c.collect({ requestId: 'a', time: T0, inputs: big });
    c.collect({ requestId: 'b', time: T0, inputs: big });
    assert.equal(c.stats().collected, 1);
    assert.equal(c.stats().dropped, 1);
  });

  it('never throws into the request path: a hostile record or an unwritable root only counts as lost', async () => {
    const root = tempRoot();
    const errors: unknown[] = [];
    const c = new DataCollector(settings(), {
      endpoint: 'e',
      deployment: 'd',
      // a file where a folder should be: every write fails
      root: join(import.meta.filename),
      clock: () => T0,
      flushIntervalMs: 0,
      onError: (e) => errors.push(e),
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.doesNotThrow(() => c.collect({ requestId: 'cycle', time: T0, inputs: cyclic }));
    const hostile = Object.defineProperty({}, 'inputs', {
      get() {
        throw new Error('boom');
      },
    }) as never;
    assert.doesNotThrow(() => c.collect(hostile));
    c.collect({ requestId: 'ok', time: T0, inputs: [1], outputs: [1] });
    await c.close();
    const stats = c.stats();
    assert.equal(stats.dropped, 1); // the hostile record
    assert.equal(stats.lines, 0);
    assert.equal(stats.lost, 3); // the cycle's input line, and both lines of 'ok' that could not be written
    assert.ok(errors.length >= 1);
    assert.deepEqual(filesUnder(root), []);
  });

  it('a payload the writer thread cannot be sent (a function in a scoring answer) is written as its JSON', async () => {
    const root = tempRoot();
    const c = collectorAt(root);
    const answer = { label: 'yes', explain: () => 'not data' };
    c.collect({ requestId: 'fn', time: T0, inputs: { x: 1 }, outputs: answer });
    c.collect({ requestId: 'plain', time: T0, inputs: { x: 2 }, outputs: { label: 'no' } });
    await c.close();
    const [inputs, outputs] = filesUnder(root);
    assert.deepEqual(
      lines(join(root, outputs!)).map((l) => [l.requestId, l.data]),
      [
        ['fn', { label: 'yes' }],
        ['plain', { label: 'no' }],
      ],
    );
    assert.equal(lines(join(root, inputs!)).length, 2);
    assert.equal(c.stats().lost, 0);
  });

  it('a writer thread that dies is replaced: later records are written, the error reported', async () => {
    const root = tempRoot();
    const errors: unknown[] = [];
    const c = collectorAt(root, { onError: (e) => errors.push(e) });
    c.collect({ requestId: 'before', time: T0, inputs: [1], outputs: [1] });
    await c.flush();
    assert.equal(c.stats().lines, 2);
    // the thread ends under the collector (a crash, as far as it can tell)
    await (writerThread as unknown as { worker: Worker }).worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    c.collect({ requestId: 'after', time: T0, inputs: [2], outputs: [2] });
    await c.close();
    assert.ok(errors.some((e) => /writer thread exited/.test(String(e))));
    const finished = filesUnder(root).filter((f) => f.endsWith('.jsonl'));
    const ids = finished.flatMap((f) => lines(join(root, f)).map((l) => l.requestId));
    assert.deepEqual(ids, ['after', 'after']);
    // the first thread's part was never finished: it stays a .jsonl.tmp for recovery
    assert.equal(filesUnder(root).filter((f) => f.endsWith('.jsonl.tmp')).length, 2);
    assert.equal(c.stats().lines, 4);
  });

  it('flushes on its own timer and by size', async () => {
    const root = tempRoot();
    const c = new DataCollector(settings({ modelOutputs: false }), {
      endpoint: 'e',
      deployment: 'd',
      root,
      flushIntervalMs: 0,
      flushRecords: 3,
    });
    for (let r = 0; r < 3; r++) c.collect({ requestId: `r${r}`, time: Date.now(), inputs: [r] });
    // the size trigger queued a flush; flush() runs after it on the same chain
    await c.flush();
    assert.equal(c.stats().lines, 3);
    await c.close();

    const timed = new DataCollector(settings({ modelOutputs: false }), {
      endpoint: 'e',
      deployment: 't',
      root,
      flushIntervalMs: 5,
    });
    timed.collect({ requestId: 'x', time: Date.now(), inputs: [1] });
    for (let k = 0; k < 200 && timed.stats().lines === 0; k++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(timed.stats().lines, 1);
    await timed.close();
  });

  it('writes any table exactly as JSON.stringify of its row objects would (property, seeded)', async () => {
    const cell = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.constant(null),
      fc.boolean(),
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
    );
    const tables = fc
      .tuple(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4 }))
      .chain(([columns, rows]) =>
        fc.record({
          columns: fc.constant(columns),
          data: fc.array(fc.array(cell, { minLength: columns.length, maxLength: columns.length }), {
            minLength: rows,
            maxLength: rows,
          }),
        }),
      );
    await fc.assert(
      fc.asyncProperty(fc.array(tables, { minLength: 1, maxLength: 5 }), async (payloads) => {
        const root = tempRoot();
        const c = new DataCollector(settings({ modelOutputs: false }), {
          endpoint: 'e',
          deployment: 'd',
          root,
          clock: () => T0,
          flushIntervalMs: 0,
        });
        // every other table column-major, as a scoring worker holds it
        const given = payloads.map((p, k) =>
          k % 2 === 0
            ? p
            : { columns: p.columns, values: p.columns.map((_, j) => p.data.map((row) => row[j])) },
        );
        for (const [k, inputs] of given.entries()) c.collect({ requestId: `r${k}`, time: T0, inputs });
        await c.close();
        const [file] = filesUnder(root);
        const written = lines(join(root, file!)).map((l) => l.data);
        assert.deepEqual(
          written,
          payloads.map((p) => JSON.parse(JSON.stringify(asRows(p)))),
        );
      }),
      { seed: 18, numRuns: 60 },
    );
  });

  it('writes column-major tables with typed arrays as row objects, NaN as null', async () => {
    const root = tempRoot();
    const c = collectorAt(root);
    c.collect({
      requestId: 'r',
      time: T0,
      inputs: { columns: ['x', 'city'], values: [Float64Array.of(1.5, Number.NaN), ['Paris', null]] },
      outputs: { columns: ['prediction'], values: [Float64Array.of(1, 0)] },
    });
    await c.close();
    const [inputs, outputs] = filesUnder(root);
    assert.deepEqual(lines(join(root, inputs!))[0]!.data, [
      { x: 1.5, city: 'Paris' },
      { x: null, city: null },
    ]);
    assert.deepEqual(lines(join(root, outputs!))[0]!.data, [{ prediction: 1 }, { prediction: 0 }]);
    assert.deepEqual(asRows({ columns: ['a'], values: [Float64Array.of(1, 2)] }), [{ a: 1 }, { a: 2 }]);
  });

  it('finishes the parts a crashed process left: cut after the last whole line, renamed', async () => {
    const root = tempRoot();
    const folder = join(root, 'e', 'd', 'model_inputs', '2026', '12', '03', '09');
    mkdirSync(folder, { recursive: true });
    const stale = join(folder, 'crashed.jsonl.tmp');
    writeFileSync(stale, '{"requestId":"a"}\n{"requestId":"b"}\n{"requestId":"c", "da');
    const empty = join(folder, 'nothing.jsonl.tmp');
    writeFileSync(empty, '{"requestId":"half');
    const live = join(folder, 'live.jsonl.tmp');
    writeFileSync(live, '{"requestId":"x"}\n');
    const now = Date.now();
    const old = (now - 3_600_000) / 1000;
    utimesSync(stale, old, old);
    utimesSync(empty, old, old);
    const c = new DataCollector(settings(), {
      endpoint: 'e',
      deployment: 'd',
      root,
      flushIntervalMs: 0,
      clock: () => now,
    });
    await c.close();
    assert.equal(c.stats().recovered, 1);
    assert.deepEqual(readdirSync(folder).sort(), ['crashed.jsonl', 'live.jsonl.tmp']);
    assert.deepEqual(
      lines(join(folder, 'crashed.jsonl')).map((l) => l.requestId),
      ['a', 'b'],
    );
    // a part written to recently may have a live writer: left alone
    assert.equal(await recoverAbandonedParts(join(root, 'e', 'd'), 600_000, now), 0);
    assert.equal(await recoverAbandonedParts(join(root, 'nowhere'), 0, now), 0);
  });

  it('refuses names that are not folder names and missing destinations', () => {
    assert.throws(
      () => new DataCollector(settings(), { endpoint: '../x', deployment: 'd', root: tempRoot() }),
      ValidationError,
    );
    assert.throws(() => new DataCollector(settings(), { endpoint: 'e', deployment: 'd' }), /no destination/);
    assert.throws(
      () =>
        new DataCollector(settings({ samplingRate: 2 }), {
          endpoint: 'e',
          deployment: 'd',
          root: tempRoot(),
        }),
      /sampling_rate/,
    );
  });

  it('settings.destination wins over the root it is given', async () => {
    const root = tempRoot();
    const destination = tempRoot();
    const c = new DataCollector(settings({ destination, modelOutputs: false }), {
      endpoint: 'e',
      deployment: 'd',
      root,
      flushIntervalMs: 0,
    });
    c.collect({ requestId: 'x', time: T0, inputs: [1] });
    await c.close();
    assert.deepEqual(filesUnder(root), []);
    assert.equal(filesUnder(destination).length, 1);
  });
});
