import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startCli } from '../hostile/helpers.ts';
import {
  batchWorld,
  cli,
  cliJson,
  csvRows,
  folder,
  outputRows,
  twentyFiles,
  writeCsv,
} from '../serve/batch/helpers.ts';

/** Waits (polling the file system, no fixed sleep) until `check` holds, or fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A world whose deployment `module` runs a scoring module that holds on f5.csv until the file `go` exists. */
function holdingWorld(name: string): {
  world: ReturnType<typeof batchWorld>;
  data: string;
  calls: string;
  go: string;
  jobs: string;
} {
  const world = batchWorld(name);
  const data = folder(world, 'files');
  for (let i = 0; i < 10; i++) writeCsv(data, `f${i}.csv`, csvRows(20 + i, i));
  const code = folder(world, 'code');
  const calls = join(world.dir, 'calls.log');
  const go = join(world.dir, 'go');
  writeFileSync(
    join(code, 'score.mjs'),
    `import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
export async function run(miniBatch) {
  const rows = [];
  for (const file of miniBatch) {
    appendFileSync(${JSON.stringify(calls)}, basename(file) + '\\n');
    if (basename(file) === 'f5.csv') while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 20));
    const lines = readFileSync(file, 'utf8').trim().split('\\n').slice(1);
    lines.forEach((line, i) => rows.push({ file: basename(file), row: i + 1, x1: line.split(',')[0] }));
  }
  return rows;
}
`,
  );
  assert.equal(cli(world, ['batch-endpoint', 'create', '-f', world.endpointFile]).code, 0);
  const file = world.deployment(
    'module',
    'code_configuration:\n  code: ./code\n  scoring_script: score.mjs\nmini_batch_size: 1',
  );
  const created = cli(world, ['batch-deployment', 'create', '-f', file]);
  assert.equal(created.code, 0, created.stderr);
  return { world, data, calls, go, jobs: join(world.store, 'batch-jobs') };
}

/** Mini-batches journaled so far by the only job of a store. */
function journaled(jobs: string): number {
  if (!existsSync(jobs)) return 0;
  const [job] = readdirSync(jobs);
  return job === undefined || !existsSync(join(jobs, job, 'done'))
    ? 0
    : readdirSync(join(jobs, job, 'done')).length;
}

