import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { params, report, trialId } from '../../src/trial.ts';

function withEnv(env: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('mlsweep/trial', () => {
  it('appends to the metrics file inside a sweep', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-helper-'));
    const file = join(dir, 'metrics.jsonl');
    withEnv(
      { MLSWEEP_METRICS_FILE: file, MLSWEEP_PARAMS: '{"lr":0.1,"model":"rf"}', MLSWEEP_TRIAL_ID: '7' },
      () => {
        report({ loss: 0.5 }, 0);
        report({ loss: 0.25, acc: 0.9 });
        assert.deepEqual(params(), { lr: 0.1, model: 'rf' });
        assert.equal(trialId(), 7);
      },
    );
    assert.equal(
      readFileSync(file, 'utf8'),
      '##mlsweep {"loss":0.5,"step":0}\n##mlsweep {"loss":0.25,"acc":0.9}\n',
    );
    rmSync(dir, { recursive: true });
  });

  it('prints the protocol line outside a sweep', () => {
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof write;
    try {
      withEnv(
        { MLSWEEP_METRICS_FILE: undefined, MLSWEEP_PARAMS: undefined, MLSWEEP_TRIAL_ID: undefined },
        () => {
          report({ rmse: 3 }, 2);
          assert.deepEqual(params(), {});
          assert.equal(trialId(), undefined);
        },
      );
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(written, ['##mlsweep {"rmse":3,"step":2}\n']);
  });
});
