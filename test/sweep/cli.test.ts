import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.ts';
import { alive, until } from './helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// x < 10: report and exit; 10 <= x < 90: report, note the pid, then hang ignoring SIGTERM;
// x >= 90: exit 1 without reporting.
writeFileSync(
  join(dir, 'trial.cjs'),
  `const x = Number(process.argv[2]);
if (x >= 90) { console.error('boom'); process.exit(1); }
console.log('##mlsweep ' + JSON.stringify({ score: x }));
if (x >= 10) {
  process.on('SIGTERM', () => {});
  require('fs').writeFileSync(require('path').join(__dirname, 'pid-' + process.pid), '');
  setInterval(() => {}, 1000);
}`,
);

function sweepFile(name: string, values: number[], extra: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  const doc = {
    type: 'sweep',
    trial: { command: `${JSON.stringify(process.execPath)} trial.cjs \${{search_space.x}}`, code: '.' },
    search_space: { x: { type: 'choice', values } },
    sampling_algorithm: 'grid',
    objective: { goal: 'maximize', primary_metric: 'score' },
    limits: { max_concurrent_trials: 1 },
    ...extra,
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

function cli(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [...CLI, 'sweep', '--store', join(dir, 'mlruns'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

describe('mlsweep sweep', () => {
  it('--json prints the SweepResult; the overrides apply; log lines go to stderr', async () => {
    const file = sweepFile('ok', [1, 2, 5, 6]);
    const { done } = cli([file, '--json', '--max-total-trials', '3', '--seed', '5']);
    const { code, stdout, stderr } = await done;
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.trials.length, 3);
    assert.equal(result.best.value, 5);
    assert.equal(result.stopReason, 'max_total_trials');
    assert.match(stderr, /trial 0 completed: score=1 in .* \{"x":1\}/);
  });

  it('prints a summary table, and exits 1 when no trial completed', async () => {
    const good = await cli([sweepFile('table', [1, 2])]).done;
    assert.equal(good.code, 0);
    assert.match(good.stdout, /best 2 by score \(maximize\):\ntrial\s+score\s+time\s+x\n1\s+2\s/);
    const bad = await cli([sweepFile('bad', [91, 92, 93, 94])]).done;
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      /sweep ended: the first 3 trials all failed with the same error: command exited with code 1: boom/,
    );
    assert.match(bad.stdout, /no trial completed; trial 0 failed with: command exited with code 1: boom/);
  });

  it('Ctrl-C cancels the running trial, keeps the completed ones, prints the result and exits 130', async () => {
    const { child, done } = cli([sweepFile('interrupt', [1, 2, 10, 11]), '--json']);
    await until(() => readdirSync(dir).some((f) => f.startsWith('pid-')));
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /SIGINT: cancelling the running trials/);
    assert.match(stderr, /stopping: interrupted by SIGINT/);
    const result = JSON.parse(stdout);
    assert.deepEqual(
      result.trials.map((t: { status: string }) => t.status),
      ['completed', 'completed', 'cancelled'],
    );
    assert.equal(result.stopReason, 'interrupted');
    for (const f of readdirSync(dir).filter((n) => n.startsWith('pid-'))) rmSync(join(dir, f));
  });

  it('a second Ctrl-C kills the trials that ignore SIGTERM, at once', async () => {
    const { child, done } = cli([sweepFile('kill', [10, 11], { limits: { max_concurrent_trials: 2 } })]);
    await until(() => readdirSync(dir).filter((f) => f.startsWith('pid-')).length === 2);
    child.kill('SIGINT');
    let stderrSoFar = '';
    child.stderr!.on('data', (c: Buffer) => (stderrSoFar += c));
    await until(() => stderrSoFar.includes('stopping'));
    child.kill('SIGINT');
    const { code, stderr } = await done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /killing the running trials/);
    const pids = readdirSync(dir)
      .filter((f) => f.startsWith('pid-'))
      .map((f) => Number(f.slice(4)));
    for (const pid of pids) await until(() => !alive(pid));
    assert.equal(existsSync(dir), true);
  });
});
