import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { Tracker } from '../../src/tracking/tracker.ts';
import { storeOptions } from './helpers/store.ts';
import { tempDir } from './helpers/temp.ts';

describe('SqliteStore: experiments and runs', () => {
  it('creates experiments, refuses a duplicate name, finds them by name or id', () => {
    const store = new SqliteStore(storeOptions('exp'));
    const iris = store.createExperiment('iris', { team: 'ml' });
    assert.equal(iris.name, 'iris');
    assert.deepEqual(iris.tags, { team: 'ml' });
    assert.throws(() => store.createExperiment('iris'), /already exists/);
    assert.equal(store.experiment(iris.id).name, 'iris');
    assert.equal(store.experiment('iris').id, iris.id);
    assert.equal(store.ensureExperiment('iris').id, iris.id);
    assert.equal(store.listExperiments().length, 1);
    store.close();
  });

  it('names the known experiments when one is unknown', () => {
    const store = new SqliteStore(storeOptions('exp'));
    store.createExperiment('iris');
    assert.throws(
      () => store.experiment('irsi'),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.code === 'E_NOT_FOUND' &&
        /unknown experiment "irsi"; known: iris \(1\)/.test(e.message),
    );
    assert.throws(() => store.searchRuns({ experiments: ['nope'] }), /unknown experiment "nope"/);
    store.close();
  });

  it('records a run with status, times, params, tags and a parent', () => {
    const store = new SqliteStore(storeOptions('run'));
    const parent = store.createRun({ experiment: 'iris', name: 'sweep' });
    const child = store.createRun({ experiment: 'iris', parentRunId: parent.id, tags: { model: 'rf' } });
    assert.match(child.id, /^[0-9a-f]{32}$/);
    assert.equal(child.status, 'RUNNING');
    assert.equal(child.endTime, undefined);
    store.logParams(child.id, { max_depth: 5, criterion: 'gini', bootstrap: true });
    store.logParams(child.id, { max_depth: 5 });
    assert.throws(() => store.logParams(child.id, { max_depth: 6 }), /already '5' and cannot change to '6'/);
    store.setRunStatus(child.id, 'FINISHED');
    const run = store.run(child.id);
    assert.deepEqual(run.params, { bootstrap: 'true', criterion: 'gini', max_depth: '5' });
    assert.deepEqual(run.tags, { model: 'rf' });
    assert.equal(run.parentRunId, parent.id);
    assert.equal(run.status, 'FINISHED');
    assert.ok(run.endTime !== undefined && run.endTime >= run.startTime);
    assert.deepEqual(
      store.childRuns(parent.id).map((r) => r.id),
      [child.id],
    );
    assert.equal(store.run(child.id.slice(0, 8)).id, child.id);
    store.close();
  });

  it('fails clearly on an unknown run id, an invalid status, a bad metric', () => {
    const store = new SqliteStore(storeOptions('run'));
    const run = store.createRun();
    assert.throws(
      () => store.run('0123456789abcdef0123456789abcdef'),
      (e: unknown) =>
        e instanceof ValidationError && e.code === 'E_NOT_FOUND' && /unknown run '0123/.test(e.message),
    );
    assert.throws(() => store.createRun({ parentRunId: 'feedbeef' }), /unknown run 'feedbeef'/);
    assert.throws(() => store.logMetrics('nope', []), /unknown run 'nope'/);
    assert.throws(() => store.setRunStatus(run.id, 'DONE' as 'FINISHED'), /status must be one of/);
    assert.throws(
      () =>
        store.logMetrics(run.id, [{ key: 'loss', value: '1' as unknown as number, step: 0, timestamp: 0 }]),
      /metric 'loss' must be a number, got "1"/,
    );
    assert.throws(
      () => store.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0.5, timestamp: 0 }]),
      /integers/,
    );
    store.close();
  });

  it('keeps every metric point, NaN and infinities included, and the latest value by step', () => {
    const store = new SqliteStore(storeOptions('metrics'));
    const run = store.createRun();
    store.logMetrics(run.id, [
      { key: 'loss', value: 0.5, step: 2, timestamp: 10 },
      { key: 'loss', value: 0.9, step: 0, timestamp: 20 },
      { key: 'loss', value: 0.7, step: 1, timestamp: 30 },
      { key: 'odd', value: Number.NaN, step: 0, timestamp: 1 },
      { key: 'big', value: Number.POSITIVE_INFINITY, step: 0, timestamp: 1 },
      { key: 'big', value: Number.NEGATIVE_INFINITY, step: 1, timestamp: 1 },
    ]);
    assert.deepEqual(
      store.metricHistory(run.id, 'loss').map((p) => [p.step, p.value]),
      [
        [0, 0.9],
        [1, 0.7],
        [2, 0.5],
      ],
    );
    const { metrics } = store.run(run.id);
    assert.equal(metrics['loss'], 0.5);
    assert.ok(Number.isNaN(metrics['odd']));
    assert.equal(metrics['big'], Number.NEGATIVE_INFINITY);
    store.close();
  });

  it('copies file and folder artifacts into the run folder, and refuses paths that escape it', () => {
    const dir = tempDir('artifact-sources');
    const store = new SqliteStore(storeOptions('artifacts'));
    const run = store.createRun({ experiment: 'iris' });
    writeFileSync(join(dir, 'model.json'), '{"a":1}');
    mkdirSync(join(dir, 'plots/sub'), { recursive: true });
    writeFileSync(join(dir, 'plots/loss.svg'), '<svg/>');
    writeFileSync(join(dir, 'plots/sub/x.txt'), 'x');
    assert.equal(store.logArtifact(run.id, join(dir, 'model.json')), 'model.json');
    assert.equal(store.logArtifact(run.id, join(dir, 'plots'), 'figures'), 'figures/plots');
    assert.deepEqual(store.listArtifacts(run.id), [
      'figures/plots/loss.svg',
      'figures/plots/sub/x.txt',
      'model.json',
    ]);
    assert.ok(store.run(run.id).artifactDir.startsWith(join(store.dir, 'artifacts')));
    assert.throws(() => store.logArtifact(run.id, join(dir, 'model.json'), '../../x'), /must stay inside/);
    assert.throws(() => store.logArtifact(run.id, join(dir, 'missing.json')), /does not exist/);
    store.close();
  });
});

