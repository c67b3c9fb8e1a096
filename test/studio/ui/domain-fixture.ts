// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
// A store filled through the real APIs for the studio's domain pages (a sweep with an
// early-terminated trial, an ask/tell study with two objectives, an AutoML job, the
// registry, an online endpoint with request logs, a batch endpoint, a pipeline job and a
// schedule), and a real studio server over it on 127.0.0.1 port 0.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { recordTrialRuns } from '../../../src/automl/track-job.ts';
import type { AutoMLResult } from '../../../src/automl/types.ts';
import { recordAutoMLRun } from '../../../src/cli/data-lineage.ts';
import { readPipelineFile } from '../../../src/pipeline/pipeline-spec.ts';
import { runPipeline } from '../../../src/pipeline/runner.ts';
import { ScheduleStore } from '../../../src/pipeline/schedules/index.ts';
import { BatchEndpointStore } from '../../../src/registry/batch-endpoint-store.ts';
import { EndpointStore } from '../../../src/registry/endpoint-store.ts';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
  DEFAULT_PROBE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type DeploymentSpec,
} from '../../../src/registry/endpoint-types.ts';
import { ModelRegistry } from '../../../src/registry/model-registry.ts';
import { BATCH_ENDPOINT_TAG, BATCH_JOB_TYPE } from '../../../src/serve/batch/job.ts';
import { DEPLOYMENT_LOG_FOLDER } from '../../../src/serve/logs/deployment-logs.ts';
import { openSweepLocation } from '../../../src/store/open-location.ts';
import { SqliteSweepStore } from '../../../src/store/sqlite-sweep-store.ts';
import { POLICY_TAG, SWEEP_TYPE_TAG } from '../../../src/store/tags.ts';
import { registerStudio, type StudioHandle } from '../../../src/studio/ui/plugin.ts';
import { Study } from '../../../src/study/study.ts';
import { sweep } from '../../../src/sweep/index.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { scheduleSpec } from '../../pipeline/schedules/helpers.ts';
import { listSampler } from '../../sweep/helpers.ts';

/** A JSON answer, read field by field by the tests. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions, not types
export type Json = any;

/** What the fixture made, by the ids the tests ask for. */
export interface DomainIds {
  readonly sweepId: string;
  readonly studyId: string;
  readonly automlId: string;
  readonly pipelineId: string;
}

/** A running studio over the filled store. */
export interface DomainStudio {
  readonly app: FastifyInstance;
  readonly handle: StudioHandle;
  readonly url: string;
  readonly dir: string;
  readonly storeDir: string;
  /** The server's own store handle. */
  readonly store: SqliteStore;
  readonly ids: DomainIds;
  /** Calls `/studio/api<path>`: status and JSON; writes carry the studio header unless `bare`. */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { bare?: boolean },
  ): Promise<{ status: number; json: Json }>;
  /** A GET that must answer 200; its JSON. */
  get(path: string): Promise<Json>;
  close(): Promise<void>;
}

const objective = { goal: 'maximize', primaryMetric: 'acc' } as const;

const COPY = `name: copy
inputs:
  src: { type: uri_file }
  suffix: { type: string, default: "" }
outputs:
  out: { type: uri_folder }
command: cat \${{inputs.src}} > \${{outputs.out}}/data.txt && printf '%s\\n' \${{inputs.suffix}} >> \${{outputs.out}}/data.txt && echo copied \${{inputs.suffix}}
`;
const JOIN = `name: join
inputs:
  a: { type: uri_folder }
  b: { type: uri_folder }
outputs:
  out: { type: uri_folder }
command: cat \${{inputs.a}}/data.txt \${{inputs.b}}/data.txt > \${{outputs.out}}/data.txt
`;
const PIPELINE = `type: pipeline
display_name: diamond
inputs:
  raw: { type: uri_file, path: ./raw.txt }
jobs:
  left:
    component: ./copy.yml
    inputs:
      src: \${{parent.inputs.raw}}
      suffix: left
  right:
    component: ./copy.yml
    inputs:
      src: \${{parent.inputs.raw}}
      suffix: right
  both:
    component: ./join.yml
    inputs:
      a: \${{parent.jobs.left.outputs.out}}
      b: \${{parent.jobs.right.outputs.out}}
`;