describe('mlsweep batch-endpoint and batch-deployment', () => {
  it('create, list, show, invoke with the error threshold, show-job, runs show, delete', () => {
    const world = batchWorld('cli');
    const created = cliJson(world, ['batch-endpoint', 'create', '-f', world.endpointFile]);
    assert.equal(created['name'], 'scores');
    assert.equal(created['defaultDeployment'], null);
    const strict = cliJson(world, [
      'batch-deployment',
      'create',
      '-f',
      world.deployment('strict', 'settings:\n  mini_batch_size: 5\n  error_threshold: 2'),
    ]);
    assert.equal(strict['isDefault'], true);
    cliJson(world, ['batch-deployment', 'create', '-f', world.deployment('lenient', 'error_threshold: -1')]);
    const list = cliJson<Array<{ name: string; isDefault: boolean }>>(world, [
      'batch-deployment',
      'list',
      '--endpoint-name',
      'scores',
    ]);
    assert.deepEqual(
      list.map((d) => [d.name, d.isDefault]),
      [
        ['lenient', false],
        ['strict', true],
      ],
    );
    const data = twentyFiles(world);
    // the default (strict, threshold 2) fails and says why, exit 1, one JSON document
    const failed = cli(world, ['batch-endpoint', 'invoke', 'scores', '--input', data, '--json']);
    assert.equal(failed.code, 1, failed.stderr);
    const summary = JSON.parse(failed.stdout) as { status: string; reason: string; jobId: string };
    assert.equal(summary.status, 'Failed');
    assert.match(
      summary.reason,
      /errors \(.*\) exceed error_threshold 2; first: f03\.csv:11: column 'x2' is numeric/,
    );
    // without --json: a person's summary naming the bad rows
    const human = cli(world, [
      'batch-endpoint',
      'invoke',
      'scores',
      '--input',
      data,
      '--deployment-name',
      'lenient',
      '--output-path',
      join(world.dir, 'out'),
    ]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Completed/);
    assert.match(human.stdout, /errors 51 \(51 bad rows, 0 failed mini-batches\), threshold none/);
    assert.match(
      human.stdout,
      /f11\.csv:2: the file lacks the column 'x2' \(header line 1\): 50 rows not scored/,
    );
    assert.equal(outputRows(join(world.dir, 'out', 'predictions.csv')).length, 899);
    const jobId = /^job (\w+) Completed/m.exec(human.stdout)![1]!;
    const shown = cliJson(world, ['batch-endpoint', 'show-job', jobId.slice(0, 8)]);
    assert.equal(shown['status'], 'Completed');
    assert.equal(shown['runStatus'], 'FINISHED');
    const run = cliJson<{ metrics: Record<string, number>; params: Record<string, string> }>(world, [
      'runs',
      'show',
      jobId,
    ]);
    assert.equal(run.metrics['rows'], 899);
    assert.equal(run.params['deployment'], 'lenient');
    const jobs = cliJson<Array<{ jobId: string; status: string }>>(world, [
      'batch-endpoint',
      'list-jobs',
      'scores',
    ]);
    assert.deepEqual(jobs.map((j) => j.status).sort(), ['FAILED', 'FINISHED']);
    // the default cannot be deleted while another deployment exists
    const refused = cli(world, [
      'batch-deployment',
      'delete',
      'strict',
      '--endpoint-name',
      'scores',
      '--yes',
    ]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^mlsweep: deployment 'strict' is the default .*--default-deployment lenient\n$/,
    );
    const moved = cliJson(world, ['batch-endpoint', 'update', 'scores', '--default-deployment', 'lenient']);
    assert.equal(moved['defaultDeployment'], 'lenient');
    cliJson(world, ['batch-deployment', 'delete', 'strict', '--endpoint-name', 'scores', '--yes']);
    assert.deepEqual(cliJson(world, ['batch-endpoint', 'delete', 'scores', '--yes']), {
      deleted: 'scores',
      deployments: ['lenient'],
    });
  });

  it('a YAML mistake, an unknown endpoint or a missing input is one line and exit 2', () => {
    const world = batchWorld('cli-errors');
    const bad = world.deployment('forest', 'max_concurrency_per_instance: 0');
    let r = cli(world, ['batch-endpoint', 'create', '-f', world.endpointFile]);
    assert.equal(r.code, 0, r.stderr);
    r = cli(world, ['batch-deployment', 'create', '-f', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mlsweep: .*forest\.yml:line 5, column 1: max_concurrency_per_instance: .*\n$/);
    r = cli(world, ['batch-endpoint', 'invoke', 'nightly', '--input', world.dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mlsweep: no batch endpoint named 'nightly'; known: scores\n$/);
    r = cli(world, ['batch-endpoint', 'invoke', 'scores']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mlsweep: batch-endpoint invoke needs --input/);
  });

  it('resume after SIGKILL: finished mini-batches are not scored again, and each row is in the output exactly once', async () => {
    const { world, data, calls, go, jobs } = holdingWorld('resume');
    const running = startCli([
      'batch-endpoint',
      'invoke',
      'scores',
      '--input',
      data,
      '--json',
      '--store',
      world.store,
    ]);
    await until(
      () => journaled(jobs) === 5 && readFileSync(calls, 'utf8').includes('f5.csv'),
      'five mini-batches journaled and f5 started',
    );
    running.child.kill('SIGKILL');
    const killed = await running.done;
    assert.equal(killed.signal, 'SIGKILL');
    const [jobId] = readdirSync(jobs);
    assert.equal(journaled(jobs), 5);
    writeFileSync(go, '');
    const resumed = cliJson<{ status: string; miniBatchesResumed: number; rows: number; output: string }>(
      world,
      ['batch-endpoint', 'invoke', 'scores', '--resume', jobId!],
    );
    assert.equal(resumed.status, 'Completed');
    assert.equal(resumed.miniBatchesResumed, 5);
    const expected = Array.from({ length: 10 }, (_, i) => 20 + i).reduce((a, b) => a + b, 0);
    assert.equal(resumed.rows, expected);
    const rows = outputRows(resumed.output);
    assert.equal(rows.length, expected);
    assert.equal(new Set(rows.map((r) => r.split(',').slice(0, 2).join(','))).size, expected);
    // in input order: f0's rows, then f1's, ...
    assert.deepEqual(
      [...new Set(rows.map((r) => r.split(',')[0]))],
      Array.from({ length: 10 }, (_, i) => `f${i}.csv`),
    );
    // f0..f4 ran once; f5 twice (cut by the kill, then again); the rest once
    const counts: Record<string, number> = {};
    for (const f of readFileSync(calls, 'utf8').trim().split('\n')) counts[f] = (counts[f] ?? 0) + 1;
    assert.deepEqual(
      counts,
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}.csv`, i === 5 ? 2 : 1])),
    );
    // a completed job is not resumed again
    const again = cli(world, ['batch-endpoint', 'invoke', 'scores', '--resume', jobId!]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /completed already; nothing to resume/);
  });

  it('SIGINT lets the running mini-batch finish, records the job KILLED, exits 130; --resume completes it', async () => {
    const { world, data, go, jobs } = holdingWorld('sigint');
    const running = startCli([
      'batch-endpoint',
      'invoke',
      'scores',
      '--input',
      data,
      '--json',
      '--store',
      world.store,
    ]);
    await until(() => journaled(jobs) === 5, 'five mini-batches journaled');
    running.child.kill('SIGINT');
    await until(
      () => running.stderr().includes('SIGINT: stopping after the running mini-batches'),
      'the notice',
    );
    writeFileSync(go, '');
    const stopped = await running.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    const summary = JSON.parse(stopped.stdout) as { status: string; jobId: string; rows: number };
    assert.equal(summary.status, 'Canceled');
    assert.equal(journaled(jobs), 6);
    assert.equal(summary.rows, 20 + 21 + 22 + 23 + 24 + 25);
    const run = cliJson<{ status: string }>(world, ['runs', 'show', summary.jobId]);
    assert.equal(run.status, 'KILLED');
    const resumed = cliJson<{ status: string; miniBatchesResumed: number; rows: number }>(world, [
      'batch-endpoint',
      'invoke',
      'scores',
      '--resume',
      summary.jobId,
    ]);
    assert.equal(resumed.status, 'Completed');
    assert.equal(resumed.miniBatchesResumed, 6);
    assert.equal(resumed.rows, 245);
  });
});
