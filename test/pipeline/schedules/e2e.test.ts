import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ScheduleStore } from '../../../src/pipeline/schedules/index.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { CLI } from '../../helpers/cli.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = (args: string[]) =>
  spawnSync(process.execPath, [...CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits, by reading the store, for a fire of `name` whose job completed (a generous deadline, no timing luck). */
async function completedFire(
  store: string,
  name: string,
): Promise<{ runId?: string; status: string } | undefined> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    await sleep(250);
    const reader = new SqliteStore({ dir: store });
    try {
      const done = new ScheduleStore(reader).fires(name, 50).find((f) => f.status === 'completed');
      if (done !== undefined) return done;
    } finally {
      reader.close();
    }
  }
  return undefined;
}

const SWEEP = `type: sweep
trial:
  command: 'echo "##mlsweep {\\"score\\": \${{search_space.x}}}"'
search_space:
  x: {type: choice, values: [4]}
sampling_algorithm: grid
objective: {goal: maximize, primary_metric: score}
`;

describe('mlsweep scheduler, end to end', () => {
  it('fires a cron schedule that runs a small sweep, records the run it started, and stops on SIGTERM', async () => {
    const dir = tempDir('sched-e2e');
    const store = join(dir, 'store');
    writeFileSync(join(dir, 'sweep.yml'), SWEEP);
    // every 2 seconds, as a 6-field cron expression
    writeFileSync(
      join(dir, 'schedule.yml'),
      'name: often\ntrigger:\n  type: cron\n  expression: "*/2 * * * * *"\n  time_zone: Europe/Berlin\ncreate_job: ./sweep.yml\n',
    );
    const created = cli(['schedule', 'create', '-f', join(dir, 'schedule.yml'), '--store', store, '--json']);
    assert.equal(created.status, 0, created.stderr);
    assert.equal((JSON.parse(created.stdout) as { nextFireTimes: string[] }).nextFireTimes.length, 5);

    const scheduler = spawn(process.execPath, [...CLI, 'scheduler', '--store', store, '--poll-ms', '200'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    scheduler.stderr.on('data', (c: Buffer) => (log += c));
    const exited = new Promise<number | null>((resolve) => scheduler.once('close', (code) => resolve(code)));
    try {
      const done = await completedFire(store, 'often');
      assert.ok(done, `no completed fire before the deadline; scheduler log:\n${log}`);
      assert.match(done.runId ?? '', /^[0-9a-f]{32}$/);
      // the run it names is the sweep's, in the same store, with its trial's metric
      const shown = cli(['runs', 'show', done.runId!, '--store', store, '--json']);
      assert.equal(shown.status, 0, shown.stderr);
      assert.match(log, /schedule often: fired for /);
    } finally {
      scheduler.kill('SIGTERM');
    }
    assert.equal(await exited, 143);
    const show = cli(['schedule', 'show', 'often', '--store', store]);
    assert.match(
      show.stdout,
      /often \(enabled\): cron \*\/2 \* \* \* \* \* \(Europe\/Berlin\)\n {2}runs .*sweep.yml\n {2}next fire times:\n( {4}\S+Z\n){5} {2}last fires:/,
    );
  });

  it('mlsweep serve --store S --scheduler fires the schedules too, and stops with the server', async () => {
    const dir = tempDir('sched-serve');
    const store = join(dir, 'store');
    writeFileSync(join(dir, 'sweep.yml'), SWEEP);
    writeFileSync(
      join(dir, 'schedule.yml'),
      'name: served\ntrigger:\n  type: cron\n  expression: "*/2 * * * * *"\ncreate_job: ./sweep.yml\n',
    );
    assert.equal(cli(['schedule', 'create', '-f', join(dir, 'schedule.yml'), '--store', store]).status, 0);
    const server = spawn(
      process.execPath,
      [...CLI, 'serve', '--store', store, '--port', '0', '--scheduler', '--log-level', 'silent'],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    server.stderr.on('data', (c: Buffer) => (log += c));
    const exited = new Promise<number | null>((resolve) => server.once('close', (code) => resolve(code)));
    try {
      const done = await completedFire(store, 'served');
      assert.ok(done, `no completed fire before the deadline; serve log:\n${log}`);
      assert.match(log, /listening on http:\/\/127\.0\.0\.1:\d+/);
      assert.match(log, /schedule served: fired for \S+/);
    } finally {
      server.kill('SIGTERM');
    }
    await exited;
    assert.match(log, /stopped|stopping/);
  });

  it('scheduler --once fires a schedule of a registered component as a one-step pipeline and records its run', async () => {
    const dir = tempDir('sched-component');
    const store = join(dir, 'store');
    writeFileSync(
      join(dir, 'hello.yml'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an Azure placeholder in YAML, not a template
      "name: hello\nversion: 1\ntype: command\noutputs:\n  out: { type: uri_folder }\ncommand: node -e \"require('fs').writeFileSync(process.argv[1] + '/hi.txt', 'hi')\" ${{outputs.out}}\n",
    );
    const registered = cli(['component', 'create', '-f', join(dir, 'hello.yml'), '--store', store]);
    assert.equal(registered.status, 0, registered.stderr);
    writeFileSync(
      join(dir, 's.yml'),
      'name: comp\ntrigger: {type: cron, expression: "* * * * * *"}\ncreate_job: azureml:hello:1\n',
    );
    assert.equal(cli(['schedule', 'create', '-f', join(dir, 's.yml'), '--store', store]).status, 0);
    // wait until a tick has passed since creation (read from the store, not guessed)
    const reader = new SqliteStore({ dir: store });
    const createdAt = new ScheduleStore(reader).get('comp').createdAt;
    reader.close();
    while (Date.now() < createdAt + 1100) await sleep(100);
    const once = cli(['scheduler', '--once', '--store', store, '--json']);
    assert.equal(once.status, 0, once.stderr);
    const fired = (JSON.parse(once.stdout) as { fired: Array<{ schedule: string }> }).fired;
    assert.deepEqual(
      fired.map((e) => e.schedule),
      ['comp'],
    );
    const check = new SqliteStore({ dir: store });
    try {
      const [fire] = new ScheduleStore(check).fires('comp');
      assert.equal(fire?.status, 'completed', fire?.error);
      assert.match(fire!.runId ?? '', /^[0-9a-f]{32}$/);
    } finally {
      check.close();
    }
  });

  it('schedule list|show|disable|enable|delete, and clear errors', () => {
    const dir = tempDir('sched-cli');
    const store = join(dir, 'store');
    writeFileSync(
      join(dir, 's.yml'),
      'name: nightly\ndescription: nightly retrain\ntrigger:\n  type: recurrence\n  frequency: day\n  schedule: {hours: [4], minutes: [30]}\n  time_zone: America/New_York\ncreate_job: ./pipeline.yml\n',
    );
    assert.equal(cli(['schedule', 'create', '-f', join(dir, 's.yml'), '--store', store]).status, 0);
    const shown = JSON.parse(cli(['schedule', 'show', 'nightly', '--store', store, '--json']).stdout) as {
      nextFireTimes: string[];
    };
    assert.equal(shown.nextFireTimes.length, 5);
    for (const t of shown.nextFireTimes)
      assert.match(t, /T0[89]:30:00\.000Z$/, ' 04:30 in New York is 08:30 or 09:30 UTC');
    assert.match(
      cli(['schedule', 'disable', 'nightly', '--store', store]).stdout,
      /disabled schedule nightly/,
    );
    const list = JSON.parse(cli(['schedule', 'list', '--store', store, '--json']).stdout) as Array<{
      enabled: boolean;
      nextFireTime: string | null;
    }>;
    assert.deepEqual(
      list.map((s) => [s.enabled, s.nextFireTime]),
      [[false, null]],
    );
    assert.equal(cli(['schedule', 'enable', 'nightly', '--store', store]).status, 0);
    assert.equal(cli(['schedule', 'delete', 'nightly', '--store', store]).status, 0);
    const missing = cli(['schedule', 'show', 'nightly', '--store', store]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^mlsweep: no schedule named 'nightly'/);
    writeFileSync(
      join(dir, 'bad.yml'),
      'name: b\ntrigger:\n  type: cron\n  expression: "0 25 * * *"\ncreate_job: x.yml\n',
    );
    const bad = cli(['schedule', 'create', '-f', join(dir, 'bad.yml'), '--store', store]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad.yml:line 4: trigger.expression: .*hour/);
  });
});