/**
 * A deployment spec with the defaults a YAML file gets.
 *
 * @example
 * deployment('blue');
 */
export function deployment(name: string, endpointName = 'iris'): DeploymentSpec {
  return {
    name,
    endpointName,
    description: '',
    tags: {},
    model: 'models:/iris@champion',
    instanceCount: 1,
    requestSettings: {
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      maxConcurrentRequestsPerInstance: DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    },
    livenessProbe: DEFAULT_PROBE,
    readinessProbe: DEFAULT_PROBE,
    scaleSettings: { type: 'default' },
  };
}

/** The sweep: x = 1 climbs to 0.9, x = 2 stays at 0.1 and is stopped by the bandit policy, x = 3 is best at 0.95. */
async function fillSweep(store: SqliteStore): Promise<string> {
  const policy = { type: 'bandit', slackFactor: 0.1 } as const;
  const sweepStore = SqliteSweepStore.create(store, {
    experiment: 'sweeps',
    name: 'climb',
    objective,
    tags: { [POLICY_TAG]: JSON.stringify(policy) },
  });
  await sweep({
    sampler: listSampler([{ x: 1 }, { x: 2 }, { x: 3 }]),
    objective,
    limits: { maxConcurrentTrials: 1 },
    earlyTermination: policy,
    failFast: false,
    store: sweepStore,
    trial: (p, ctx) => {
      const accs = p['x'] === 1 ? [0.5, 0.8, 0.9] : p['x'] === 2 ? [0.1, 0.1, 0.1] : [0.95, 0.95, 0.95];
      for (const a of accs) ctx.report('acc', a);
      return undefined;
    },
  });
  return sweepStore.sweepId;
}

/** The study: two objectives, (x - 1)² and (x + 1)², told for eight seeded x. */
async function fillStudy(storeDir: string): Promise<string> {
  const location = openSweepLocation(storeDir);
  try {
    const study = await Study.create({
      store: location,
      name: 'tradeoff',
      searchSpace: { x: { type: 'uniform', min_value: -2, max_value: 2 } },
      objectives: [
        { goal: 'minimize', primaryMetric: 'f1' },
        { goal: 'minimize', primaryMetric: 'f2' },
      ],
      seed: 4,
    });
    for (let i = 0; i < 8; i++) {
      const { trialId, params } = await study.ask();
      const x = Number(params['x']);
      await study.tell(trialId, [(x - 1) ** 2, (x + 1) ** 2]);
    }
    const id = study.id;
    await study.close();
    return id;
  } finally {
    await location.close();
  }
}

/** An AutoML job as `mlsweep automl --store` records it, with two trials and a result document. */
function fillAutoML(dir: string, storeDir: string): string {
  const modelFile = join(dir, 'model.json');
  writeFileSync(modelFile, JSON.stringify({ format: 'toy' }));
  const entry = (rank: number, trialId: number, model: string, score: number) => ({
    rank,
    trialId,
    model,
    params: { max_depth: rank + 2 },
    score,
    metrics: { accuracy: score, AUC_weighted: score - 0.01 },
    fitSeconds: 0.5 * rank,
    predictSeconds: 0.01,
  });
  const leaderboard = [entry(1, 1, 'RandomForest', 0.96), entry(2, 0, 'DecisionTree', 0.91)];
  const trial = (id: number, model: string, score: number) => ({
    id,
    params: { model: id, 'model.name': model, 'model.max_depth': 3 },
    status: 'completed' as const,
    value: score,
    intermediate: [],
    metrics: {},
    startedAt: new Date(1_000).toISOString(),
    endedAt: new Date(2_000).toISOString(),
    durationMs: 1000,
  });
  const result = {
    task: 'classification',
    primaryMetric: 'accuracy',
    goal: 'maximize',
    leaderboard,
    best: leaderboard[0]!,
    featureImportances: [
      { feature: 'petal_length', importance: 0.6 },
      { feature: 'sepal_width', importance: 0.1 },
    ],
    trials: [trial(0, 'DecisionTree', 0.91), trial(1, 'RandomForest', 0.96)],
    stopReason: 'max_trials',
    partial: false,
    notices: [],
    validation: '5-fold cross-validation',
    durationSeconds: 2,
  } as unknown as AutoMLResult;
  const resultFile = join(dir, 'result.json');
  writeFileSync(resultFile, JSON.stringify(result));
  return recordAutoMLRun({
    storeDir,
    experiment: 'automl',
    result,
    testMetrics: { accuracy: 0.95 },
    modelFile,
    inputs: [],
    companions: [resultFile],
    onRun: (s, runId) => recordTrialRuns(s, runId, result, { experiment: 'automl' }),
  }).runId;
}

