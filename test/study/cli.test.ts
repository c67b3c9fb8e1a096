// `mlsweep study` across processes: each command is its own process on one store, so
// ask in one and tell in another must meet through the store alone, and processes asking
// at once must each get their own trial.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Study } from '../../src/study/study.ts';
import { CLI } from '../helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Runs `mlsweep study ...` in a child process: its exit code, stdout and stderr. */
async function study(
  store: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, 'study', ...args, '--store', store], {
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs test/study/fixtures/study-process.ts: a process that loads the study and asks or tells. */
async function processOf(store: string, name: string, ...args: string[]): Promise<string> {
  const script = fileURLToPath(new URL('./fixtures/study-process.ts', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, store, name, ...args], {
    cwd: root,
  });
  return stdout;
}

function spaceFile(dir: string): string {
  const file = join(dir, 'space.yml');
  writeFileSync(
    file,
    'x: { type: uniform, min_value: -5, max_value: 5 }\nk: { type: randint, upper: 1000 }\n',
  );
  return file;
}

describe('mlsweep study', () => {
  it('asks in one process and tells in another; the library reads what the shell wrote', async () => {
    const dir = tempDir('study-cli');
    const created = await study(
      dir,
      'create',
      '--name',
      'shell',
      '--search-space',
      spaceFile(dir),
      '--seed',
      '3',
      '--directions',
      'minimize,maximize',
      '--metrics',
      'loss,acc',
      '--json',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).study, 'shell');
    const asked = JSON.parse((await study(dir, 'ask', 'shell', '--json')).stdout) as {
      trialId: number;
      params: Record<string, number>;
    };
    assert.equal(asked.trialId, 0);
    const told = await study(dir, 'tell', 'shell', '0', '-0.5,0.75', '--json');
    assert.equal(told.code, 0, told.stderr);
    assert.deepEqual(JSON.parse(told.stdout), {
      trialId: 0,
      state: 'completed',
      value: -0.5,
      values: [-0.5, 0.75],
    });

    const s = await Study.load({ store: dir, name: 'shell' });
    const [t] = await s.trials();
    assert.deepEqual([t!.params, t!.values], [asked.params, [-0.5, 0.75]]);
    const next = await s.ask(); // asked here, told from the shell
    await s.close();
    assert.equal((await study(dir, 'tell', 'shell', String(next.trialId), '-1,0.5')).code, 0);
    const best = JSON.parse((await study(dir, 'best', 'shell', '--json')).stdout) as Array<{ id: number }>;
    assert.deepEqual(best.map((b) => b.id).sort(), [0, 1]); // (-0.5, 0.75) and (-1, 0.5): neither dominates

    // A new study warm started from this one (by name), over half the space.
    const narrow = join(dir, 'narrow.yml');
    writeFileSync(
      narrow,
      'x: { type: uniform, min_value: 0, max_value: 5 }\nk: { type: randint, upper: 1000 }\n',
    );
    const xs = [Number(asked.params['x']), Number(next.params['x'])];
    const outside = xs.filter((x) => x < 0).length;
    const warm = await study(
      dir,
      'create',
      '--name',
      'warm',
      '--search-space',
      narrow,
      '--directions',
      'minimize,maximize',
      '--metrics',
      'loss,acc',
      '--warm-start',
      'shell',
    );
    assert.equal(warm.code, 0, warm.stderr);
    const id = (await Study.load({ store: dir, name: 'shell' })).id;
    assert.equal(
      warm.stderr.includes(
        `notice: warm start: ${outside} of 2 trials of sweep ${id} lie outside the search space and were left out`,
      ),
      outside > 0,
      warm.stderr,
    );
  });

  it('processes asking at once get different trials, each sampled with the others in view; another process tells them', async () => {
    const dir = tempDir('study-race');
    const s = await Study.create({
      store: dir,
      name: 'race',
      searchSpace: {
        x: { type: 'uniform', min_value: -5, max_value: 5 },
        k: { type: 'randint', upper: 1000 },
      },
      objective: { goal: 'minimize', primaryMetric: 'loss' },
      seed: 1,
    });
    const asked = (await Promise.all(Array.from({ length: 6 }, () => processOf(dir, 'race', 'ask')))).map(
      (out) => JSON.parse(out) as { trialId: number; params: Record<string, number> },
    );
    assert.deepEqual(
      asked.map((a) => a.trialId).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5],
    );
    // The random sampler draws the n-th suggestion from the n-th stream: six claims in
    // turn see 0..5 trials before them, so all six parameter sets differ.
    assert.equal(new Set(asked.map((a) => JSON.stringify(a.params))).size, 6);
    await Promise.all(
      asked.map((a) => processOf(dir, 'race', 'tell', String(a.trialId), String(a.params['x']! ** 2))),
    );
    // Two processes telling the same trial at once: one ends it, the other is refused.
    const extra = await s.ask();
    const told = await Promise.allSettled([
      processOf(dir, 'race', 'tell', String(extra.trialId), '1'),
      processOf(dir, 'race', 'tell', String(extra.trialId), '2'),
    ]);
    assert.deepEqual(told.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = told.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.match(
      String((refused.reason as { stderr: string }).stderr),
      /TrialFinishedError|has already ended \(completed\)/,
    );
    const trials = (await s.trials()).filter((t) => t.id !== extra.trialId);
    assert.deepEqual(
      trials.map((t) => [t.state, t.value]),
      asked.sort((a, b) => a.trialId - b.trialId).map((a) => ['completed', a.params['x']! ** 2]),
    );
    await s.close();
  });

  it('enqueue from the shell, failed and pruned states, and mistakes as one line with exit code 2', async () => {
    const dir = tempDir('study-cli-errors');
    await study(dir, 'create', '--name', 'e', '--search-space', spaceFile(dir));
    assert.equal((await study(dir, 'enqueue', 'e', '--params', '{"x": 1.5}')).code, 0);
    const asked = JSON.parse((await study(dir, 'ask', 'e', '--json')).stdout) as {
      params: Record<string, number>;
    };
    assert.equal(asked.params['x'], 1.5);
    assert.equal((await study(dir, 'tell', 'e', '0', '--state', 'pruned')).code, 0);
    const nan = await study(dir, 'ask', 'e', '--json').then(() =>
      study(dir, 'tell', 'e', '1', 'nan', '--json'),
    );
    assert.equal(JSON.parse(nan.stdout).state, 'failed');
    assert.match(nan.stderr, /trial 1 is recorded as failed: the value of 'value' is NaN/);

    const cases: Array<[string[], RegExp]> = [
      [['tell', 'e', '0', '1'], /trial 0 of study e has already ended \(early_terminated\)/],
      [['tell', 'e', '7', '1'], /study e has no trial 7/],
      [['tell', 'e', 'x', '1'], /TRIAL_ID must be the integer id ask returned, got 'x'/],
      [['tell', 'e', '0'], /tell takes VALUE\[,VALUE\.\.\.\] or --state/],
      [['tell', 'e', '0', 'abc'], /VALUE must be numbers separated by commas, got 'abc'/],
      [['ask', 'nope'], /no study named 'nope'/],
      [['enqueue', 'e', '--params', '{"z": 1}'], /'z' is not a parameter of the search space/],
      [['enqueue', 'e', '--params', '[1]'], /--params must be a JSON object/],
      [['create', '--name', 'e', '--search-space', spaceFile(dir)], /a study named 'e' already exists/],
      [['create', '--name', 'f'], /--search-space FILE or -f SWEEP_FILE/],
    ];
    for (const [args, message] of cases) {
      const r = await study(dir, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('mlsweep:')).length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
    }
  });

  it('create -f takes a sweep file: search space, sampling, objectives and constraints', async () => {
    const dir = tempDir('study-cli-file');
    const file = fileURLToPath(new URL('../../examples/multi-objective.yml', import.meta.url));
    const created = await study(dir, 'create', '--name', 'mo', '-f', file, '--json');
    assert.equal(created.code, 0, created.stderr);
    const out = JSON.parse(created.stdout);
    assert.deepEqual(
      out.objectives.map((o: { primaryMetric: string }) => o.primaryMetric),
      ['accuracy', 'latency_ms'],
    );
    assert.deepEqual(out.constraints, ['model_size_mb <= 50']);
    const told = await study(dir, 'ask', 'mo').then(() =>
      study(dir, 'tell', 'mo', '0', '0.8,2', '--constraints', '-10'),
    );
    assert.equal(told.code, 0, told.stderr);
    // The file's warm_start is the study's: an unknown sweep stops create before anything is recorded.
    const warmFile = join(dir, 'warm.yml');
    writeFileSync(warmFile, `${readFileSync(file, 'utf8')}\nwarm_start: [nosuchsweep]\n`);
    const refused = await study(dir, 'create', '--name', 'warm', '-f', warmFile);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /^mlsweep: .*nosuchsweep/m);
    assert.equal((await study(dir, 'ask', 'warm')).code, 2);
  });
});
