// `mlsweep worker` as real processes against one sweep in a real store: many workers,
// workers killed mid-trial, the database restarted mid-sweep, SIGTERM, a refused
// connection. Each test waits for conditions by polling the store with a generous
// deadline, never for a fixed time, and checks what the store holds at the end: exactly
// max_total_trials trials counted, each parameter set completed once, the only repeats
// the documented retries of a dead worker's trials.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSweepLocation } from '../../src/store/open-location.ts';
import type { StoredTrial } from '../../src/store/records.ts';
import { countedTrials } from '../../src/sweep/worker/claim.ts';
import { createWorkerSweep } from '../../src/sweep/worker/create.ts';
import { type WorkerDefinitionInput, workerDefinition } from '../../src/sweep/worker/definition.ts';
import { type SharedLocation, sharedLocation } from '../../src/sweep/worker/location.ts';
import { CLI } from '../helpers/cli.ts';
import { type PgCluster, pgSkip, startPostgres } from '../helpers/postgres.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const trials = fileURLToPath(new URL('../sweep/worker/trials/zero-cost.mjs', import.meta.url));

interface Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Runs `mlsweep ARGS` as its own process (through tsx, as `npm run mlsweep`). */
function mlsweep(args: readonly string[], env: Readonly<Record<string, string>> = {}): Proc {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: root,
    env: { ...process.env, MLSWEEP_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

/** Waits for a condition by polling, with a generous deadline. */
async function until(what: string, condition: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    let ok = false;
    try {
      ok = await condition();
    } catch {
      ok = false; // the store may be down on purpose
    }
    if (ok) return;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function definition(overrides: Partial<WorkerDefinitionInput>) {
  return workerDefinition({
    searchSpace: { x: { type: 'uniform', min_value: 0, max_value: 4 } },
    sampling: { type: 'random', seed: 11 },
    objective: { goal: 'minimize', primaryMetric: 'loss' },
    trial: { module: trials },
    ...overrides,
  });
}

/**
 * What every distributed sweep must hold at its end: `total` trials counted, each of them
 * completed exactly once (by itself or by its one retry), every parameter set completed
 * once, and any trial run twice is a retry of a trial that a worker did not finish.
 */
function checkComplete(all: readonly StoredTrial[], total: number): void {
  assert.equal(countedTrials(all), total, 'trials counted against max_total_trials');
  const completed = all.filter((t) => t.status === 'completed');
  assert.equal(completed.length, total, `completed: ${completed.length}`);
  assert.ok(
    all.every((t) => t.status !== 'running'),
    'no trial left running',
  );
  const sets = completed.map((t) => JSON.stringify(t.params));
  assert.equal(new Set(sets).size, total, 'a parameter set completed twice');
  const byId = new Map(all.map((t) => [t.id, t]));
  for (const t of all) {
    if (t.retryOf === undefined) continue;
    const first = byId.get(t.retryOf)!;
    assert.notEqual(first.status, 'completed', `trial ${t.retryOf} completed and was run again as ${t.id}`);
    assert.deepEqual(t.params, first.params);
  }
}

/** Where the shared store lives: a folder (SQLite, workers on one machine) or a PostgreSQL database. */
interface Backend {
  readonly name: string;
  readonly skip: string | false;
  start(): Promise<void>;
  /** A fresh store: what `--store` takes. */
  fresh(): Promise<string>;
  stop(): Promise<void>;
}

let cluster: PgCluster | undefined;
const folders: string[] = [];
const BACKENDS: readonly Backend[] = [
  {
    name: 'a store folder (SQLite)',
    skip: false,
    start: async () => {},
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mlsweep-workers-store-'));
      folders.push(dir);
      return dir;
    },
    stop: async () => {
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgSkip,
    start: async () => {
      cluster = await startPostgres();
    },
    fresh: () => cluster!.createDatabase(),
    stop: async () => {
      await cluster?.destroy();
    },
  },
];

for (const backend of BACKENDS)
  describe(`mlsweep worker processes on ${backend.name}`, { skip: backend.skip }, () => {
    const postgres = backend.name === 'PostgreSQL';
    const open: SharedLocation[] = [];
    const children: ChildProcess[] = [];
    const located = async (): Promise<{ url: string; location: SharedLocation }> => {
      const url = await backend.fresh();
      const location = sharedLocation(openSweepLocation(url));
      open.push(location);
      return { url, location };
    };
    /** Extra environment of the next workers started (the gate of gated trials). */
    let env: Record<string, string> = {};
    const worker = (url: string, sweepId: string, ...more: string[]): Proc => {
      const p = mlsweep(['worker', '--store', url, '--sweep', sweepId, '--json', ...more], env);
      children.push(p.child);
      return p;
    };

    before(() => backend.start());
    after(async () => {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const location of open) await location.close();
      await backend.stop();
    });

    it('8 workers run a sweep of 500 zero-cost trials: exactly 500 completed, none run twice', async () => {
      const { url, location } = await located();
      const store = await createWorkerSweep(location, {
        definition: definition({ limits: { maxTotalTrials: 500 } }),
      });
      const procs = Array.from({ length: 8 }, () => worker(url, store.sweepId));
      const results = await Promise.all(procs.map((p) => p.exited));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const summaries = results.map(
        (r) => JSON.parse(r.stdout) as { counts: Record<string, number>; reason: string },
      );
      assert.equal(
        summaries.reduce((n, s) => n + (s.counts['completed'] ?? 0), 0),
        500,
      );
      assert.ok(summaries.every((s) => s.reason === 'sweep_ended'));
      const all = await store.trials();
      assert.equal(all.length, 500);
      checkComplete(all, 500);
      assert.equal(new Set(all.map((t) => t.id)).size, 500);
      assert.equal((await store.sweep()).stopReason, 'max_total_trials');
    });

    it('SIGKILL of 2 workers mid-trial: their trials are reaped after the heartbeat timeout, run again, and the sweep completes', async () => {
      const { url, location } = await located();
      const store = await createWorkerSweep(location, {
        definition: definition({
          limits: { maxTotalTrials: 40 },
          trial: { module: trials, export: 'gated' },
          heartbeatTimeoutSeconds: 2,
        }),
      });
      // Every trial waits at a gate until the test opens it: the workers are mid-trial for sure.
      const gate = join(mkdtempSync(join(tmpdir(), 'mlsweep-gate-')), 'open');
      folders.push(dirname(gate));
      env = { MLSWEEP_TEST_GATE: gate };
      const procs = Array.from({ length: 4 }, () => worker(url, store.sweepId, '--heartbeat-seconds', '0.2'));
      env = {};
      let victims: number[] = [];
      await until('four workers running a trial each', async () => {
        const running = (await location.workers()).filter(
          (w) => w.state === 'running' && w.running.length === 1,
        );
        victims = running.slice(0, 2).map((w) => w.pid);
        return running.length === 4;
      });
      for (const pid of victims) procs.find((p) => p.child.pid === pid)!.child.kill('SIGKILL');
      await Promise.all(procs.filter((p) => victims.includes(p.child.pid!)).map((p) => p.exited));
      writeFileSync(gate, '');
      const survivors = procs.filter((p) => !victims.includes(p.child.pid!));
      const results = await Promise.all(survivors.map((p) => p.exited));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const all = await store.trials();
      checkComplete(all, 40);
      const reaped = all.filter((t) => t.status === 'failed' && /silent|heartbeat/i.test(t.error ?? ''));
      assert.ok(
        reaped.length >= 2,
        `the killed workers' trials were reaped: ${JSON.stringify(all.filter((t) => t.status !== 'completed'))}`,
      );
      for (const t of reaped)
        assert.ok(
          all.some((r) => r.retryOf === t.id && r.status === 'completed'),
          `trial ${t.id} ran again`,
        );
      const summaries = results.map((r) => JSON.parse(r.stdout) as { reaped: number });
      assert.ok(summaries.reduce((n, s) => n + s.reaped, 0) >= 2);
    });

    it('PostgreSQL stopped for 5 s and restarted mid-sweep: the sweep completes, nothing lost, nothing run twice', {
      skip: !postgres && 'a database server to restart: PostgreSQL only',
    }, async () => {
      const { url, location } = await located();
      const store = await createWorkerSweep(location, {
        definition: definition({
          limits: { maxTotalTrials: 200 },
          trial: { module: trials, export: 'sleepy' },
        }),
      });
      const procs = Array.from({ length: 4 }, () => worker(url, store.sweepId, '--concurrency', '2'));
      await until(
        '40 trials completed',
        async () => (await store.trials()).filter((t) => t.status === 'completed').length >= 40,
      );
      const before = await store.trials();
      await cluster!.stop('fast');
      const down = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await cluster!.start();
      const results = await Promise.all(procs.map((p) => p.exited));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - down >= 5000);
      const all = await store.trials();
      checkComplete(all, 200);
      // Mid-sweep: the database went down with trials still to run.
      assert.ok(before.filter((t) => t.status === 'completed').length < 200);
    });

    it('SIGTERM: the worker hands its running trials back, leaves, and exits 0; mlsweep workers shows it stopped', async () => {
      const { url, location } = await located();
      const store = await createWorkerSweep(location, {
        definition: definition({ limits: { maxTotalTrials: 3 }, trial: { module: trials, export: 'hold' } }),
      });
      const p = worker(url, store.sweepId, '--concurrency', '2');
      await until(
        'two trials running',
        async () => (await store.trials()).filter((t) => t.status === 'running').length === 2,
      );
      p.child.kill('SIGTERM');
      const r = await p.exited;
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { counts: Record<string, number> }).counts['handed_back'], 2);
      const all = await store.trials();
      assert.deepEqual(
        all.map((t) => t.status),
        ['cancelled', 'cancelled'],
      );
      const listed = mlsweep(['workers', '--store', url, '--json']);
      const out = await listed.exited;
      assert.equal(out.code, 0, out.stderr);
      const workers = JSON.parse(out.stdout) as { pid: number; state: string }[];
      assert.equal(workers.find((w) => w.pid === p.child.pid)?.state, 'stopped');
      const text = await mlsweep(['workers', '--store', url]).exited;
      assert.match(text.stdout, /^worker\s+host\s+pid\s+state\s+last beat\s+age\s+running/);
    });

    it('a sweep file with --workers-only, run by two workers with command trials; mlsweep worker FILE', async () => {
      const { url, location } = await located();
      const dir = mkdtempSync(join(tmpdir(), 'mlsweep-workers-'));
      try {
        const file = join(dir, 'sweep.yml');
        writeFileSync(
          file,
          [
            'type: sweep',
            'trial:',
            '  command: >-',
            `    node -e "console.log('##mlsweep ' + JSON.stringify({ loss: (Number(process.argv[1]) - 2) ** 2 }))" \${{search_space.x}}`,
            'search_space:',
            '  x: { type: uniform, min_value: 0, max_value: 4 }',
            'sampling_algorithm: { type: random, seed: 3 }',
            'objective: { goal: minimize, primary_metric: loss }',
            'limits: { max_total_trials: 6, max_concurrent_trials: 2 }',
            '',
          ].join('\n'),
        );
        const made = await mlsweep([
          'sweep',
          file,
          '--store',
          url,
          '--workers-only',
          '--json',
          '--output-dir',
          join(dir, 'out'),
        ]).exited;
        assert.equal(made.code, 0, made.stderr);
        const { sweepId, command } = JSON.parse(made.stdout) as { sweepId: string; command: string };
        assert.match(command, new RegExp(`mlsweep worker --store \\S+ --sweep ${sweepId}`));
        const results = await Promise.all([worker(url, sweepId).exited, worker(url, sweepId).exited]);
        for (const r of results) assert.equal(r.code, 0, r.stderr);
        const store = await location.open(sweepId);
        const all = await store.trials();
        checkComplete(all, 6);
        assert.ok(all.every((t) => t.output?.dir?.startsWith(join(dir, 'out', sweepId))));
        // `mlsweep worker FILE`: records the file's sweep, prints the command for others, runs it.
        const alone = await mlsweep(['worker', file, '--store', url, '--json']).exited;
        assert.equal(alone.code, 0, alone.stderr);
        assert.match(alone.stderr, /mlsweep worker --store \S+ --sweep \w+/);
        const summary = JSON.parse(alone.stdout) as { reason: string; counts: Record<string, number> };
        assert.deepEqual([summary.reason, summary.counts['completed']], ['sweep_ended', 6]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('command trials that log with MLflow log into runs of their own, and the sweep gets what they log', async () => {
      const { url, location } = await located();
      // The primary metric comes only through the MLflow REST API, never as a printed line.
      const command = [
        'node -e "const e = process.env;',
        "fetch(e.MLFLOW_TRACKING_URI + '/api/2.0/mlflow/runs/log-metric', { method: 'POST',",
        "headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run_id: e.MLFLOW_RUN_ID,",
        "key: 'loss', value: 0.25, timestamp: Date.now(), step: 0 }) }).then((r) => process.exit(r.ok ? 0 : 3))\"",
      ].join(' ');
      const store = await createWorkerSweep(location, {
        definition: definition({ limits: { maxTotalTrials: 2 }, trial: { command } }),
      });
      const r = await worker(url, store.sweepId).exited;
      assert.equal(r.code, 0, r.stderr);
      const all = await store.trials();
      assert.deepEqual(
        all.map((t) => [t.status, t.value]),
        [
          ['completed', 0.25],
          ['completed', 0.25],
        ],
        JSON.stringify(all.map((t) => t.error)),
      );
    });

    it('a refused connection is one line naming host and port, exit 1', {
      skip: !postgres && 'PostgreSQL only',
    }, async () => {
      const r = await mlsweep([
        'worker',
        '--store',
        `postgresql://postgres:secret@127.0.0.1:${cluster!.port + 1}/none`,
      ]).exited;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /127\.0\.0\.1:\d+/);
      assert.doesNotMatch(r.stderr, /secret|\n\s+at /);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  });

describe('mlsweep sweep --workers-only and mlsweep worker: usage errors', () => {
  it('are one line and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-workers-usage-'));
    try {
      const file = 'examples/sweep-bandit.yml';
      for (const args of [
        ['sweep', file, '--store', dir, '--workers-only', '--no-track'],
        ['sweep', file, '--store', dir, '--heartbeat-timeout-seconds', '5'],
        ['worker', file, '--store', dir, '--sweep', 'abc'],
      ]) {
        const r = await mlsweep(args).exited;
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, /^mlsweep: .*(--no-track|--workers-only|--sweep)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