describe('searchRuns', () => {
  const tracker = new Tracker(storeOptions('search'));
  const specs = [
    { model: 'rf', depth: 5, acc: 0.95 },
    { model: 'rf', depth: 10, acc: 0.91 },
    { model: 'gb', depth: 5, acc: 0.88 },
    { model: 'knn', depth: 2, acc: 0.97 },
  ];
  specs.forEach((s, i) => {
    const run = tracker.startRun({
      experiment: i < 3 ? 'trees' : 'other',
      name: `run-${i}`,
      tags: { model: s.model },
    });
    run.logParams({ max_depth: s.depth });
    run.logMetric('accuracy', s.acc - 0.1, 0);
    run.logMetric('accuracy', s.acc, 1);
    run.end(i === 2 ? 'FAILED' : 'FINISHED');
  });
  const names = (filter?: string, orderBy?: string[], experiments?: string[]) =>
    tracker
      .searchRuns({
        ...(filter !== undefined ? { filter } : {}),
        ...(orderBy ? { orderBy } : {}),
        ...(experiments ? { experiments } : {}),
      })
      .map((r) => r.name);

  it('filters on metrics, params and tags joined by and', () => {
    assert.deepEqual(names("metrics.accuracy > 0.9 and params.max_depth = '5' and tags.model = 'rf'"), [
      'run-0',
    ]);
  });

  it('filters with or, parentheses, like, ilike, in and numeric params', () => {
    assert.deepEqual(names("tags.model = 'gb' or tags.model = 'knn'", ['name']), ['run-2', 'run-3']);
    assert.deepEqual(names("(tags.model = 'gb' or tags.model = 'knn') and metrics.accuracy > 0.9"), [
      'run-3',
    ]);
    assert.deepEqual(names("tags.model like 'r%'", ['name']), ['run-0', 'run-1']);
    assert.deepEqual(names("tags.model like 'R%'"), []);
    assert.deepEqual(names("tags.model ilike 'R%'", ['name']), ['run-0', 'run-1']);
    assert.deepEqual(names("tags.model not in ('rf', 'gb')"), ['run-3']);
    assert.deepEqual(names('params.max_depth >= 5', ['name']), ['run-0', 'run-1', 'run-2']);
    assert.deepEqual(names("status = 'FAILED'"), ['run-2']);
    assert.deepEqual(names('metrics.missing > 0'), []);
  });

  it('orders by metrics (missing values last) and limits the count', () => {
    assert.deepEqual(names(undefined, ['metrics.accuracy DESC']), ['run-3', 'run-0', 'run-1', 'run-2']);
    assert.deepEqual(names(undefined, ['metrics.accuracy']), ['run-2', 'run-1', 'run-0', 'run-3']);
    assert.equal(tracker.searchRuns({ orderBy: ['metrics.accuracy DESC'], maxResults: 2 }).length, 2);
    assert.deepEqual(names(undefined, ['tags.model, metrics.accuracy desc'], ['trees']), [
      'run-2',
      'run-0',
      'run-1',
    ]);
  });

  it('restricts to experiments', () => {
    assert.deepEqual(names(undefined, ['name'], ['other']), ['run-3']);
  });

  it('rejects a bad order-by or maxResults with the place of the error', () => {
    assert.throws(
      () => tracker.searchRuns({ orderBy: ['metrics.accuracy DOWN'] }),
      /orderBy: expected ASC, DESC.*column 18/s,
    );
    assert.throws(() => tracker.searchRuns({ maxResults: 0 }), /maxResults must be an integer >= 1/);
  });
});
