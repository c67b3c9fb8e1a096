import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AutoMLPipeline } from '../../../src/automl/pipeline.ts';
import { readCsv } from '../../../src/data/read-csv.ts';
import { DataAssets } from '../../../src/registry/data-assets.ts';
import { runBatchJob } from '../../../src/serve/batch/job.ts';
import { batchWorld, csvRows, deploy, folder, outputRows, twentyFiles, writeCsv } from './helpers.ts';

/** Every (file, line) of an output appears once; returns them grouped by file. */
function linesByFile(rows: readonly string[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byFile = new Map<string, number[]>();
  for (const row of rows) {
    const [file, line] = row.split(',');
    const key = `${file}:${line}`;
    assert.ok(!seen.has(key), `${key} appears twice`);
    seen.add(key);
    byFile.set(file!, [...(byFile.get(file!) ?? []), Number(line)]);
  }
  return byFile;
}

describe('batch jobs: a folder of 20 CSV files (a bad row, an empty file, a wrong header)', () => {
  const world = batchWorld('twenty');
  const data = twentyFiles(world);

  it('error_threshold -1: every good row scored once, in input order, with the model’s predictions; the errors listed', async () => {
    const store = deploy(
      world,
      'ignore-all',
      'mini_batch_size: 3\nmax_concurrency_per_instance: 2\nerror_threshold: -1',
    );
    try {
      const summary = await runBatchJob({ store, endpoint: 'scores', deployment: 'ignore-all', input: data });
      assert.equal(summary.status, 'Completed');
      assert.equal(summary.miniBatches, 7);
      assert.equal(summary.rows, 17 * 50 + 49);
      assert.equal(summary.badRows, 51);
      assert.equal(summary.errorCount, 51);
      assert.deepEqual(
        summary.errors.map((e) => (e.kind === 'bad_rows' ? [e.file, e.line, e.rows] : [])),
        [
          ['f03.csv', 11, 1],
          ['f11.csv', 2, 50],
        ],
      );
      assert.match(
        JSON.stringify(summary.errors[0]),
        /column 'x2' is numeric, but the value \\"not-a-number\\" is not/,
      );
      assert.match(JSON.stringify(summary.errors[1]), /lacks the column 'x2'/);
      const rows = outputRows(summary.output!);
      assert.equal(rows.length, summary.rows);
      const byFile = linesByFile(rows);
      // input order: files sorted, lines ascending within each
      assert.deepEqual([...byFile.keys()], [...byFile.keys()].sort());
      assert.ok(!byFile.has('f07.csv') && !byFile.has('f11.csv'));
      for (const [file, lines] of byFile) {
        const expected = Array.from({ length: 50 }, (_, i) => i + 2).filter(
          (l) => file !== 'f03.csv' || l !== 11,
        );
        assert.deepEqual(lines, expected, file);
      }
      // the predictions and probabilities are the model's, as in-process scoring gives them
      const pipeline = AutoMLPipeline.load(world.model);
      const table = await readCsv(join(data, 'f05.csv'), { types: pipeline.inputTypes() });
      const proba = pipeline.predictProba(table);
      const labels = pipeline.predict(table);
      const f05 = rows.filter((r) => r.startsWith('f05.csv,'));
      assert.deepEqual(
        f05.map((r) => r.split(',').slice(2)),
        proba.map((p, i) => [String(labels[i]), ...p.map(String)]),
      );
      assert.equal(
        readFileSync(summary.output!, 'utf8').split('\n')[0],
        'file,line,prediction,proba_no,proba_yes',
      );
      // the job is a run: params, metrics, the input it read, the summary as an artifact
      const run = store.run(summary.jobId);
      assert.equal(run.status, 'FINISHED');
      assert.equal(run.params['endpoint'], 'scores');
      assert.equal(run.params['mini_batch_size'], '3');
      assert.equal(run.metrics['rows'], 899);
      assert.equal(run.metrics['bad_rows'], 51);
      assert.equal(run.metrics['failed_mini_batches'], 0);
      assert.match(
        run.tags['mlsweep.batch.errors']!,
        /^51 errors: f03\.csv:11: column 'x2' is numeric, .*; f11\.csv:2: the file lacks the column 'x2' \(header line 1\): 50 rows not scored$/,
      );
      assert.ok(run.metrics['rows_per_second']! > 0);
      const inputs = store.runInputs(summary.jobId);
      assert.equal(inputs.length, 1);
      assert.equal(inputs[0]!.name, 'twenty');
      assert.equal(inputs[0]!.tags['mlflow.data.context'], 'batch_scoring');
      assert.ok(store.listArtifacts(summary.jobId).includes('summary.json'));
      // the parts are gone once the output is assembled; no temporary file is left
      assert.deepEqual(readdirSync(join(summary.outputFolder)), ['predictions.csv']);
    } finally {
      store.close();
    }
  });

  it('error_threshold 2: the job fails, says why (51 errors: a bad row and the 50 rows lacking x2), and writes no output', async () => {
    const store = deploy(world, 'strict-two', 'mini_batch_size: 20\nerror_threshold: 2');
    try {
      const summary = await runBatchJob({ store, endpoint: 'scores', deployment: 'strict-two', input: data });
      assert.equal(summary.status, 'Failed');
      assert.equal(summary.errorCount, 51);
      assert.equal(
        summary.reason,
        `51 errors (51 bad rows) exceed error_threshold 2; first: f03.csv:11: column 'x2' is numeric, but the value "not-a-number" is not`,
      );
      assert.equal(summary.output, undefined);
      assert.ok(!existsSync(join(summary.outputFolder, 'predictions.csv')));
      assert.deepEqual(readdirSync(summary.outputFolder), []);
      const run = store.run(summary.jobId);
      assert.equal(run.status, 'FAILED');
      assert.equal(run.tags['mlsweep.stop_reason'], 'error_threshold');
    } finally {
      store.close();
    }
  });

  it('error_threshold 51 allows exactly the 51 errors; 50 does not; 0 fails at the first', async () => {
    const store = deploy(world, 'at-fifty-one', 'mini_batch_size: 20\nerror_threshold: 51');
    try {
      const at = await runBatchJob({ store, endpoint: 'scores', deployment: 'at-fifty-one', input: data });
      assert.equal(at.status, 'Completed');
      assert.equal(outputRows(at.output!).length, 899);
    } finally {
      store.close();
    }
    for (const [name, threshold] of [
      ['below-fifty-one', 50],
      ['zero-errors', 0],
    ] as const) {
      const strict = deploy(world, name, `mini_batch_size: 20\nerror_threshold: ${threshold}`);
      try {
        const summary = await runBatchJob({
          store: strict,
          endpoint: 'scores',
          deployment: name,
          input: data,
        });
        assert.equal(summary.status, 'Failed', name);
        assert.match(summary.reason!, new RegExp(`exceed error_threshold ${threshold};`));
      } finally {
        strict.close();
      }
    }
  });

  it('summary_only writes no predictions file, only the summary', async () => {
    const store = deploy(world, 'summary', 'settings:\n  output_action: summary_only\n  error_threshold: -1');
    try {
      const out = folder(world, 'summary-out');
      const summary = await runBatchJob({
        store,
        endpoint: 'scores',
        deployment: 'summary',
        input: data,
        outputPath: out,
      });
      assert.equal(summary.status, 'Completed');
      assert.equal(summary.rows, 899);
      assert.equal(summary.output, undefined);
      assert.deepEqual(readdirSync(out), []);
    } finally {
      store.close();
    }
  });
});

describe('batch jobs: one large file is split by rows', () => {
  it('pieces start at records (quoted line breaks included): each row once, on its own line number, as unsplit', async () => {
    const world = batchWorld('split');
    const data = folder(world, 'big');
    const rows = csvRows(3000, 5).map((r, i) =>
      i % 97 === 0 ? r.replace(/,(\w+)$/, ',"Pa\nris, ""quoted"""') : r,
    );
    writeCsv(data, 'big.csv', rows);
    const store = deploy(world, 'whole', 'error_threshold: -1');
    try {
      deploy(
        world,
        'pieces',
        'mini_batch_size: 4KB\nmax_concurrency_per_instance: 2\nerror_threshold: -1',
      ).close();
      const whole = await runBatchJob({
        store,
        endpoint: 'scores',
        deployment: 'whole',
        input: join(data, 'big.csv'),
      });
      const split = await runBatchJob({
        store,
        endpoint: 'scores',
        deployment: 'pieces',
        input: join(data, 'big.csv'),
      });
      assert.equal(whole.miniBatches, 1);
      assert.ok(split.miniBatches > 10, `${split.miniBatches} pieces`);
      assert.equal(split.rows, 3000);
      assert.equal(split.badRows, 0);
      const a = outputRows(whole.output!);
      const b = outputRows(split.output!);
      assert.deepEqual(b, a);
      // a quoted line break moves the following rows one line down
      const lines = [...linesByFile(b).values()][0]!;
      assert.equal(lines[0], 2);
      assert.equal(lines[1], 4);
    } finally {
      store.close();
    }
  });
});

describe('batch jobs: a scoring module', () => {
  it('a mini-batch whose run() throws is retried max_retries times, then counted and listed; the others are scored', async () => {
    const world = batchWorld('retry');
    const data = folder(world, 'files');
    for (const name of ['a.csv', 'b.csv', 'boom.csv', 'c.csv']) writeCsv(data, name, csvRows(5, name.length));
    const code = folder(world, 'code');
    const attempts = join(world.dir, 'attempts.log');
    writeFileSync(
      join(code, 'score.mjs'),
      `import { appendFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
let model;
export function init() { model = process.env.AZUREML_MODEL_DIR; }
export function run(miniBatch) {
  appendFileSync(${JSON.stringify(attempts)}, miniBatch.map((f) => basename(f)).join(' ') + '\\n');
  if (miniBatch.some((f) => basename(f) === 'boom.csv')) throw new Error('boom');
  return miniBatch.flatMap((f) =>
    readFileSync(f, 'utf8').trim().split('\\n').slice(1).map((l, i) => ({ file: basename(f), row: i + 1, x1: l.split(',')[0], modelDir: model })),
  );
}
`,
    );
    const store = deploy(
      world,
      'module',
      'code_configuration:\n  code: ./code\n  scoring_script: score.mjs\nmini_batch_size: 1\nretry_settings:\n  max_retries: 2\n  timeout: 30\nerror_threshold: 1',
    );
    try {
      const lines: string[] = [];
      const summary = await runBatchJob({
        store,
        endpoint: 'scores',
        input: data,
        log: (l) => lines.push(l),
      });
      assert.equal(summary.status, 'Completed');
      assert.equal(summary.failedMiniBatches, 1);
      assert.equal(summary.errorCount, 1);
      const failed = summary.errors[0]!;
      assert.equal(failed.kind, 'failed_mini_batch');
      assert.ok(failed.kind === 'failed_mini_batch' && failed.attempts === 3 && /boom/.test(failed.error));
      const log = readFileSync(attempts, 'utf8').trim().split('\n');
      assert.equal(log.filter((l) => l === 'boom.csv').length, 3);
      assert.equal(log.filter((l) => l === 'a.csv').length, 1);
      assert.equal(lines.filter((l) => /failed \(attempt \d of 3\).*retrying/.test(l)).length, 2);
      const out = readFileSync(summary.output!, 'utf8').trim().split('\n');
      assert.equal(out[0], 'file,row,x1,modelDir');
      assert.equal(out.length, 1 + 15);
      assert.ok(out.slice(1).every((l) => !l.startsWith('boom.csv') && l.endsWith(`,${world.dir}`)));
    } finally {
      store.close();
    }
  });

  it('a mini-batch that exceeds retry_settings.timeout is stopped, retried, then counted', async () => {
    const world = batchWorld('timeout');
    const data = folder(world, 'files');
    for (const name of ['a.csv', 'hang.csv']) writeCsv(data, name, csvRows(3, name.length));
    const code = folder(world, 'code');
    writeFileSync(
      join(code, 'score.mjs'),
      `import { basename } from 'node:path';
export function run(miniBatch) {
  if (miniBatch.some((f) => basename(f) === 'hang.csv')) return new Promise(() => {});
  return miniBatch.map((f) => ({ file: basename(f) }));
}
`,
    );
    const store = deploy(
      world,
      'hangs',
      'code_configuration:\n  code: ./code\n  scoring_script: score.mjs\nmini_batch_size: 1\nretry_settings:\n  max_retries: 1\n  timeout: 1\nerror_threshold: -1',
    );
    try {
      const summary = await runBatchJob({ store, endpoint: 'scores', input: data });
      assert.equal(summary.status, 'Completed');
      assert.equal(summary.failedMiniBatches, 1);
      const failed = summary.errors[0]!;
      assert.ok(failed.kind === 'failed_mini_batch' && failed.attempts === 2);
      assert.match(failed.kind === 'failed_mini_batch' ? failed.error : '', /exceeded the timeout of 1 s/);
      assert.deepEqual(outputRows(summary.output!), ['a.csv']);
    } finally {
      store.close();
    }
  });
});

describe('batch jobs: inputs by reference', () => {
  it('azureml:NAME@latest reads the latest version of a data asset and records it as the input', async () => {
    const world = batchWorld('asset');
    const v1 = folder(world, 'v1');
    const v2 = folder(world, 'v2');
    writeCsv(v1, 'a.csv', csvRows(4, 1));
    writeCsv(v2, 'a.csv', csvRows(7, 2));
    const store = deploy(world, 'forest', 'error_threshold: -1');
    try {
      const assets = new DataAssets(store);
      assets.create({ name: 'nightly', type: 'uri_folder', path: v1 });
      const latest = assets.create({ name: 'nightly', type: 'uri_folder', path: v2 });
      const summary = await runBatchJob({ store, endpoint: 'scores', input: 'azureml:nightly@latest' });
      assert.equal(summary.rows, 7);
      const [input] = store.runInputs(summary.jobId);
      assert.equal(input!.name, 'nightly');
      assert.equal(input!.digest, latest.hash);
      assert.equal(input!.tags['mlsweep.data.version'], latest.version);
      assert.equal(store.run(summary.jobId).params['input'], 'azureml:nightly@latest');
    } finally {
      store.close();
    }
  });

  it("an MLTable folder is read with its delimiter ('|', which sniffing would not find)", async () => {
    const world = batchWorld('mltable');
    const table = folder(world, 'table');
    const rows = (seed: number) => csvRows(5, seed).map((r) => r.replaceAll(',', '|'));
    writeCsv(table, 'part-1.csv', rows(1), 'x1|x2|city');
    writeCsv(table, 'part-2.csv', rows(2), 'x1|x2|city');
    writeFileSync(
      join(table, 'MLTable'),
      'paths:\n  - pattern: ./part-*.csv\ntransformations:\n  - read_delimited:\n      delimiter: "|"\n',
    );
    const store = deploy(world, 'forest', 'error_threshold: 0');
    try {
      const summary = await runBatchJob({ store, endpoint: 'scores', input: table });
      assert.equal(summary.status, 'Completed');
      assert.equal(summary.rows, 10);
      assert.deepEqual(
        [...new Set(outputRows(summary.output!).map((r) => r.split(',')[0]))],
        ['part-1.csv', 'part-2.csv'],
      );
    } finally {
      store.close();
    }
  });

  it('--output-path azureml://datastores/workspaceblobstore/paths/… writes into the datastore', async () => {
    const world = batchWorld('datastore-out');
    const data = folder(world, 'in');
    writeCsv(data, 'a.csv', csvRows(3, 1));
    const store = deploy(world, 'forest', '');
    try {
      const summary = await runBatchJob({
        store,
        endpoint: 'scores',
        input: data,
        outputPath: 'azureml://datastores/workspaceblobstore/paths/nightly/2026-12-03',
      });
      assert.ok(summary.output!.endsWith(join('nightly', '2026-12-03', 'predictions.csv')), summary.output);
      assert.equal(outputRows(summary.output!).length, 3);
    } finally {
      store.close();
    }
  });
});

describe('batch jobs: interrupted, refused, broken', () => {
  it('a job stopped by its signal is Canceled and resumable; a resume refuses a deployment changed since', async () => {
    const world = batchWorld('cancel');
    const data = folder(world, 'in');
    for (const name of ['a.csv', 'b.csv']) writeCsv(data, name, csvRows(6, name.length));
    const store = deploy(world, 'forest', 'mini_batch_size: 1');
    try {
      const controller = new AbortController();
      controller.abort();
      const canceled = await runBatchJob({
        store,
        endpoint: 'scores',
        input: data,
        signal: controller.signal,
      });
      assert.equal(canceled.status, 'Canceled');
      assert.equal(canceled.rows, 0);
      assert.equal(store.run(canceled.jobId).status, 'KILLED');
      assert.equal(store.run(canceled.jobId).tags['mlsweep.stop_reason'], 'interrupted');
      // a job still running in another process (pid 1 is alive) is not resumed beside it
      const lock = join(world.store, 'batch-jobs', canceled.jobId, 'lock');
      writeFileSync(lock, '1');
      await assert.rejects(
        runBatchJob({ store, endpoint: 'scores', resume: canceled.jobId }),
        /is running in process 1: wait for it, or stop it first/,
      );
      assert.equal(store.run(canceled.jobId).status, 'KILLED');
      rmSync(lock);
      deploy(world, 'forest', 'mini_batch_size: 1\nerror_threshold: 3').close();
      await assert.rejects(
        runBatchJob({ store, endpoint: 'scores', resume: canceled.jobId.slice(0, 6) }),
        /deployment 'forest' changed since job \w+ started/,
      );
      deploy(world, 'forest', 'mini_batch_size: 1').close();
      const resumed = await runBatchJob({ store, endpoint: 'scores', resume: canceled.jobId });
      assert.equal(resumed.status, 'Completed');
      assert.equal(resumed.rows, 12);
      assert.equal(store.run(canceled.jobId).status, 'FINISHED');
      assert.equal(store.run(canceled.jobId).tags['mlsweep.stop_reason'], undefined);
    } finally {
      store.close();
    }
  });

  it('a scoring module whose init() throws fails the job before any mini-batch, and its run says why', async () => {
    const world = batchWorld('broken');
    const data = folder(world, 'in');
    writeCsv(data, 'a.csv', csvRows(3, 1));
    const code = folder(world, 'code');
    writeFileSync(
      join(code, 'score.mjs'),
      "export function init() { throw new Error('no weights here'); }\nexport function run() { return []; }\n",
    );
    const store = deploy(world, 'broken', 'code_configuration:\n  code: ./code\n  scoring_script: score.mjs');
    try {
      let jobId = '';
      await assert.rejects(
        runBatchJob({ store, endpoint: 'scores', input: data, onStart: (id) => (jobId = id) }),
        /the deployment broken could not be loaded: .*no weights here/,
      );
      assert.equal(store.run(jobId).status, 'FAILED');
      assert.match(store.run(jobId).tags['mlsweep.stop_message']!, /no weights here/);
    } finally {
      store.close();
    }
  });
});
