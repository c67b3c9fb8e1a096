// Batch scoring (issue 21, batch endpoints): rows/s of `batch-endpoint invoke` over a
// 2-million-row folder (20 CSV files of 100,000 rows, 20 numeric features, about 19 MB
// each, so each is split by rows into pieces) with a 100-tree random forest, on 1 and 2
// scoring threads, against today's single-process `mlsweep predict` (predictCsv, file after
// file in one process, with --proba so that both write the same columns). Goal: within 10%
// of linear scaling with cores (2 threads >= 1.8x predict). Then peak memory: a 2 GB folder
// (16 files of 128 MB: the same features plus a 100-character text column the model
// ignores) scored on 2 threads, its resident set measured as the process's peak RSS
// (process.resourceUsage().maxRSS, which covers the worker threads, in the same process).
// Goal: under 1 GB. Each measured run is its own child process (a clean heap, its own peak
// RSS); the data is generated in a temporary folder and deleted at the end.
// `node --import tsx benchmarks/batch-scoring.ts [--skip-2gb | --only-2gb]`; writes
// benchmarks/results/batch-scoring.json (the partial runs are for trying it out). About 9 minutes on
// 2 cores shared with other jobs.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoMLPipeline } from '../src/automl/pipeline.ts';
import { predictCsv } from '../src/automl/score-table.ts';
import { columnMatrix } from '../src/compute/matrix.ts';
import { Featurizer } from '../src/data/featurizer.ts';
import { type Column, Table } from '../src/data/table.ts';
import { RandomForestClassifier } from '../src/models/index.ts';
import { BatchEndpointStore } from '../src/registry/batch-endpoint-store.ts';
import { runBatchJob } from '../src/serve/batch/job.ts';
import { parseBatchDeploymentYaml } from '../src/serve/batch/spec.ts';
import { SqliteStore } from '../src/tracking/sqlite-store.ts';
import { markdown, recordResults } from './lib/record.ts';
import { makeClassification } from './lib/synthetic.ts';

const self = fileURLToPath(import.meta.url);
const nCols = 20;
const names = Array.from({ length: nCols }, (_, c) => `f${c}`);

interface ChildResult {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** CPU seconds of the process, every thread (user + system). */
  readonly cpuSeconds: number;
  /** Rows per CPU second: what the work costs, whatever else the machine runs. */
  readonly rowsPerCpuSecond: number;
  readonly maxRssMiB: number;
  readonly workers?: number;
  readonly miniBatches?: number;
}

