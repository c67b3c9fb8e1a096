// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.ts';
import { mlsweep } from '../tracking/helpers/cli.ts';
import { workspace } from './helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const STEP = `name: shout
version: 1
inputs:
  word: { type: string, default: hi }
outputs:
  out: { type: uri_folder }
command: echo \${{inputs.word}} > \${{outputs.out}}/word.txt
`;
const PIPELINE = `type: pipeline
inputs:
  word: hello
jobs:
  a:
    component: azureml:shout:1
    inputs:
      word: \${{parent.inputs.word}}
  b:
    component: azureml:shout@latest
`;

describe('mlsweep component and job', () => {
  it('component create|list|show, job create (twice: reused), --set, list, show; a failed job exits 1, a bad binding 2', () => {
    const dir = workspace('pipe-cli', {
      'shout.yml': STEP,
      'p.yml': PIPELINE,
      'fail.yml': 'type: pipeline\njobs:\n  boom:\n    command: exit 1\n',
      'bad.yml': `${PIPELINE}  c:\n    component: azureml:shout:1\n    inputs:\n      word: \${{parent.jobs.nope.outputs.x}}\n`,
    });
    const store = ['--store', join(dir, 'mlruns')];
    const created = mlsweep(['component', 'create', '-f', join(dir, 'shout.yml'), ...store, '--json']);
    assert.equal(created.status, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).version, '1');
    const list = JSON.parse(mlsweep(['component', 'list', ...store, '--json']).stdout);
    assert.deepEqual(
      list.map((c: { name: string }) => c.name),
      ['shout'],
    );
    assert.equal(
      JSON.parse(mlsweep(['component', 'show', 'azureml:shout@latest', ...store, '--json']).stdout).version,
      '1',
    );

    const first = mlsweep(['job', 'create', '-f', join(dir, 'p.yml'), ...store, '--json']);
    assert.equal(first.status, 0, first.stderr);
    const run1 = JSON.parse(first.stdout);
    assert.deepEqual(
      run1.steps.map((s: { status: string }) => s.status),
      ['completed', 'completed'],
    );
    const second = JSON.parse(
      mlsweep(['job', 'create', '-f', join(dir, 'p.yml'), ...store, '--json']).stdout,
    );
    assert.deepEqual(
      second.steps.map((s: { status: string }) => s.status),
      ['reused', 'reused'],
    );
    const third = JSON.parse(
      mlsweep(['job', 'create', '-f', join(dir, 'p.yml'), '--set', 'inputs.word=bye', ...store, '--json'])
        .stdout,
    );
    assert.deepEqual(
      third.steps.map((s: { status: string }) => s.status),
      ['completed', 'reused'],
    );

    const jobs = JSON.parse(mlsweep(['job', 'list', ...store, '--json']).stdout);
    assert.equal(jobs.length, 3);
    const shown = JSON.parse(mlsweep(['job', 'show', run1.runId, ...store, '--json']).stdout);
    assert.equal(shown.status, 'completed');
    assert.deepEqual(
      shown.steps.map((s: { name: string }) => s.name),
      ['a', 'b'],
    );

    const bad = mlsweep(['job', 'create', '-f', join(dir, 'bad.yml'), ...store]);
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /bad\.yml:line 14, column 7: jobs\.c\.inputs\.word: step c: \$\{\{parent\.jobs\.nope\.outputs\.x\}\} names no step 'nope'/,
    );
    assert.doesNotMatch(bad.stderr, / {4}at /);

    const failing = mlsweep(['job', 'create', '-f', join(dir, 'fail.yml'), ...store]);
    assert.equal(failing.status, 1);
    assert.match(failing.stdout, /boom +failed/);
    const usage = mlsweep(['job', 'create', '-f', join(dir, 'p.yml'), '--set', 'word=x', ...store]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /expected inputs\.NAME=VALUE/);
  });

  it('job create --resume RUN_ID (without -f: the file it ran from) reruns only what did not succeed', () => {
    const dir = workspace('pipe-cli-resume', {
      'p.yml': `type: pipeline
inputs:
  word: hi
jobs:
  first:
    command: echo \${{inputs.word}} > \${{outputs.out}}/w.txt
    inputs:
      word: \${{parent.inputs.word}}
    outputs:
      out: { type: uri_folder }
  gate:
    command: test -f gate-open && cp \${{inputs.w}}/w.txt \${{outputs.out}}/w.txt
    is_deterministic: false
    inputs:
      w: \${{parent.jobs.first.outputs.out}}
    outputs:
      out: { type: uri_folder }
`,
    });
    const store = ['--store', join(dir, 'mlruns')];
    const failed = mlsweep([
      'job',
      'create',
      '-f',
      join(dir, 'p.yml'),
      '--set',
      'inputs.word=yo',
      ...store,
      '--json',
    ]);
    assert.equal(failed.status, 1, failed.stderr);
    const runId = JSON.parse(failed.stdout).runId as string;
    writeFileSync(join(dir, 'gate-open'), '');
    const resumed = mlsweep(['job', 'create', '--resume', runId, ...store, '--json']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const result = JSON.parse(resumed.stdout);
    assert.equal(result.runId, runId);
    assert.deepEqual(
      result.steps.map((s: { status: string }) => s.status),
      ['reused', 'completed'],
    );
    const gate = result.steps[1].outputs.out as string;
    assert.equal(readFileSync(join(gate, 'w.txt'), 'utf8'), 'yo\n', 'the --set of the first run is kept');
  });

  it('job cancel stops a running job: its step process group ends and the store says canceled; stream follows its logs', async () => {
    const dir = workspace('pipe-cancel', {
      'p.yml': `type: pipeline
jobs:
  slow:
    command: echo started; sleep 60 & wait
`,
    });
    const store = ['--store', join(dir, 'mlruns')];
    const child = spawn(
      process.execPath,
      [...CLI, 'job', 'create', '-f', join(dir, 'p.yml'), ...store, '--json'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // Wait until the step runs (its "started" line is in the job's log).
    let runId: string | undefined;
    for (let i = 0; i < 200 && runId === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runId = /pipeline run ([0-9a-f]{32})/.exec(stderr)?.[1];
    }
    assert.ok(runId, stderr);
    const streamed = new Promise<{ code: number | null; out: string }>((resolvePromise) => {
      const s = spawn(process.execPath, [...CLI, 'job', 'stream', runId!, ...store], { cwd: root });
      let out = '';
      s.stdout.on('data', (d) => (out += d));
      s.on('close', (code) => resolvePromise({ code, out }));
    });
    for (let i = 0; i < 200 && !/\[slow\] running/.test(stderr); i++)
      await new Promise((r) => setTimeout(r, 100));
    const cancel = mlsweep(['job', 'cancel', runId!, ...store, '--json']);
    assert.equal(cancel.status, 0, cancel.stderr);
    assert.equal(JSON.parse(cancel.stdout).canceled, true);
    assert.equal(await exited, 1);
    assert.equal(JSON.parse(stdout).status, 'canceled');
    const shown = JSON.parse(mlsweep(['job', 'show', runId!, ...store, '--json']).stdout);
    assert.equal(shown.status, 'canceled');
    assert.equal(shown.steps[0].status, 'canceled');
    const s = await streamed;
    assert.match(s.out, /\[slow\] started/);
  });
});
