// `mlsweep sweep --warm-start` and `warm_start:` in a sweep file: an earlier sweep's
// completed trials become the new sweep's prior observations, the ones outside its
// space left out with one notice counting them; and a multi-objective file prints its front.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CLI } from '../helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';
import { nodeCommand } from './helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

async function mlsweep(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [...CLI, ...args], {
      cwd: root,
    });
    return { code: 0, ...r };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('mlsweep sweep: warm start and the Pareto front', () => {
  it('--warm-start and warm_start read the earlier sweep; points outside the space are counted in one notice', async () => {
    const dir = tempDir('warm-cli');
    const store = join(dir, 'mlruns');
    const trial = nodeCommand(
      "const x = Number(process.argv[1]); console.log('##mlsweep ' + JSON.stringify({ loss: (x - 3) ** 2, size: x * 10 }))",
    );
    const file = (name: string, max: number, extra: Record<string, unknown> = {}) => {
      const path = join(dir, `${name}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          type: 'sweep',
          trial: { command: `${trial} \${{search_space.x}}` },
          search_space: { x: { type: 'uniform', min_value: 0, max_value: max } },
          sampling_algorithm: { type: 'bayesian', seed: 1 },
          objective: { goal: 'minimize', primary_metric: 'loss' },
          limits: { max_total_trials: 6, max_concurrent_trials: 2 },
          ...extra,
        }),
      );
      return path;
    };
    const first = await mlsweep('sweep', file('wide', 10), '--store', store, '--json');
    assert.equal(first.code, 0, first.stderr);
    const id = /sweep (\w+) recorded in/.exec(first.stderr)![1]!;
    const xs = (JSON.parse(first.stdout) as { trials: Array<{ params: { x: number } }> }).trials.map(
      (t) => t.params.x,
    );
    const outside = xs.filter((x) => x > 5).length;
    assert.ok(outside > 0 && outside < 6, `the first sweep's points: ${xs.join(', ')}`);

    const second = await mlsweep('sweep', file('narrow', 5), '--store', store, '--warm-start', id, '--json');
    assert.equal(second.code, 0, second.stderr);
    const notice = `notice: warm start: ${outside} of 6 trials of sweep ${id} lie outside the search space and were left out`;
    assert.equal(second.stderr.split('\n').filter((l) => l === notice).length, 1, second.stderr);
    assert.match(second.stderr, /warm start: \d+ earlier trials as prior observations/);
    assert.equal(JSON.parse(second.stdout).trials.length, 6); // priors are not run again

    const inFile = await mlsweep('sweep', file('narrow-file', 5, { warm_start: [id] }), '--store', store);
    assert.equal(inFile.code, 0, inFile.stderr);
    assert.ok(inFile.stderr.includes(notice), inFile.stderr);

    const unknown = await mlsweep('sweep', file('bad', 5), '--store', store, '--warm-start', 'nosuchsweep');
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /^mlsweep: .*nosuchsweep/m);
  });

  it('a multi-objective sweep file prints the Pareto front as a table', async () => {
    const file = fileURLToPath(new URL('../../examples/multi-objective.yml', import.meta.url));
    const r = await mlsweep('sweep', file, '--no-track', '--max-total-trials', '6');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Pareto front: \d+ trials?\ntrial +accuracy \(max\) +latency_ms \(min\) +model_size_mb <= 50 +width +depth +dropout\n/,
    );
    assert.match(r.stdout, /hypervolume [\d.]+ \(reference point /);
  });
});