// ---- child mode: one measured run, its result as JSON on stdout ----
if (process.argv[2] === '--child') {
  const [mode, model, input, out, workers] = process.argv.slice(3) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const t0 = performance.now();
  let rows = 0;
  let extra: Partial<ChildResult> = {};
  if (mode === 'predict') {
    // today's `mlsweep predict`, file after file in one process
    const pipeline = AutoMLPipeline.load(model);
    mkdirSync(out, { recursive: true });
    for (const file of readdirSync(input).sort()) {
      rows += (
        await predictCsv(pipeline, join(input, file), join(out, `${file}.predictions.csv`), { proba: true })
      ).rows;
    }
  } else {
    const store = new SqliteStore({ dir: join(out, 'mlruns') });
    const batch = new BatchEndpointStore({ store });
    batch.createOrUpdateEndpoint({ name: 'scores', description: '', tags: {} });
    batch.createOrUpdateDeployment(
      parseBatchDeploymentYaml(
        `name: forest\nendpoint_name: scores\nmodel: ${JSON.stringify(model)}\nresources:\n  instance_count: 1\nmax_concurrency_per_instance: 2\nerror_threshold: -1\nretry_settings:\n  timeout: 600\n`,
      ).spec,
    );
    const summary = await runBatchJob({
      store,
      endpoint: 'scores',
      input,
      outputPath: join(out, 'output'),
      maxWorkers: Number(workers),
    });
    if (summary.status !== 'Completed')
      throw new Error(`the batch job ended ${summary.status}: ${summary.reason}`);
    rows = summary.rows;
    extra = { workers: summary.workers, miniBatches: summary.miniBatches };
    store.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result: ChildResult = {
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    cpuSeconds,
    rowsPerCpuSecond: rows / cpuSeconds,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    ...extra,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---- the model: featurizer + 100-tree forest on 20 numeric features, saved as automl saves one ----
const nTrain = 5_000;
const nPool = 10_000;
const { X, y } = makeClassification(nTrain + nPool, nCols, 42);
const n = nTrain + nPool;
const value = (row: number, c: number) => Math.round(X[c * n + row]! * 1e6) / 1e6;
const work = mkdtempSync(join(tmpdir(), 'mlsweep-bench-batch-'));
const featurizer = new Featurizer();
const labels = Array.from(y.subarray(0, nTrain));
const train = new Table(
  names.map(
    (name, c): Column => ({
      name,
      kind: 'numeric',
      values: Float64Array.from({ length: nTrain }, (_, i) => value(i, c)),
    }),
  ),
);
const Xtrain = featurizer.fitTransform(train, {
  task: 'classification',
  codes: Int32Array.from(labels),
  nClasses: 2,
});
const forest = new RandomForestClassifier({ nEstimators: 100, seed: 1 }).fit(
  columnMatrix(Xtrain.data, Xtrain.nRows, Xtrain.nCols),
  labels,
);
const modelFile = join(work, 'model.json');
new AutoMLPipeline({
  task: 'classification',
  target: 'y',
  classes: ['0', '1'],
  featurizer,
  members: [{ name: 'RandomForest', weight: 1, scaled: false, estimator: forest }],
  primaryMetric: 'accuracy',
  validationScore: 0,
}).save(modelFile);

/** The held-out rows as CSV lines, cycled through to make files of any size. */
const pool = Array.from({ length: nPool }, (_, i) => names.map((_, c) => value(nTrain + i, c)).join(','));
const note = 'x'.repeat(100);

/** Writes `files` CSV files of `rowsPerFile` rows (with the text column when `wide`) into `dir`. */
function writeFolder(dir: string, files: number, rowsPerFile: number, wide: boolean): number {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const fd = openSync(join(dir, `part-${String(f).padStart(3, '0')}.csv`), 'w');
    let chunk = `${names.join(',')}${wide ? ',note' : ''}\n`;
    for (let r = 0; r < rowsPerFile; r++) {
      chunk += `${pool[(f * rowsPerFile + r) % nPool]}${wide ? `,${note}` : ''}\n`;
      if (chunk.length > 1 << 20) {
        bytes += writeSync(fd, chunk);
        chunk = '';
      }
    }
    bytes += writeSync(fd, chunk);
    closeSync(fd);
  }
  return bytes;
}

function child(mode: 'predict' | 'batch', input: string, workers = 1): ChildResult {
  const out = join(work, `out-${mode}-${workers}-${Date.now()}`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', self, '--child', mode, modelFile, input, out, String(workers)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`the ${mode} run failed (${r.status}): ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  console.log(
    `${mode}${mode === 'batch' ? ` on ${workers} thread(s)` : ''}: ${Math.round(result.rowsPerSecond)} rows/s, ${result.seconds.toFixed(1)} s, ${result.cpuSeconds.toFixed(1)} CPU s, peak RSS ${Math.round(result.maxRssMiB)} MiB`,
  );
  return result;
}

try {
  const loadBefore = loadavg().map((v) => Math.round(v * 100) / 100);
  const only2gb = process.argv.includes('--only-2gb');
  const folder = join(work, 'two-million');
  const folderBytes = only2gb ? 0 : writeFolder(folder, 20, 100_000, false);
  if (!only2gb) console.log(`wrote 2,000,000 rows in 20 files (${(folderBytes / 2 ** 20).toFixed(0)} MiB)`);
  const skipped: ChildResult = {
    rows: 0,
    seconds: 0,
    rowsPerSecond: Number.NaN,
    cpuSeconds: 0,
    rowsPerCpuSecond: Number.NaN,
    maxRssMiB: Number.NaN,
  };
  const predict = only2gb ? skipped : child('predict', folder);
  const one = only2gb ? skipped : child('batch', folder, 1);
  const two = only2gb ? skipped : child('batch', folder, 2);
  rmSync(folder, { recursive: true, force: true });
  let large: (ChildResult & { bytes: number }) | undefined;
  if (!process.argv.includes('--skip-2gb')) {
    const big = join(work, 'two-gb');
    const rowsPerFile = Math.round((128 * 2 ** 20) / (pool[0]!.length + 102));
    const bytes = writeFolder(big, 16, rowsPerFile, true);
    console.log(`wrote ${16 * rowsPerFile} rows in 16 files (${(bytes / 2 ** 30).toFixed(2)} GiB)`);
    large = { ...child('batch', big, 2), bytes };
    rmSync(big, { recursive: true, force: true });
  }
  const loadAfter = loadavg().map((v) => Math.round(v * 100) / 100);
  const speedup = (r: ChildResult) => Math.round((r.rowsPerSecond / predict.rowsPerSecond) * 100) / 100;
  // rows per CPU-second against predict's: 1.0 means a batch thread does a row's work as cheaply as predict
  const cpuRatio = (r: ChildResult) =>
    Math.round((r.rowsPerCpuSecond / predict.rowsPerCpuSecond) * 100) / 100;
  const results = {
    model: '100-tree random forest, 20 numeric features (mlsweep automl pipeline file)',
    folder: { rows: 2_000_000, files: 20, bytes: folderBytes },
    loadAverage: { before: loadBefore, after: loadAfter },
    predict,
    batch: [
      { ...one, speedupOverPredict: speedup(one), cpuEfficiencyVsPredict: cpuRatio(one) },
      {
        ...two,
        speedupOverPredict: speedup(two),
        cpuEfficiencyVsPredict: cpuRatio(two),
        scalingOverOneThread: Math.round((two.rowsPerSecond / one.rowsPerSecond) * 100) / 100,
      },
    ],
    goals: {
      linearScaling: 'batch on 2 threads >= 1.8x single-process predict (within 10% of linear with 2 cores)',
      linearScalingMet: speedup(two) >= 1.8,
      memory: 'peak RSS under 1 GiB scoring a 2 GB folder',
      ...(large ? { memoryMet: large.maxRssMiB < 1024 } : {}),
    },
    ...(large ? { twoGigabytes: large } : {}),
  };
  const row = (what: string, r: ChildResult, ratio: string) => [
    what,
    r.rows.toLocaleString('en-US'),
    Math.round(r.rowsPerSecond).toLocaleString('en-US'),
    ratio,
    Math.round(r.rowsPerCpuSecond).toLocaleString('en-US'),
    `${Math.round(r.maxRssMiB)} MiB`,
  ];
  const table = markdown(
    ['run', 'rows', 'rows/s', 'vs predict', 'rows per CPU-second', 'peak RSS'],
    [
      row('`mlsweep predict` (one process, file after file)', predict, '1.00x'),
      row('batch job, 1 thread', one, `${speedup(one).toFixed(2)}x`),
      row('batch job, 2 threads', two, `${speedup(two).toFixed(2)}x`),
      ...(large
        ? [
            row(
              `batch job, 2 threads, ${(large.bytes / 2 ** 30).toFixed(2)} GiB folder`,
              large,
              `${speedup(large).toFixed(2)}x`,
            ),
          ]
        : []),
    ],
  );
  recordResults('batch-scoring', results, table);
} finally {
  rmSync(work, { recursive: true, force: true });
}
