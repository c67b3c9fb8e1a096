// The CLI's conventions: a usage error is one line `mlsweep: <what>` and one hint line,
// exit code 2 (never the whole help, never a stack trace); a mistake in the input is one
// line and exit 2 too. Commands do what their help says: `report` reads the document
// `automl --json` prints, `predict` and `report` take models:/ registry references.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sqliteSkip } from '../helpers/sqlite.ts';
import { runCli as mlsweep, tempDir } from './helpers.ts';

const dir = tempDir('cli-conventions');

/** stderr is exactly `mlsweep: <what>` (matching `what`) and, when given, the hint line. */
function assertMistake(stderr: string, what: RegExp, hint?: string): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, hint === undefined ? 1 : 2, stderr);
  assert.match(lines[0]!, /^mlsweep: /);
  assert.match(lines[0]!, what);
  if (hint !== undefined) assert.equal(lines[1], hint);
  assert.doesNotMatch(stderr, /Usage:|\n\s+at /, 'no help, no stack trace');
}

const automlBase = ['automl', '--train', 'datasets/iris.csv', '--target', 'target'];

describe('usage errors: one line, one hint, exit code 2', () => {
  const cases: Array<[string[], RegExp, string]> = [
    [['automl', '--target', 'y'], /required option '--train <data>' not specified/, 'automl'],
    [['predict', '--model', 'm.json', '--data', 'd.csv', '--bogus'], /unknown option '--bogus'/, 'predict'],
    [['sample'], /missing required argument 'sweep'/, 'sample'],
    [['sample', 'examples/grid.yml', '-n', 'abc'], /'abc' is invalid\. expected an integer >= 1/, 'sample'],
    [
      [...automlBase, '--seed', '1.5'],
      /--seed <n>' argument '1\.5' is invalid\. expected an integer/,
      'automl',
    ],
    [
      [...automlBase, '--backend', 'cuda'],
      /'cuda' is invalid\. --backend must be one of auto, js, native, gpu/,
      'automl',
    ],
    [[...automlBase, '--max-trials', '0'], /'0' is invalid\. expected an integer >= 1/, 'automl'],
    [[...automlBase, '--timeout-minutes', '-1'], /'-1' is invalid\. expected a number > 0/, 'automl'],
    [[...automlBase, '--task', 'clustering'], /expected one of classification, regression/, 'automl'],
    [['runs', 'list', '--max-results', '0'], /'0' is invalid\. expected an integer >= 1/, 'runs list'],
    [['models', 'show'], /missing required argument 'model'/, 'models show'],
    [['nosuch'], /unknown command 'nosuch'/, ''],
  ];
  for (const [args, what, command] of cases) {
    it(`mlsweep ${args.join(' ')}`, () => {
      const r = mlsweep(args);
      assert.equal(r.code, 2, r.stderr);
      assertMistake(r.stderr, what, `see 'mlsweep${command ? ` ${command}` : ''} --help'`);
      assert.doesNotMatch(r.stderr, /\] trial \d/, 'no work was done');
    });
  }

  it('no command: the help on stderr, exit 2; --help and --version exit 0', () => {
    const none = mlsweep([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: mlsweep/);
    assert.equal(mlsweep(['predict', '--help']).code, 0);
    assert.equal(mlsweep(['--version']).code, 0);
  });
});

describe("the user's mistakes in output paths: one line, exit 2, no stack trace", () => {
  it('report --out naming a folder', () => {
    const input = join(dir, 'sweep.json');
    writeFileSync(input, JSON.stringify(sweepResult()));
    const r = mlsweep(['report', input, '--out', dir]);
    assert.equal(r.code, 2, r.stderr);
    assertMistake(r.stderr, /--out .*: is a folder, expected a file name/);
  });

  it('predict --out naming a folder', () => {
    const r = mlsweep(['predict', '--model', 'no-model.json', '--data', 'datasets/iris.csv', '--out', dir]);
    assert.equal(r.code, 2, r.stderr);
    assertMistake(r.stderr, /--out .*: is a folder, expected a file name/);
  });
});

