/**
 * A sweep file that does not say how many trials may run at once runs one per core, not
 * Azure's max_total_trials at once (hundreds of processes on a small machine).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { parseSweep, sweepOptionsFromSpec } from '../../src/config/index.ts';
import { sweep } from '../../src/sweep/index.ts';
import { resolveLimits } from '../../src/sweep/options.ts';

const cores = availableParallelism();

function sweepFile(limits: string): string {
  return [
    'type: sweep',
    'trial:',
    // a trial long enough that every free slot is taken before the first ends
    `  command: ${JSON.stringify(`sleep 0.3; echo '##mlsweep {"loss": \${{search_space.x}}}'`)}`,
    'search_space:',
    '  x: {type: uniform, min_value: 0, max_value: 1}',
    'sampling_algorithm: {type: random, seed: 3}',
    'objective: {goal: minimize, primary_metric: loss}',
    `limits: ${limits}`,
    '',
  ].join('\n');
}

describe('max_concurrent_trials default of command trials', () => {
  it('sweep() with a command trial runs one per core unless told otherwise', () => {
    const command = { command: 'true' };
    assert.equal(resolveLimits({ maxTotalTrials: 200 }, command).maxConcurrentTrials, Math.min(cores, 200));
    assert.equal(resolveLimits({ maxTotalTrials: 1 }, command).maxConcurrentTrials, 1);
    assert.equal(resolveLimits({ maxConcurrentTrials: 50 }, command).maxConcurrentTrials, 50);
    // a trial function shares this thread: as many at once as the limit allows
    assert.equal(resolveLimits({ maxTotalTrials: 200 }, () => 0).maxConcurrentTrials, 200);
  });

  it('is the number of cores, unless the file or the command line says otherwise', () => {
    const plain = parseSweep(sweepFile('{max_total_trials: 200}'));
    assert.equal(plain.limits.maxConcurrentTrials, cores);
    assert.equal(sweepOptionsFromSpec(plain).limits?.maxConcurrentTrials, Math.min(cores, 200));
    assert.equal(sweepOptionsFromSpec(plain, { maxTotalTrials: 1 }).limits?.maxConcurrentTrials, 1);
    assert.equal(sweepOptionsFromSpec(plain, { maxConcurrentTrials: 50 }).limits?.maxConcurrentTrials, 50);
    const explicit = parseSweep(sweepFile('{max_total_trials: 200, max_concurrent_trials: 150}'));
    assert.equal(sweepOptionsFromSpec(explicit).limits?.maxConcurrentTrials, 150);
  });

  it('a sweep runs at most that many trials at once', async () => {
    const total = cores + 2;
    let running = 0;
    let most = 0;
    const result = await sweep({
      ...sweepOptionsFromSpec(parseSweep(sweepFile(`{max_total_trials: ${total}}`))),
      onEvent: (event) => {
        if (event.type === 'trial_started') most = Math.max(most, ++running);
        else if (event.type === 'trial_ended') running--;
      },
    });
    assert.equal(result.counts.completed, total, result.trials.find((t) => t.error)?.error);
    assert.equal(most, cores);
    // the trials' logs folder, kept by the runner, is this test's to remove
    const logs = result.trials[0]?.output?.dir;
    if (logs) rmSync(dirname(logs), { recursive: true, force: true });
  });
});