/** Two versions of `iris`, @champion on version 1 (version 2 from a run). */
function fillRegistry(dir: string, store: SqliteStore): void {
  const file = join(dir, 'iris-model.json');
  writeFileSync(file, JSON.stringify({ format: 'toy', version: 1 }));
  const registry = new ModelRegistry({ store });
  registry.register('iris', { file }, { metrics: { accuracy: 0.9 }, tags: { team: 'ml' } });
  const run = store.createRun({ experiment: 'training', name: 'train-iris' });
  store.logArtifact(run.id, file, 'model');
  registry.register(
    'iris',
    { runId: run.id, artifactPath: 'model/iris-model.json' },
    { metrics: { accuracy: 0.95 } },
  );
  registry.setAlias('iris', 'champion', 1);
}

/** `iris` with blue (all traffic) and green, blue's log with requests in the last minutes; a batch endpoint with a job. */
function fillEndpoints(store: SqliteStore, storeDir: string, now: number): void {
  const endpoints = new EndpointStore({ store });
  endpoints.createOrUpdateEndpoint(
    {
      name: 'iris',
      description: 'iris classifier',
      tags: {},
      authMode: 'key',
      traffic: {},
      mirrorTraffic: {},
    },
    { mode: 'create' },
  );
  endpoints.createOrUpdateDeployment(deployment('blue'), { allTraffic: true });
  endpoints.createOrUpdateDeployment(deployment('green'));
  const folder = join(storeDir, DEPLOYMENT_LOG_FOLDER, 'iris', 'blue');
  mkdirSync(folder, { recursive: true });
  const line = (time: number, statusCode: number) =>
    `${JSON.stringify({ level: 30, time, endpoint: 'iris', deployment: 'blue', statusCode, msg: 'request completed' })}\n`;
  const lines = [
    ...Array.from({ length: 30 }, (_, i) => line(now - 90_000 + i * 1000, 200)),
    line(now - 30_000, 500),
    line(now - 20_000, 400),
    line(now - 2 * 3600_000, 200),
  ];
  writeFileSync(join(folder, 'server.log'), lines.join(''));
  const batch = new BatchEndpointStore({ store });
  batch.createOrUpdateEndpoint(
    { name: 'scores', description: 'nightly scoring', tags: {} },
    { mode: 'create' },
  );
  const job = store.createRun({
    experiment: 'batch',
    name: 'scores-job',
    tags: { [SWEEP_TYPE_TAG]: BATCH_JOB_TYPE, [BATCH_ENDPOINT_TAG]: 'scores' },
  });
  store.logMetrics(job.id, [{ key: 'rows', value: 150, step: 0, timestamp: now }]);
  store.setRunStatus(job.id, 'FINISHED', now);
}

/** The diamond pipeline run to completion. */
async function fillPipeline(dir: string, store: SqliteStore): Promise<string> {
  const files: Record<string, string> = {
    'copy.yml': COPY,
    'join.yml': JOIN,
    'raw.txt': 'hello\n',
    'p.yml': PIPELINE,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const result = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), {
    store,
    maxParallel: 2,
  });
  return result.runId;
}

