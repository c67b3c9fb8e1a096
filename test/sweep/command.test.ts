import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sweep } from '../../src/sweep/index.ts';
import { alive, listSampler, nodeCommand, until } from './helpers.ts';

const minimizeLoss = { goal: 'minimize', primaryMetric: 'loss' } as const;
const scratch = mkdtempSync(join(tmpdir(), 'mlsweep-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('command trials', () => {
  it('substitutes placeholders, sets cwd and environment, reads stdout lines and the metrics file', async () => {
    const script = `
      const fs = require('fs');
      const p = JSON.parse(process.env.MLSWEEP_PARAMS);
      console.log('starting in', process.cwd(), 'with', process.argv[1], process.argv[2], process.env.GREETING);
      console.log('##mlsweep ' + JSON.stringify({ loss: p.x * 2, step: 0 }));
      console.log('##mlsweep ' + JSON.stringify({ loss: p.x }));
      // another metric than stdout's: lines of the two channels arrive in no fixed order
      fs.appendFileSync(process.env.MLSWEEP_METRICS_FILE, JSON.stringify({ acc: 0.5 }) + '\\n');
      console.error('a warning');
    `;
    const outputDir = join(scratch, 'out');
    const result = await sweep({
      sampler: listSampler([{ x: 0.25 }]),
      objective: minimizeLoss,
      trial: {
        command: `${nodeCommand(script)} \${{search_space.x}} \${{inputs.label}}`,
        code: scratch,
        environmentVariables: { GREETING: 'hello' },
        inputs: { label: 'my run' },
        outputDir,
      },
    });
    const trial = result.trials[0]!;
    assert.equal(trial.status, 'completed', trial.error);
    assert.equal(trial.value, 0.25);
    assert.deepEqual(trial.metrics['loss'], [
      { step: 0, value: 0.5 },
      { step: 1, value: 0.25 },
    ]);
    assert.deepEqual(trial.metrics['acc'], [{ step: 0, value: 0.5 }]);
    assert.match(trial.output!.stdout, new RegExp(`starting in ${scratch} with 0.25 my run hello`));
    assert.equal(trial.output!.stderr, 'a warning\n');
    assert.equal(trial.output!.dir, join(outputDir, 'trial-0'));
    assert.match(readFileSync(join(outputDir, 'trial-0', 'stdout.log'), 'utf8'), /##mlsweep/);
    assert.match(readFileSync(join(outputDir, 'trial-0', 'metrics.jsonl'), 'utf8'), /"acc":0.5/);
  });

  it('a trial that prints garbage is failed with a clear message; garbage around good lines is ignored', async () => {
    const garbage = `process.stdout.write('\\u0000\\u00ff binary \\n##mlsweep {loss: 1}\\n##mlsweep {"loss": "x"}\\nloss=0.1\\n')`;
    const mixed = `console.log('noise'); console.log('##mlsweep nope'); console.log('##mlsweep {"": 1}'); console.log('##mlsweep {"loss": 0.3}')`;
    const result = await sweep({
      sampler: listSampler([{ s: garbage }, { s: mixed }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 1 },
      trial: { command: `${nodeCommand('eval(process.argv[1])')} \${{search_space.s}}` },
    });
    const [bad, good] = result.trials;
    assert.equal(bad!.status, 'failed');
    assert.equal(
      bad!.error,
      "the trial never reported the primary metric 'loss' (it reported no metric); 2 metrics line(s) could not be read, the first: not a JSON object: ##mlsweep {loss: 1}",
    );
    assert.equal(good!.status, 'completed');
    assert.equal(good!.value, 0.3);
    assert.deepEqual(good!.output!.invalidLines, [
      'not a JSON object: ##mlsweep nope',
      'report: a metric name must be a non-empty string, got "": ##mlsweep {"": 1}',
    ]);
  });

  it('a command that hangs past trial_timeout, ignoring SIGTERM, is killed with its process group', async () => {
    const script = `
      process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
      const child = require('child_process').spawn('sleep', ['30'], { stdio: 'ignore' });
      console.log('pids', process.pid, child.pid);
      console.log('##mlsweep {"loss": 1}');
      setInterval(() => {}, 1000);
    `;
    const result = await sweep({
      sampler: listSampler([{}]),
      objective: minimizeLoss,
      limits: { trialTimeout: 1 },
      terminationGrace: 0.3,
      trial: { command: nodeCommand(script) },
    });
    const trial = result.trials[0]!;
    assert.equal(trial.status, 'timed_out');
    if (trial.value !== undefined) assert.match(trial.output!.stdout, /ignoring SIGTERM/);
    // On a very loaded machine node may not have started its child within the timeout.
    const pids = /pids (\d+) (\d+)/.exec(trial.output!.stdout)?.slice(1).map(Number) ?? [];
    for (const pid of pids) await until(() => !alive(pid));
  });

  it('a command that is not found fails, and three such failures stop the sweep', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }, { x: 5 }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 1 },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Azure's placeholder syntax
      trial: { command: 'mlsweep-no-such-command-xyz --x ${{search_space.x}}' },
    });
    assert.equal(result.trials.length, 3);
    assert.equal(result.stopReason, 'same_error');
    assert.match(
      result.trials[0]!.error!,
      /^command exited with code 127: .*mlsweep-no-such-command-xyz.*not found/,
    );
    assert.match(
      result.message,
      /the first 3 trials all failed with the same error: command exited with code 127/,
    );
  });

  it('a non-zero exit fails the trial with the last line of stderr', async () => {
    const script = `console.log('##mlsweep {"loss": 0.5}'); console.error('Traceback'); console.error('ValueError: bad lr'); process.exit(3)`;
    const result = await sweep({
      sampler: listSampler([{}]),
      objective: minimizeLoss,
      trial: { command: nodeCommand(script) },
    });
    assert.equal(result.trials[0]!.status, 'failed');
    assert.equal(result.trials[0]!.error, 'command exited with code 3: ValueError: bad lr');
    assert.equal(result.trials[0]!.value, 0.5);
  });

  it('early termination stops a command trial as it reports', async () => {
    const script = `
      const lossAt = Number(process.argv[1]);
      let step = 0;
      setInterval(() => { console.log('##mlsweep ' + JSON.stringify({ loss: lossAt, step: step++ })); if (step > 5) process.exit(0); }, 20);
    `;
    const result = await sweep({
      sampler: listSampler([{ l: 1 }, { l: 10 }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 1 },
      earlyTermination: { type: 'bandit', slackAmount: 1, delayEvaluation: 2 },
      trial: { command: `${nodeCommand(script)} \${{search_space.l}}` },
    });
    assert.deepEqual(
      result.trials.map((t) => t.status),
      ['completed', 'early_terminated'],
    );
    assert.equal(result.trials[1]!.intermediate.length, 2);
  });

  it('rejects a working directory that does not exist', async () => {
    assert.throws(
      () =>
        sweep({
          sampler: listSampler([{}]),
          objective: minimizeLoss,
          trial: { command: 'true', code: join(scratch, 'missing') },
        }),
      /trial.code: the working directory .*missing does not exist/,
    );
    assert.equal(existsSync(join(scratch, 'missing')), false);
  });
});
