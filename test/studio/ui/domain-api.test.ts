// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
// The studio's domain API over a real server on port 0 and a store filled through the
// real APIs: the shapes of sweeps (with a study of two objectives), AutoML jobs, models,
// endpoints, pipelines and schedules; 404s; writes refused without the studio header;
// each write recorded in the audit log; traffic that does not sum to 100 refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EndpointStore } from '../../../src/registry/endpoint-store.ts';
import { countRates } from '../../../src/studio/ui/api/endpoint-rates.ts';
import { sqliteSkip } from '../../helpers/sqlite.ts';
import { type DomainStudio, startDomainStudio, startGatedPipeline } from './domain-fixture.ts';

describe('studio domain API', { skip: sqliteSkip }, () => {
  let studio: DomainStudio;
  before(async () => {
    studio = await startDomainStudio('api');
  });
  after(async () => {
    await studio?.close();
  });

  it('lists sweeps and studies with status, objectives, best value and trials by state', async () => {
    const list = await studio.get('/sweeps');
    assert.equal(list.total, 2);
    const climb = list.items.find((s: { name: string }) => s.name === 'climb');
    assert.equal(climb.kind, 'sweep');
    assert.equal(climb.status, 'completed');
    assert.equal(climb.stopReason, 'exhausted');
    assert.deepEqual(climb.objectives, [{ goal: 'maximize', primaryMetric: 'acc' }]);
    assert.deepEqual(climb.best, { trialId: 2, value: 0.95 });
    assert.deepEqual(climb.counts, { completed: 2, early_terminated: 1 });
    assert.equal(climb.trials, 3);
    const study = list.items.find((s: { name: string }) => s.name === 'tradeoff');
    assert.equal(study.kind, 'study');
    assert.equal(study.status, 'open');
    assert.equal(study.objectives.length, 2);
    // its best is the least f1 (minimized), as the trials say
    const { trialRows } = await studio.get(`/sweeps/${study.id}`);
    assert.equal(study.best.value, Math.min(...trialRows.map((t: { values: number[] }) => t.values[0]!)));
    const studies = await studio.get('/sweeps?kind=study');
    assert.deepEqual(
      studies.items.map((s: { id: string }) => s.id),
      [studio.ids.studyId],
    );
    const paged = await studio.get('/sweeps?limit=1');
    assert.equal(paged.items.length, 1);
    assert.equal(paged.nextPageToken, '1');
  });

  it('shows a sweep: trials with their runs, the best so far, and which trial the policy stopped at which step', async () => {
    const sweep = await studio.get(`/sweeps/${studio.ids.sweepId}`);
    assert.equal(sweep.trialRows.length, 3);
    assert.equal(sweep.sampler, undefined);
    assert.equal(sweep.policy.type, 'bandit');
    for (const t of sweep.trialRows) assert.match(t.runId, /^[0-9a-f]{32}$/);
    // each trial links to its run's page
    const run = await studio.call('GET', `/runs/${sweep.trialRows[1].runId}`);
    assert.equal(run.status, 200);
    assert.deepEqual(
      sweep.trialRows.map((t: { state: string }) => t.state),
      ['completed', 'early_terminated', 'completed'],
    );
    assert.equal(sweep.trialRows[1].prunedBy, 'bandit');
    assert.deepEqual(
      sweep.history.map((h: { best: number }) => h.best),
      [0.9, 0.9, 0.95],
    );
    assert.equal(sweep.decisions.length, 1);
    const [decision] = sweep.decisions;
    assert.equal(decision.trialId, 1);
    assert.equal(decision.policy, 'bandit');
    assert.equal(decision.runId, sweep.trialRows[1].runId);
    assert.ok(Number.isInteger(decision.step) && decision.step < 3, `stopped at step ${decision.step}`);
    assert.match(decision.reason, /^bandit at interval/);
    assert.equal(sweep.pareto, undefined);
    // the primary metric by step of each trial, the stopped one up to where it stopped
    assert.deepEqual(sweep.curves[0], {
      trialId: 0,
      points: [
        [0, 0.5],
        [1, 0.8],
        [2, 0.9],
      ],
    });
    assert.equal(sweep.curves[1].points.length, decision.step + 1);
  });

  it('shows a study of two objectives with its Pareto front, as the report computes it', async () => {
    const study = await studio.get(`/sweeps/${studio.ids.studyId}`);
    assert.equal(study.trialRows.length, 8);
    const { pareto } = study;
    assert.equal(pareto.objectives.length, 2);
    assert.equal(pareto.points.length, 8);
    // On the front: the points no other point is at least as good as on both objectives (and better on one).
    const dominated = (p: { values: number[] }) =>
      pareto.points.some(
        (q: { values: number[] }) =>
          q.values[0]! <= p.values[0]! &&
          q.values[1]! <= p.values[1]! &&
          (q.values[0]! < p.values[0]! || q.values[1]! < p.values[1]!),
      );
    for (const p of pareto.points) assert.equal(p.onFront, !dominated(p), `trial ${p.trialId}`);
    // (x-1)² and (x+1)² trade off for x in [-1, 1]: every sampled x there is on the front.
    for (const p of pareto.points) {
      const x = study.trialRows.find((t: { id: number }) => t.id === p.trialId).params.x;
      if (x >= -1 && x <= 1) assert.ok(p.onFront, `x = ${x}`);
    }
    assert.ok(pareto.front.length >= 2);
    assert.deepEqual(
      pareto.front,
      pareto.points
        .filter((p: { onFront: boolean }) => p.onFront)
        .map((p: { trialId: number }) => p.trialId)
        .sort((a: number, b: number) => a - b),
    );
  });

  it('answers 404 with the error body for an unknown sweep, model, endpoint, pipeline or schedule', async () => {
    for (const path of [
      '/sweeps/ffffffffffffffffffffffffffffffff',
      '/models/nope',
      '/endpoints/nope',
      '/batch-endpoints/nope',
      '/pipelines/ffffffffffffffffffffffffffffffff',
      '/schedules/nope',
      '/automl/ffffffffffffffffffffffffffffffff',
    ]) {
      const { status, json } = await studio.call('GET', path);
      assert.equal(status, 404, path);
      assert.equal(json.error.code, 'NOT_FOUND', path);
      assert.equal(typeof json.error.message, 'string');
    }
    // a run that exists but is not a sweep, nor an AutoML job
    const { status } = await studio.call('GET', `/automl/${studio.ids.sweepId}`);
    assert.equal(status, 404);
  });

  it('lists AutoML jobs and shows one: leaderboard from its trial runs, best model, feature importances, test metrics', async () => {
    const list = await studio.get('/automl');
    assert.equal(list.total, 1);
    assert.equal(list.items[0].bestModel, 'RandomForest');
    assert.equal(list.items[0].score, 0.96);
    const job = await studio.get(`/automl/${studio.ids.automlId}`);
    assert.equal(job.leaderboardFrom, 'trials');
    assert.equal(job.goal, 'maximize');
    assert.deepEqual(
      job.leaderboard.map((r: { learner: string; rank: number }) => [r.rank, r.learner]),
      [
        [1, 'RandomForest'],
        [2, 'DecisionTree'],
      ],
    );
    assert.equal(job.leaderboard[0].score, 0.96);
    assert.equal(job.leaderboard[0].params.max_depth, '3');
    assert.equal(job.leaderboard[0].durationSeconds, 1);
    assert.match(job.leaderboard[0].runId, /^[0-9a-f]{32}$/);
    assert.equal(job.best.learner, 'RandomForest');
    assert.deepEqual(job.featureImportances[0], { feature: 'petal_length', importance: 0.6 });
    assert.deepEqual(job.testMetrics, { accuracy: 0.95 });
  });

  it('lists models and versions with source run, metrics, tags, stage and aliases', async () => {
    const list = await studio.get('/models');
    assert.equal(list.total, 1);
    assert.deepEqual(list.items[0].aliases, { champion: 1 });
    const { model, versions } = await studio.get('/models/iris');
    assert.equal(model.latestVersion, 2);
    assert.deepEqual(
      versions.map((v: { version: number }) => v.version),
      [2, 1],
    );
    assert.match(versions[0].runId, /^[0-9a-f]{32}$/);
    assert.equal(versions[1].runId, undefined);
    assert.deepEqual(versions[1].tags, { team: 'ml' });
    assert.equal(versions[1].stage, 'None');
    assert.deepEqual(versions[1].aliases, ['champion']);
    assert.equal(versions[0].metrics.accuracy, 0.95);
  });

  it('refuses every write without the X-Mlsweep-Studio header, and changes nothing', async () => {
    const writes: Array<[string, string, unknown]> = [
      ['PUT', '/models/iris/aliases/champion', { version: 2 }],
      ['DELETE', '/models/iris/aliases/champion', undefined],
      ['PUT', '/models/iris/versions/1/tags/team', { value: 'x' }],
      ['DELETE', '/models/iris/versions/1/tags/team', undefined],
      ['PUT', '/models/iris/versions/1/stage', { stage: 'Production' }],
      ['PUT', '/endpoints/iris/traffic', { traffic: { blue: 50, green: 50 } }],
      ['PUT', '/schedules/nightly/enabled', { enabled: false }],
    ];
    const auditBefore = (await studio.get('/audit')).total;
    for (const [method, path, body] of writes) {
      const { status, json } = await studio.call(method, path, body, { bare: true });
      assert.equal(status, 403, `${method} ${path}`);
      assert.equal(typeof json.error.message, 'string');
    }
    assert.deepEqual((await studio.get('/models/iris')).model.aliases, { champion: 1 });
    assert.deepEqual((await studio.get('/endpoints/iris')).endpoint.traffic, { blue: 100, green: 0 });
    assert.equal((await studio.get('/schedules/nightly')).enabled, true);
    assert.equal((await studio.get('/audit')).total, auditBefore);
  });

  it('moves an alias, sets and deletes a tag, moves a stage: each recorded in the audit log with who and from -> to', async () => {
    const moved = await studio.call('PUT', '/models/iris/aliases/champion', { version: 2 });
    assert.equal(moved.status, 200);
    assert.deepEqual(moved.json.model.aliases, { champion: 2 });
    assert.equal((await studio.call('PUT', '/models/iris/aliases/champion', { version: 9 })).status, 404);
    assert.equal((await studio.call('PUT', '/models/iris/aliases/champion', { version: 'two' })).status, 400);
    const tagged = await studio.call('PUT', '/models/iris/versions/2/tags/reviewed', { value: 'yes' });
    assert.equal(tagged.status, 200);
    assert.deepEqual(tagged.json.version.tags, { reviewed: 'yes' });
    assert.equal((await studio.call('DELETE', '/models/iris/versions/2/tags/reviewed')).status, 200);
    assert.equal((await studio.call('DELETE', '/models/iris/versions/2/tags/reviewed')).status, 404);
    const staged = await studio.call('PUT', '/models/iris/versions/2/stage', { stage: 'production' });
    assert.equal(staged.json.version.stage, 'Production');
    assert.equal((await studio.call('PUT', '/models/iris/versions/2/stage', { stage: 'Live' })).status, 400);
    const audit = await studio.get('/audit?action=model.');
    const [stage, tagDelete, tagSet, alias] = audit.items;
    assert.deepEqual(
      [stage.action, tagDelete.action, tagSet.action, alias.action],
      ['model.stage.set', 'model.tag.delete', 'model.tag.set', 'model.alias.set'],
    );
    assert.equal(alias.target, 'iris@champion');
    assert.deepEqual(alias.detail, { from: 1, to: 2 });
    assert.match(alias.actor, /127\.0\.0\.1/);
    assert.ok(Math.abs(alias.at - Date.now()) < 60_000);
    assert.deepEqual(stage.detail, { from: 'None', to: 'Production', archived: [] });
    assert.deepEqual(tagDelete.detail, { from: 'yes', to: null });
  });

  it('shows endpoints with traffic and deployments, and request rates from the deployment log', async () => {
    const list = await studio.get('/endpoints');
    assert.deepEqual(list.items[0].deployments, ['blue', 'green']);
    const { endpoint, deployments } = await studio.get('/endpoints/iris');
    assert.equal(endpoint.authMode, 'key');
    assert.deepEqual(
      deployments.map((d: { name: string }) => d.name),
      ['blue', 'green'],
    );
    const rates = await studio.get('/endpoints/iris/rates?minutes=5&bucketSeconds=60');
    const blue = rates.deployments.find((d: { deployment: string }) => d.deployment === 'blue');
    assert.equal(blue.buckets.length, 5);
    // 32 requests in the last two minutes (the one two hours ago is out of the window)
    assert.equal(blue.requests, 32);
    assert.equal(blue.errors, 2);
    assert.equal(rates.deployments.find((d: { deployment: string }) => d.deployment === 'green').requests, 0);
    assert.equal((await studio.call('GET', '/endpoints/iris/rates?minutes=0')).status, 400);
    const batch = await studio.get('/batch-endpoints/scores');
    assert.equal(batch.jobs.length, 1);
    assert.equal(batch.jobs[0].metrics.rows, 150);
  });

  it('changes traffic through the store API a serving server polls, refusing a split that does not sum to 100', async () => {
    const endpoints = new EndpointStore({ store: studio.store });
    const generation = endpoints.generation();
    const bad = await studio.call('PUT', '/endpoints/iris/traffic', { traffic: { blue: 60, green: 30 } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /must sum to 100, got 90/);
    assert.equal(
      (await studio.call('PUT', '/endpoints/iris/traffic', { traffic: { blue: 50.5, green: 49.5 } })).status,
      400,
    );
    assert.equal(
      (await studio.call('PUT', '/endpoints/iris/traffic', { traffic: { blue: 50, red: 50 } })).status,
      404,
    );
    assert.equal(endpoints.generation(), generation);
    const ok = await studio.call('PUT', '/endpoints/iris/traffic', {
      traffic: { blue: 90, green: 10 },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.endpoint.traffic, { blue: 90, green: 10 });
    // the CLI's store API sees it, with who changed it, and a new generation for servers to poll
    const record = endpoints.getEndpoint('iris');
    assert.deepEqual(record.spec.traffic, { blue: 90, green: 10 });
    assert.match(record.changedBy ?? '', /127\.0\.0\.1/);
    assert.ok(endpoints.generation() > generation);
    const mirror = await studio.call('PUT', '/endpoints/iris/traffic', {
      traffic: { blue: 100, green: 0 },
      mirrorTraffic: { green: 20 },
    });
    assert.deepEqual(mirror.json.endpoint.mirrorTraffic, { green: 20 });
    const [last, first] = (await studio.get('/audit?action=endpoint.')).items;
    assert.equal(first.action, 'endpoint.traffic.set');
    assert.deepEqual(first.detail.from.traffic, { blue: 100, green: 0 });
    assert.deepEqual(first.detail.to.traffic, { blue: 90, green: 10 });
    assert.deepEqual(last.detail.to.mirrorTraffic, { green: 20 });
  });

  it('shows a pipeline job as a DAG: each step with status, duration and run, bindings as edges, and step logs', async () => {
    const list = await studio.get('/pipelines');
    assert.equal(list.items[0].runId, studio.ids.pipelineId);
    const job = await studio.get(`/pipelines/${studio.ids.pipelineId}`);
    assert.equal(job.status, 'completed');
    assert.equal(job.edgesFrom, 'file');
    assert.deepEqual(
      job.nodes.map((n: { name: string; status: string }) => [n.name, n.status]),
      [
        ['left', 'completed'],
        ['right', 'completed'],
        ['both', 'completed'],
      ],
    );
    for (const n of job.nodes) {
      assert.match(n.runId, /^[0-9a-f]{32}$/);
      assert.ok(n.durationMs >= 0);
    }
    assert.deepEqual(
      job.edges
        .map((e: { from: string; to: string; label: string }) => `${e.from}->${e.to} ${e.label}`)
        .sort(),
      ['left->both out -> a', 'right->both out -> b'],
    );
    const logs = await studio.get(`/pipelines/${studio.ids.pipelineId}/steps/left/logs`);
    assert.match(logs.stdout.text, /copied left/);
    assert.equal(logs.stdout.truncated, false);
    assert.equal(
      (await studio.call('GET', `/pipelines/${studio.ids.pipelineId}/steps/nope/logs`)).status,
      404,
    );
  });

  it('follows a running pipeline: the step running, the step after it queued, then both completed', async () => {
    const gated = startGatedPipeline(studio, 'gated');
    try {
      const statuses = async () => {
        const runId = gated.runId();
        if (runId === undefined) return '';
        const job = await studio.get(`/pipelines/${runId}`);
        return job.nodes.map((n: { name: string; status: string }) => `${n.name}:${n.status}`).join(' ');
      };
      for (let i = 0; (await statuses()) !== 'wait:running after:queued'; i++) {
        assert.ok(i < 400, `never saw the step running: ${await statuses()}`);
        await sleep(25);
      }
      const mid = await studio.get(`/pipelines/${gated.runId()}`);
      assert.equal(mid.status, 'running');
      assert.deepEqual(mid.edges, [{ from: 'wait', to: 'after', label: 'out -> a' }]);
      gated.open();
      assert.equal(await gated.done, 'completed');
      assert.equal(await statuses(), 'wait:completed after:completed');
    } finally {
      gated.open();
      await gated.done.catch(() => undefined);
    }
  });

  it('lists schedules with their next five fire times, and enables and disables one with an audit entry', async () => {
    const list = await studio.get('/schedules');
    const nightly = list.items[0];
    assert.equal(nightly.triggerText, 'cron 0 4 * * * (UTC)');
    assert.equal(nightly.nextFireTimes.length, 5);
    for (const t of nightly.nextFireTimes) assert.match(t, /T04:00:00\.000Z$/);
    const off = await studio.call('PUT', '/schedules/nightly/enabled', { enabled: false });
    assert.equal(off.json.enabled, false);
    assert.deepEqual(off.json.nextFireTimes, []);
    assert.equal((await studio.call('PUT', '/schedules/nightly/enabled', { enabled: 'no' })).status, 400);
    const on = await studio.call('PUT', '/schedules/nightly/enabled', { enabled: true });
    assert.equal(on.json.nextFireTimes.length, 5);
    const [enable, disable] = (await studio.get('/audit?action=schedule.')).items;
    assert.equal(enable.action, 'schedule.enable');
    assert.deepEqual(disable.detail, { from: true, to: false });
  });
});

describe('request rates', () => {
  it('count completed requests into buckets over the window, errors by class, other lines left out', () => {
    const now = 600_000;
    const line = (time: number, statusCode: number, msg = 'request completed') =>
      JSON.stringify({ time, statusCode, msg });
    const rates = countRates(
      'blue',
      [
        line(now - 50_000, 200),
        line(now - 10_000, 200),
        line(now - 10_000, 503),
        line(now - 5_000, 404),
        line(now - 5_000, 500, 'request failed'),
        'not json',
        line(now - 400_000, 200),
      ],
      { now, minutes: 2, bucketSeconds: 60 },
    );
    assert.equal(rates.buckets.length, 2);
    assert.deepEqual(
      rates.buckets.map((b) => [b.requests, b.clientErrors, b.serverErrors]),
      [
        [0, 0, 0],
        [4, 1, 1],
      ],
    );
    assert.equal(rates.requests, 4);
    assert.equal(rates.errors, 2);
    assert.equal(rates.perSecond, 4 / 120);
  });
});
