// `mlsweep serve` under load (issue 18): a 100-tree random forest on 20 numeric
// features (5,000 training rows of make_classification-like data), served by the CLI in a
// child process (--log-level warn), loaded by autocannon on loopback from this process.
// 1 row per request: requests/s and p50/p99 latency, with one and with two scoring
// threads, with micro-batching off (--max-batch-rows 1) and on, and with client
// pipelining. 100 and 10,000 rows per request: rows/s against the same model's in-process
// predict on a Table of as many rows (no HTTP, no JSON). Stops by itself (about 2 min).
// The goal of the issue: >= 20,000 requests/s with p99 < 5 ms at 1 row per request, and
// within 20% of in-process predict at 100 and 10,000 rows.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { AutoMLPipeline } from '../src/automl/pipeline.ts';
import { columnMatrix } from '../src/compute/matrix.ts';
import { Featurizer } from '../src/data/featurizer.ts';
import { type Column, Table } from '../src/data/table.ts';
import { RandomForestClassifier } from '../src/models/index.ts';
import { markdown, recordResults } from './lib/record.ts';
import { makeClassification } from './lib/synthetic.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const nTrain = 5_000;
const nCols = 20;
const names = Array.from({ length: nCols }, (_, c) => `f${c}`);
const { X, y } = makeClassification(nTrain + 10_000, nCols, 42);
const n = nTrain + 10_000;
const value = (row: number, c: number) => Math.round(X[c * n + row]! * 1e6) / 1e6;

function table(from: number, count: number): Table {
  return new Table(
    names.map(
      (name, c): Column => ({
        name,
        kind: 'numeric',
        values: Float64Array.from({ length: count }, (_, i) => value(from + i, c)),
      }),
    ),
  );
}

