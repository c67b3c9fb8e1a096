/**
 * A command trial that prints a lot: all of its stdout and stderr is on disk, byte for
 * byte, after the sweep, whether or not an output folder was given; only the tail is
 * kept in memory.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { TrialOutput } from '../../src/store/records.ts';
import { sweep } from '../../src/sweep/index.ts';
import { listSampler, nodeCommand } from '../sweep/helpers.ts';
import { tempDir } from './helpers.ts';

const scratch = tempDir('trial-log');

/** Line i of the output: two-byte characters, so chunks split characters. */
const line = (i: number) => `line ${i} ${'é'.repeat(i % 50)}\n`;
const LINES = 40_000; // about 2.3 MB
const expectedOut = Array.from({ length: LINES }, (_, i) => line(i)).join('');
const expectedErr = Array.from({ length: LINES / 2 }, (_, i) => `err ${line(i)}`).join('');

const script = `
  const line = ${line.toString()};
  let out = '';
  for (let i = 0; i < ${LINES}; i++) out += line(i);
  let err = '';
  for (let i = 0; i < ${LINES / 2}; i++) err += 'err ' + line(i);
  process.stderr.write(err);
  process.stdout.write(out, () => console.log('##mlsweep {"loss": 1}'));
`;

async function loudTrial(outputDir?: string): Promise<TrialOutput> {
  const result = await sweep({
    sampler: listSampler([{ x: 1 }]),
    objective: { goal: 'minimize', primaryMetric: 'loss' },
    trial: { command: nodeCommand(script), ...(outputDir !== undefined ? { outputDir } : {}) },
  });
  const trial = result.trials[0]!;
  assert.equal(trial.status, 'completed', trial.error);
  return trial.output!;
}

describe("a trial's whole output is kept on disk", () => {
  it('without outputDir: in a folder of its own that outlives the sweep', async () => {
    assert.ok(Buffer.byteLength(expectedOut) > 1024 * 1024);
    const output = await loudTrial();
    try {
      assert.ok(output.logs, 'the result names the log files');
      assert.equal(readFileSync(output.logs.stdout, 'utf8'), `${expectedOut}##mlsweep {"loss": 1}\n`);
      assert.equal(readFileSync(output.logs.stderr, 'utf8'), expectedErr);
      assert.equal(dirname(output.logs.stdout), output.dir);
      // in memory, only the tail
      assert.ok(output.stdout.length < 17 * 1024);
      assert.match(output.stdout, /^\[\.\.\. \d+ characters dropped\]\n/);
    } finally {
      if (output.dir && existsSync(output.dir)) rmSync(dirname(output.dir), { recursive: true, force: true });
    }
  });

  it('with outputDir: in outputDir/trial-N/', async () => {
    const outputDir = join(scratch, 'out');
    const output = await loudTrial(outputDir);
    assert.deepEqual(output.logs, {
      stdout: join(outputDir, 'trial-0', 'stdout.log'),
      stderr: join(outputDir, 'trial-0', 'stderr.log'),
    });
    assert.equal(readFileSync(output.logs!.stdout, 'utf8'), `${expectedOut}##mlsweep {"loss": 1}\n`);
    assert.equal(readFileSync(output.logs!.stderr, 'utf8'), expectedErr);
  });
});
