import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSweepFile, sweepOptionsFromSpec } from '../../src/config/index.ts';
import { sweep } from '../../src/sweep/index.ts';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

describe('examples', () => {
  it('every examples/sweep-*.yml loads and maps to sweep options', () => {
    const files = readdirSync(examples).filter((f) => /^sweep-.*\.yml$/.test(f));
    assert.ok(files.length >= 6);
    const policies = new Set<string>();
    for (const f of files) {
      const spec = loadSweepFile(`${examples}${f}`);
      const options = sweepOptionsFromSpec(spec);
      if (options.earlyTermination) policies.add(options.earlyTermination.type);
    }
    assert.deepEqual([...policies].sort(), ['asha', 'bandit', 'median_stopping', 'truncation_selection']);
  });

  it('the shell example runs its whole grid', async () => {
    const result = await sweep(sweepOptionsFromSpec(loadSweepFile(`${examples}sweep-shell.yml`)));
    assert.equal(result.counts.completed, 12, result.trials.find((t) => t.error)?.error);
    assert.deepEqual(result.best?.params, { alpha: 0.1, degree: 3 });
    assert.equal(result.best?.value, 3);
    assert.match(result.best!.output!.stderr, /fitted alpha=0.1 degree=3/);
  });
});