// the model: featurizer + 100-tree forest, saved as `mlsweep automl` saves one
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-serve-bench-'));
const featurizer = new Featurizer();
const labels = Array.from(y.subarray(0, nTrain));
const Xtrain = featurizer.fitTransform(table(0, nTrain), {
  task: 'classification',
  codes: Int32Array.from(labels),
  nClasses: 2,
});
const t0 = performance.now();
const forest = new RandomForestClassifier({ nEstimators: 100, seed: 1 }).fit(
  columnMatrix(Xtrain.data, Xtrain.nRows, Xtrain.nCols),
  labels,
);
console.log(`fitted 100 trees in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const pipeline = new AutoMLPipeline({
  task: 'classification',
  target: 'y',
  classes: ['0', '1'],
  featurizer,
  members: [{ name: 'RandomForest', weight: 1, scaled: false, estimator: forest }],
  primaryMetric: 'accuracy',
  validationScore: 0,
});
const modelFile = join(dir, 'model.json');
pipeline.save(modelFile);

/**
 * In-process rows/s of predict on a prebuilt Table of `rows` rows, over at least 2 s, by
 * the model as the server has it: loaded from its file (the freshly fitted forest object
 * measured 2 to 4 times slower here than the same forest loaded from its file).
 */
function inProcess(rows: number): number {
  const loaded = AutoMLPipeline.load(modelFile);
  const t = table(nTrain, rows);
  for (let i = 0; i < 3; i++) loaded.predict(t);
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    loaded.predict(t);
    done += rows;
  }
  return done / ((performance.now() - start) / 1000);
}

function body(rows: number): string {
  const data = Array.from({ length: rows }, (_, i) => names.map((_, c) => value(nTrain + (i % 10_000), c)));
  return JSON.stringify({ input_data: { columns: names, data } });
}

async function startServer(
  workers: number,
  maxBatchRows = 1024,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--model',
      modelFile,
      '--port',
      '0',
      '--workers',
      String(workers),
      '--log-level',
      'warn',
      '--max-batch-rows',
      String(maxBatchRows),
      '--json',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /"url": "([^"]+)"/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(
  url: string,
  rows: number,
  connections: number,
  duration: number,
  pipelining = 1,
): Promise<Result> {
  const result = await autocannon({
    url: `${url}/score`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(rows),
    connections,
    duration,
    pipelining,
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `${result.errors} errors and ${result.non2xx} non-2xx answers at ${rows} rows per request`,
    );
  }
  return result;
}

interface Row {
  scenario: string;
  workers: number;
  /** Whether requests arriving together went to a thread as one message. */
  batching: boolean;
  connections: number;
  /** Requests each connection sends before its answers come (1: none). */
  pipelining: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rowsPerSecond: number;
  inProcessRowsPerSecond?: number;
  ratio?: number;
}
const results: Row[] = [];

const loadBefore = loadavg().map((v) => Math.round(v * 100) / 100);
const baseline: Record<number, number> = { 100: inProcess(100), 10000: inProcess(10_000) };
console.log(`in-process predict: ${JSON.stringify(baseline)} rows/s`);

// [rows per request, connections, seconds, pipelining]; pipelining 8 makes the client
// cheaper per request, to show what the server gives when the load generator is not what
// limits (its latency then includes waiting behind the connection's other requests)
type Plan = [number, number, number, number];
const oneRow: Plan = [1, 32, 10, 1];
const servers: Array<{ workers: number; maxBatchRows: number; plans: Plan[] }> = [
  { workers: 1, maxBatchRows: 1024, plans: [oneRow] },
  { workers: 2, maxBatchRows: 1, plans: [oneRow] }, // micro-batching off: one message per request
  {
    workers: 2,
    maxBatchRows: 1024,
    plans: [oneRow, [1, 32, 8, 8], [100, 8, 8, 1], [10_000, 4, 8, 1]],
  },
];

for (const { workers, maxBatchRows, plans } of servers) {
  const { child, url } = await startServer(workers, maxBatchRows);
  try {
    await load(url, 1, 32, 3); // warm-up: JIT, connections
    for (const [rows, connections, duration, pipelining] of plans) {
      const r = await load(url, rows, connections, duration, pipelining);
      const rowsPerSecond = r.requests.average * rows;
      const inproc = baseline[rows];
      results.push({
        scenario: `${rows} row${rows === 1 ? '' : 's'} per request`,
        workers,
        batching: maxBatchRows > 1,
        connections,
        pipelining,
        requestsPerSecond: Math.round(r.requests.average),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        rowsPerSecond: Math.round(rowsPerSecond),
        ...(inproc !== undefined
          ? {
              inProcessRowsPerSecond: Math.round(inproc),
              ratio: Math.round((rowsPerSecond / inproc) * 100) / 100,
            }
          : {}),
      });
      console.log(JSON.stringify(results.at(-1)));
    }
  } finally {
    await stop(child);
  }
}
rmSync(dir, { recursive: true, force: true });

const loadAfter = loadavg().map((v) => Math.round(v * 100) / 100);
console.log(`load average (1, 5, 15 min): before ${loadBefore.join(', ')}, after ${loadAfter.join(', ')}`);
recordResults(
  'serve',
  // the machine's load average: other jobs on the same cores lower every figure here
  { loadAverage: { before: loadBefore, after: loadAfter }, rows: results },
  markdown(
    [
      'scenario',
      'scoring threads',
      'micro-batching',
      'connections',
      'pipelining',
      'requests/s',
      'p50',
      'p99',
      'rows/s',
      'in-process predict rows/s',
      'served / in-process',
    ],
    results.map((r) => [
      r.scenario,
      r.workers,
      r.batching ? 'on' : 'off',
      r.connections,
      r.pipelining,
      r.requestsPerSecond.toLocaleString('en-US'),
      `${r.p50Ms} ms`,
      `${r.p99Ms} ms`,
      r.rowsPerSecond.toLocaleString('en-US'),
      r.inProcessRowsPerSecond?.toLocaleString('en-US') ?? '-',
      r.ratio?.toFixed(2) ?? '-',
    ]),
  ),
);
