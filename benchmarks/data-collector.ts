// Data collection's cost on the request path and beside it (serve/data-collector.ts):
// (1) `collect()`, what a request pays: µs per call, median of rounds of 10,000 calls;
// (2) the flush: CPU µs per record to serialize and write inputs and outputs as JSON Lines,
//     all threads (the records are serialized on the collectors' writer thread), and of it
//     what the event loop pays (handing the records over; /proc/self/task, 10 ms ticks);
// (3) end to end, as a server would: records collected in bursts of 500 that yield to the
//     event loop between them, with the collector's own timer and size triggers: records/s
//     written and how many were dropped (offered far faster than any server would, this
//     finds the writer's ceiling and shows the buffer cap doing its job).
// The goal is 20,000 requests/s on 2 cores, a budget of 100 µs of CPU per request:
// (collect + flush) / 100 µs is the share of that budget collection takes, to hold under 10%.
// Beside it, the share of what a request cost the server in its own benchmark
// (benchmarks/results/serve.json: cores / requests/s, an upper bound as autocannon shared
// the cores), i.e. how much slower a CPU-bound server gets with every request collected.
// Payloads: 1 row and 100 rows of 20 numeric features, with one prediction per row, given
// as parsed rows with the request body's JSON text beside them (what the server hands the
// collector: the rows are copied from the text, collect/rows-text.ts), and, for comparison,
// as parsed rows alone and column-major (one Float64Array per column), both formatted
// number by number.
// `node --import tsx benchmarks/data-collector.ts`; writes benchmarks/results/data-collector.json.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataCollector, type TextRows } from '../src/serve/data-collector.ts';
import { markdown, recordResults } from './lib/record.ts';

const FEATURES = 20;
const ROUNDS = 7;
const BURST = 500;
const REQUEST_BUDGET_US = 100;
/** Records per timed round, and records offered end to end, by rows per request (the 100-row text is 50 KB a record). */
const BATCH: Record<number, number> = { 1: 10_000, 100: 1_000 };
const END_TO_END: Record<number, number> = { 1: 100_000, 100: 10_000 };

const work = mkdtempSync(join(tmpdir(), 'mlsweep-bench-collector-'));
const settings = { modelInputs: true, modelOutputs: true, rollingRate: 'hour', samplingRate: 1 } as const;

/** A seeded request payload of `rows` rows (mulberry-free: a fixed linear congruence is enough here). */
type Layout = 'text' | 'rows' | 'columns';

function payload(
  rows: number,
  layout: Layout = 'text',
): { inputs?: unknown; outputs: number[]; inputsText?: TextRows } {
  let s = 12345;
  const next = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const columns = Array.from({ length: FEATURES }, (_, j) => `f${j}`);
  const data = Array.from({ length: rows }, () => Array.from({ length: FEATURES }, next));
  const outputs = data.map((r) => (r[0]! > 0.5 ? 1 : 0));
  if (layout === 'rows') return { inputs: { columns, data }, outputs };
  if (layout === 'text') {
    const text = JSON.stringify({ input_data: { columns, index: data.map((_, i) => i), data } });
    // what the server hands over: the body's text alone, the parsed rows left to the GC
    return { outputs, inputsText: { text, path: ['input_data', 'data'], columns, nRows: rows } };
  }
  // one Float64Array per column, as a scoring worker holds the rows
  const values = columns.map((_, j) => Float64Array.from(data, (r) => r[j]!));
  return { inputs: { columns, values }, outputs };
}

/**
 * CPU µs the server spent per request in its own benchmark (benchmarks/results/serve.json,
 * the best requests/s for that many rows): cores × 1 s / requests/s. An upper bound,
 * since the load generator shared those cores.
 */
function servedCpuUsPerRequest(rows: number): number | undefined {
  const file = new URL('results/serve.json', import.meta.url);
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {
    machine?: { cores?: number };
    // serve.bench.ts records { rows: [...scenarios], dataCollection, loadAverage }
    results?: { rows?: Array<{ scenario: string; requestsPerSecond: number }> };
  };
  const scenario = `${rows} ${rows === 1 ? 'row' : 'rows'} per request`;
  const best = Math.max(
    0,
    ...(doc.results?.rows ?? []).filter((r) => r.scenario === scenario).map((r) => r.requestsPerSecond),
  );
  if (best === 0) return undefined;
  return ((doc.machine?.cores ?? availableParallelism()) * 1e6) / best;
}