/** The smallest result `mlsweep report` takes: a sweep of one completed trial. */
function sweepResult() {
  const at = new Date(0).toISOString();
  const trial = {
    id: 0,
    params: { x: 1 },
    status: 'completed',
    value: 1,
    intermediate: [{ step: 0, value: 1 }],
    metrics: { score: [{ step: 0, value: 1 }] },
    startedAt: at,
    endedAt: at,
    durationMs: 1,
  };
  return {
    objective: { goal: 'maximize', primaryMetric: 'score' },
    sampler: 'grid',
    stopReason: 'exhausted',
    message: 'done',
    trials: [trial],
    best: trial,
    counts: { completed: 1, failed: 0, early_terminated: 0, timed_out: 0, cancelled: 0, total: 1 },
    startedAt: at,
    endedAt: at,
    durationMs: 1,
  };
}

describe('commands do what their help says', () => {
  const model = join(dir, 'model.json');
  const result = join(dir, 'result.json');
  before(() => {
    const r = mlsweep([...automlBase, '--max-trials', '3', '--out', model, '--json']);
    assert.equal(r.code, 0, r.stderr);
    writeFileSync(result, r.stdout);
  });

  it('report takes the document `mlsweep automl --json` prints', () => {
    const out = join(dir, 'automl.html');
    const r = mlsweep(['report', result, '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).report, out);
    const html = readFileSync(out, 'utf8');
    assert.ok(html.includes('Leaderboard'));
    const doc = JSON.parse(readFileSync(result, 'utf8'));
    assert.ok(html.includes(doc.best.model));
    assert.equal(doc.trialResults.length, 3, 'every trial is in the document');
  });

  it('report refuses a model file with a line saying what to pass', () => {
    const r = mlsweep(['report', model, '--out', join(dir, 'no.html')]);
    assert.equal(r.code, 2, r.stderr);
    assertMistake(r.stderr, /is a fitted AutoML pipeline \(a model\), not a result/);
  });

  it('predict and report take models:/NAME/VERSION and models:/NAME@ALIAS', { skip: sqliteSkip }, () => {
    const store = join(dir, 'mlruns');
    const registered = mlsweep(['models', 'register', 'iris', '--file', model, '--store', store]);
    assert.equal(registered.code, 0, registered.stderr);
    assert.equal(mlsweep(['models', 'alias', 'iris', 'production', '1', '--store', store]).code, 0);
    for (const ref of ['models:/iris@production', 'models:/iris/1']) {
      const out = join(dir, `by-ref-${ref.endsWith('1') ? 'version' : 'alias'}.csv`);
      const p = mlsweep([
        'predict',
        '--model',
        ref,
        '--store',
        store,
        '--data',
        'datasets/iris.csv',
        '--out',
        out,
      ]);
      assert.equal(p.code, 0, p.stderr);
      assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 151);
    }
    const unknown = mlsweep([
      'predict',
      '--model',
      'models:/iris@staging',
      '--store',
      store,
      '--data',
      'x.csv',
    ]);
    assert.equal(unknown.code, 2, unknown.stderr);
    assertMistake(unknown.stderr, /model 'iris' has no alias 'staging'; its aliases: production/);

    // a registered folder holding the model and the automl --json result
    const folder = join(dir, 'iris-job');
    mkdirSync(folder);
    writeFileSync(join(folder, 'model.json'), readFileSync(model));
    writeFileSync(join(folder, 'result.json'), readFileSync(result));
    assert.equal(mlsweep(['models', 'register', 'iris-job', '--file', folder, '--store', store]).code, 0);
    assert.equal(mlsweep(['models', 'alias', 'iris-job', 'production', '1', '--store', store]).code, 0);
    const html = join(dir, 'registered.html');
    const report = mlsweep(['report', 'models:/iris-job@production', '--store', store, '--out', html]);
    assert.equal(report.code, 0, report.stderr);
    assert.ok(readFileSync(html, 'utf8').includes('Leaderboard'));
    const p = mlsweep([
      'predict',
      '--model',
      'models:/iris-job/1',
      '--store',
      store,
      '--data',
      'datasets/iris.csv',
    ]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.trim().split('\n').length, 151);
  });
});
