// Ctrl-C in AutoML loses nothing already found: the search stops, and the best pipeline so
// far is saved, with the leaderboard and the report, marked partial; the exit code tells
// an interrupted job from a finished one. A second signal aborts at once, and no output
// is ever left half written.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { AutoMLPipeline } from '../../src/automl/pipeline.ts';
import { readCsv } from '../../src/data/read-csv.ts';
import { root, runCli, startCli, tempDir } from './helpers.ts';

const dir = tempDir('automl-interrupt');

/** `mlsweep automl` on a bundled data set with a budget far beyond the test's length. */
function startAutoML(out: string, extra: string[]) {
  return startCli(
    [
      'automl',
      '--train',
      'datasets/breast_cancer.csv',
      '--target',
      'target',
      '--timeout-minutes',
      '30',
      '--no-early-termination',
      '--out',
      out,
      ...extra,
    ],
    { stdio: 'pipe' },
  );
}

/** Waits until `predicate` holds (checked every 50 ms), failing after `ms`. */
async function until(predicate: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Trials that ended with a score, from the progress lines (`trial 3 KNN: 0.96 | ...`). */
const scored = (stderr: string) => (stderr.match(/trial \d+ \w+: \d/g) ?? []).length;

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  assert.ok(child.kill(signal), `could not send ${signal}`);
}

describe('mlsweep automl interrupted', () => {
  it('SIGINT after two scored trials: exit 130, model, leaderboard and report written and marked partial; the model predicts', async () => {
    const model = join(dir, 'model.json');
    const report = join(dir, 'report.html');
    const run = startAutoML(model, ['--report', report, '--json']);
    await until(() => scored(run.stderr()) >= 2);
    kill(run.child, 'SIGINT');
    const { code } = await run.done;
    assert.equal(code, 130, run.stderr());
    assert.match(run.stderr(), /stopping \(SIGINT\)/);

    const doc = JSON.parse(run.stdout());
    assert.equal(doc.partial, true);
    assert.equal(doc.stopReason, 'interrupted');
    assert.ok(doc.leaderboard.length >= 2, 'the scored trials are on the leaderboard');
    assert.equal(doc.model, model);

    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.partial, true);
    assert.equal(saved.stopReason, 'interrupted');
    assert.equal(AutoMLPipeline.load(model).provenance.partial, true);

    const html = readFileSync(report, 'utf8');
    assert.ok(html.includes('Partial result: the search was interrupted'), 'the report has the banner');
    assert.ok(html.includes('Leaderboard'));

    const predictions = join(dir, 'predictions.csv');
    const p = runCli([
      'predict',
      '--model',
      model,
      '--data',
      'datasets/breast_cancer.csv',
      '--out',
      predictions,
    ]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(readFileSync(predictions, 'utf8').trim().split('\n').length, 570);

    // the leaderboard document is a report input too
    const json = join(dir, 'result.json');
    writeFileSync(json, run.stdout());
    const again = runCli(['report', json, '--out', join(dir, 'again.html')]);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(readFileSync(join(dir, 'again.html'), 'utf8').includes('Partial result'));
  });

  it('a second signal aborts at once (exit 129 or 143, its code), leaving --out whole or as it was', async () => {
    const model = join(dir, 'aborted.json');
    writeFileSync(model, '{"an":"older model"}');
    const run = startAutoML(model, []);
    await until(() => scored(run.stderr()) >= 1);
    // back to back: the search would wind down in well under a second on this data
    kill(run.child, 'SIGTERM');
    kill(run.child, 'SIGHUP');
    const { code } = await run.done;
    // the two may arrive in either order; the second one ends the process with its code
    const second = /aborted \((SIGTERM|SIGHUP)\)/.exec(run.stderr())?.[1];
    assert.ok(second, run.stderr());
    assert.equal(code, second === 'SIGHUP' ? 129 : 143, run.stderr());
    // Either the abort came first (the old file) or the save did (a whole new model).
    const text = readFileSync(model, 'utf8');
    if (text !== '{"an":"older model"}') assert.equal(JSON.parse(text).partial, true);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left',
    );
  });
});

describe('automl({ signal })', () => {
  it('an abort after two completed trials returns the best pipeline so far, partial and interrupted', async () => {
    const controller = new AbortController();
    const result = await automl({
      task: 'classification',
      trainPath: join(root, 'datasets/iris.csv'),
      target: 'target',
      limits: { maxTrials: 1000, enableEarlyTermination: false },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.completed >= 2) controller.abort();
      },
    });
    assert.equal(result.partial, true);
    assert.equal(result.stopReason, 'interrupted');
    assert.ok(result.trials.length < 1000);
    assert.ok(result.leaderboard.length >= 2);
    assert.equal(result.leaderboard[0]!.trialId, result.best.trialId, 'no ensemble after an interrupt');
    assert.deepEqual(result.pipeline.provenance, { stopReason: 'interrupted', partial: true });
    const rows = await readCsv(join(root, 'datasets/iris.csv'), { types: result.pipeline.inputTypes() });
    assert.equal(result.pipeline.predict(rows).length, 150);
  });

  it('a finished search is not partial; aborted before any trial, it rejects with the reason', async () => {
    const done = await automl({
      task: 'classification',
      trainPath: join(root, 'datasets/iris.csv'),
      target: 'target',
      limits: { maxTrials: 2 },
    });
    assert.equal(done.partial, false);
    assert.equal(done.pipeline.toJSON().partial, false);
    const reason = new Error('stopped by the caller');
    await assert.rejects(
      automl({
        task: 'classification',
        trainPath: join(root, 'datasets/iris.csv'),
        target: 'target',
        signal: AbortSignal.abort(reason),
      }),
      (error) => error === reason,
    );
  });
});