/** CPU µs this process's main thread (the event loop) has used, from /proc; undefined elsewhere. */
function mainThreadCpuUs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return undefined;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function perCall(
  rows: number,
  layout: Layout,
): Promise<{ collectUs: number; flushCpuUs: number; flushMainCpuUs: number | null; flushWallUs: number }> {
  const { inputs, outputs, inputsText } = payload(rows, layout);
  const batch = BATCH[rows]!;
  const collector = new DataCollector(settings, {
    endpoint: 'bench',
    deployment: `calls-${rows}-${layout}`,
    root: work,
    flushIntervalMs: 0,
    flushRecords: Number.MAX_SAFE_INTEGER,
    maxBufferedRecords: batch,
    maxBufferedRows: batch * rows,
  });
  const collect: number[] = [];
  const flushCpu: number[] = [];
  const flushWall: number[] = [];
  const flushMain: number[] = [];
  let id = 0;
  const time = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++)
      collector.collect({
        requestId: `r${id++}`,
        time,
        inputs,
        outputs,
        ...(inputsText ? { inputsText } : {}),
      });
    collect.push(((performance.now() - t0) * 1000) / batch);
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuUs();
    const t1 = performance.now();
    await collector.flush();
    flushWall.push(((performance.now() - t1) * 1000) / batch);
    const cpu = process.cpuUsage(cpu0);
    const main1 = mainThreadCpuUs();
    flushCpu.push((cpu.user + cpu.system) / batch);
    if (main0 !== undefined && main1 !== undefined) flushMain.push((main1 - main0) / batch);
  }
  await collector.close();
  const stats = collector.stats();
  if (stats.dropped !== 0 || stats.lost !== 0)
    throw new Error(`records dropped or lost: ${JSON.stringify(stats)}`);
  // the first round warms the JIT up; the median of the rest
  return {
    collectUs: median(collect.slice(1)),
    flushCpuUs: median(flushCpu.slice(1)),
    flushMainCpuUs: flushMain.length > 1 ? median(flushMain.slice(1)) : null,
    flushWallUs: median(flushWall.slice(1)),
  };
}

async function endToEnd(
  rows: number,
  layout: Layout,
): Promise<{ offered: number; recordsPerSecond: number; dropped: number; files: number }> {
  const { inputs, outputs, inputsText } = payload(rows, layout);
  const collector = new DataCollector(settings, {
    endpoint: 'bench',
    deployment: `e2e-${rows}-${layout}`,
    root: work,
  });
  const time = Date.now();
  const t0 = performance.now();
  for (let sent = 0; sent < END_TO_END[rows]!; sent += BURST) {
    for (let i = 0; i < BURST; i++)
      collector.collect({
        requestId: `r${sent + i}`,
        time,
        inputs,
        outputs,
        ...(inputsText ? { inputsText } : {}),
      });
    // a server returns to its event loop between requests; the flushes run there
    await new Promise((done) => setImmediate(done));
  }
  await collector.close();
  const seconds = (performance.now() - t0) / 1000;
  const stats = collector.stats();
  return {
    offered: END_TO_END[rows]!,
    recordsPerSecond: stats.lines / 2 / seconds,
    dropped: stats.dropped,
    files: stats.files,
  };
}

try {
  const results = [];
  for (const [rows, layout] of [
    [1, 'text'],
    [100, 'text'],
    [1, 'rows'],
    [100, 'rows'],
    [100, 'columns'],
  ] as const) {
    const calls = await perCall(rows, layout);
    const e2e = await endToEnd(rows, layout);
    const served = servedCpuUsPerRequest(rows);
    results.push({
      rowsPerRequest: rows,
      layout,
      features: FEATURES,
      collectUsPerCall: calls.collectUs,
      flushCpuUsPerRecord: calls.flushCpuUs,
      flushEventLoopCpuUsPerRecord: calls.flushMainCpuUs,
      flushWallUsPerRecord: calls.flushWallUs,
      flushCpuUsPerRow: calls.flushCpuUs / rows,
      shareOf100UsRequestBudget: (calls.collectUs + calls.flushCpuUs) / REQUEST_BUDGET_US,
      servedCpuUsPerRequest: served ?? null,
      shareOfServedRequest: served === undefined ? null : (calls.collectUs + calls.flushCpuUs) / served,
      endToEndOffered: e2e.offered,
      endToEndRecordsPerSecond: e2e.recordsPerSecond,
      endToEndDropped: e2e.dropped,
      endToEndFiles: e2e.files,
    });
  }
  const table = markdown(
    [
      'rows/request',
      'inputs given as',
      'collect() µs/call',
      'flush CPU µs/record',
      'of it on the event loop',
      'flush CPU µs/row',
      'share of a 100 µs request',
      'share of a served request (serve.json)',
      'end-to-end records/s',
      'dropped (of offered)',
    ],
    results.map((r) => [
      r.rowsPerRequest,
      r.layout === 'text'
        ? '{columns, data} + body text'
        : r.layout === 'rows'
          ? '{columns, data}'
          : '{columns, values: Float64Array[]}',
      r.collectUsPerCall.toFixed(3),
      r.flushCpuUsPerRecord.toFixed(1),
      r.flushEventLoopCpuUsPerRecord === null ? '-' : r.flushEventLoopCpuUsPerRecord.toFixed(1),
      r.flushCpuUsPerRow.toFixed(2),
      `${(r.shareOf100UsRequestBudget * 100).toFixed(1)}%`,
      r.shareOfServedRequest === null
        ? '-'
        : `${(r.shareOfServedRequest * 100).toFixed(1)}% of ${Math.round(r.servedCpuUsPerRequest!)} µs`,
      Math.round(r.endToEndRecordsPerSecond).toLocaleString('en-US'),
      `${r.endToEndDropped} (of ${r.endToEndOffered.toLocaleString('en-US')})`,
    ]),
  );
  recordResults('data-collector', results, table);
} finally {
  rmSync(work, { recursive: true, force: true });
}
