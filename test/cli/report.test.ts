import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../helpers/cli.ts';
import { sqliteSkip } from '../helpers/sqlite.ts';

const cli = (args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });

describe('mlsweep report and sweep --report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-cli-report-'));

  it('writes a report at the end of a sweep, and again from its --json result', () => {
    const html = join(dir, 'sweep.html');
    const run = cli(['sweep', 'examples/sweep-bandit.yml', '--no-track', '--json', '--report', html]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /report written to/);
    const page = readFileSync(html, 'utf8');
    assert.ok(page.includes('Optimization history') && page.includes('bandit'));
    writeFileSync(join(dir, 'result.json'), run.stdout);
    const again = cli(['report', join(dir, 'result.json'), '--out', join(dir, 'again.html'), '--json']);
    assert.equal(again.status, 0, again.stderr);
    const doc = JSON.parse(again.stdout);
    assert.equal(doc.report, join(dir, 'again.html'));
    assert.ok(doc.bytes > 100_000);
  });

  it('draws a recorded sweep from the tracking store by its id', { skip: sqliteSkip }, () => {
    const store = join(dir, 'store');
    const run = cli(['sweep', 'examples/sweep-bandit.yml', '--store', store]);
    assert.equal(run.status, 0, run.stderr);
    const id = /sweep (\S+) recorded in/.exec(run.stderr)?.[1];
    assert.ok(id, run.stderr);
    const out = join(dir, 'recorded.html');
    const report = cli(['report', id, '--store', store, '--out', out]);
    assert.equal(report.status, 0, report.stderr);
    const page = readFileSync(out, 'utf8');
    assert.ok(page.includes('random sampling'), 'the sampler tag is read back');
    assert.ok(page.includes('bandit ('), 'the policy tag is read back');
    const unknown = cli(['report', 'no-such-sweep', '--store', store]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no-such-sweep/);
  });

  it('writes an AutoML report with the model pictured on the --test rows', () => {
    const html = join(dir, 'automl.html');
    const run = cli([
      'automl',
      '--train',
      'datasets/iris.csv',
      '--target',
      'target',
      '--max-trials',
      '4',
      '--test',
      'datasets/iris.csv',
      '--out',
      join(dir, 'model.json'),
      '--report',
      html,
    ]);
    assert.equal(run.status, 0, run.stderr);
    const page = readFileSync(html, 'utf8');
    for (const title of ['Leaderboard', 'Confusion matrix', 'ROC curve', 'Feature importances']) {
      assert.ok(page.includes(title), `missing ${title}`);
    }
  });

  it('fails with exit code 2 and the file name for an input that is not a result', () => {
    writeFileSync(join(dir, 'nope.json'), '[1, 2]');
    const run = cli(['report', join(dir, 'nope.json')]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /nope\.json holds neither a sweep result/);
  });
});