/** A pipeline running on its own store connection, its first step held until `open()`. */
export interface GatedPipeline {
  /** The job's run, once started. */
  runId(): string | undefined;
  /** Lets the first step finish. */
  open(): void;
  /** Resolves with the job's status once it ended (the writer closed). */
  readonly done: Promise<string>;
}

/**
 * Starts the two-step pipeline `gated` (`wait` runs until `open()`, `after` reads its
 * output) as another writer would: its own connection to the store.
 *
 * @example
 * const gated = startGatedPipeline(studio, 'g1'); ... gated.open(); await gated.done;
 */
export function startGatedPipeline(studio: DomainStudio, label: string): GatedPipeline {
  const gate = join(studio.dir, `${label}-open`);
  const file = join(studio.dir, `${label}.yml`);
  writeFileSync(
    file,
    [
      'type: pipeline',
      `display_name: ${label}`,
      'jobs:',
      '  wait:',
      `    command: while [ ! -f ${gate} ]; do sleep 0.05; done; echo opened`,
      '    outputs: { out: { type: uri_folder } }',
      '  after:',
      '    command: echo after',
      '    inputs: { a: "${{parent.jobs.wait.outputs.out}}" }',
      '',
    ].join('\n'),
  );
  const writer = new SqliteStore({ dir: studio.storeDir });
  let runId: string | undefined;
  const done = runPipeline(readPipelineFile(file, { store: writer }), {
    store: writer,
    onStarted: (id) => {
      runId = id;
    },
  })
    .then((result) => result.status)
    .finally(() => writer.close());
  return { runId: () => runId, open: () => writeFileSync(gate, ''), done };
}

/**
 * Fills a new store and starts a studio over it (watcher off unless `watch` is given).
 *
 * @example
 * const studio = await startDomainStudio('sweeps');
 * const sweeps = await studio.get('/sweeps');
 */
export async function startDomainStudio(
  label: string,
  options: { watch?: { intervalMs: number } } = {},
): Promise<DomainStudio> {
  // Removed by close(): tempDir's after() would run at the end of a before() hook.
  const dir = mkdtempSync(join(tmpdir(), `mlsweep-studio-${label}-`));
  const storeDir = join(dir, 'mlruns');
  const now = Date.now();
  const seed = new SqliteStore({ dir: storeDir });
  let ids: DomainIds;
  try {
    const sweepId = await fillSweep(seed);
    fillRegistry(dir, seed);
    fillEndpoints(seed, storeDir, now);
    new ScheduleStore(seed).create(
      scheduleSpec('nightly', '  type: cron\n  expression: "0 4 * * *"\n', dir),
      now,
    );
    const pipelineId = await fillPipeline(dir, seed);
    ids = { sweepId, pipelineId, studyId: '', automlId: '' };
  } finally {
    seed.close();
  }
  ids = { ...ids, studyId: await fillStudy(storeDir), automlId: fillAutoML(dir, storeDir) };
  return openStudio(dir, ids, options);
}

/**
 * Starts a studio over the store `dir/mlruns` as it is (close() removes `dir`).
 *
 * @example
 * const studio = await openStudio(dir, { sweepId: '', studyId: '', automlId: '', pipelineId: '' });
 */
export async function openStudio(
  dir: string,
  ids: DomainIds,
  options: { watch?: { intervalMs: number } } = {},
): Promise<DomainStudio> {
  const storeDir = join(dir, 'mlruns');
  const store = new SqliteStore({ dir: storeDir });
  const app = Fastify({ logger: false });
  const handle = registerStudio(app, { store, watch: options.watch ?? false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const call = async (method: string, path: string, body?: unknown, callOptions: { bare?: boolean } = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && callOptions.bare !== true) headers['x-mlsweep-studio'] = '1';
    const response = await fetch(`${url}/studio/api${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : JSON.parse(text) };
  };
  return {
    app,
    handle,
    url,
    dir,
    storeDir,
    store,
    ids,
    call,
    async get(path) {
      const { status, json } = await call('GET', path);
      if (status !== 200) throw new Error(`GET ${path}: ${status} ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      handle.close();
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
