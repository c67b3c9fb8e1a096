/**
 * A scoring thread of one deployment (run by piscina, see pool.ts). It loads the model
 * once, and the deployment's scoring module when it has one (`init()` called once, with
 * `AZUREML_MODEL_DIR` set to the model's folder), then answers tasks: `describe` (the
 * model's schema, to check requests on the main thread), `score` (a batch of checked rows
 * to raw predictions, moved back without a copy) and `run` (a request body given to the
 * scoring module's `run`).
 */

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import { AutoMLPipeline, type SerializedPipeline } from '../automl/pipeline.ts';
import { ConfigError } from '../core/errors.ts';
import { type Column, Table } from '../data/table.ts';
import { useEnvironmentModules } from './env-modules.ts';
import { type ModelSchema, schemaOf } from './schema.ts';

/** What a deployment's threads are started with. */
export interface WorkerConfig {
  readonly modelFile: string;
  readonly modelDir: string;
  readonly scoringScript?: string;
  /** A Node environment's folder and the code folder whose bare imports resolve in it first (env-modules.ts). */
  readonly modules?: { readonly environmentDir: string; readonly codeDir: string };
}

/** The tasks a scoring thread answers. */
export type WorkerTask =
  | { readonly op: 'describe' }
  | {
      readonly op: 'score';
      readonly nRows: number;
      /** The numeric columns (schema order), column-major, `nRows` each. */
      readonly numbers: Float64Array;
      /** The string columns (schema order). */
      readonly strings: ReadonlyArray<ReadonlyArray<string | null>>;
    }
  | { readonly op: 'run'; readonly body: unknown };

/** The answer to `describe`. */
export interface WorkerDescription {
  readonly schema: ModelSchema;
  readonly hasScript: boolean;
}

interface ScoringModule {
  init?: () => unknown;
  run: (body: unknown) => unknown;
}

interface Loaded {
  readonly pipeline: AutoMLPipeline;
  readonly schema: ModelSchema;
  readonly script: ScoringModule | undefined;
}

const config = workerData as WorkerConfig;
let loading: Promise<Loaded> | undefined;

/**
 * Imports a scoring module; a TypeScript one through tsx when this process has no
 * TypeScript loader. Batch scoring threads (serve/batch/worker.ts) share it.
 *
 * @example
 * const mod = await importModule('/work/code/score.mjs'); // { init, run }
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !['.ts', '.mts', '.cts'].includes(extname(file)))
      throw error;
    // a worker thread does not inherit the parent's ESM hooks: load it through tsx's API
    let api: { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
    try {
      api = await import('tsx/esm/api');
    } catch {
      throw new Error(
        `the scoring module ${file} is TypeScript: install tsx beside mlsweep, or give a .js/.mjs module`,
      );
    }
    return await api.tsImport(url, import.meta.url);
  }
}

/**
 * The pipeline of the model file, its estimators set to one native thread each where they
 * had the default (every core): the pool's threads are the parallelism, and a kernel that
 * starts threads of its own on every call would oversubscribe the cores and pay the start
 * on every batch. Batch scoring threads share it.
 *
 * @example
 * loadPipeline('/work/model.json').predictRaw(table);
 */
export function loadPipeline(file: string): AutoMLPipeline {
  let json: SerializedPipeline;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as SerializedPipeline;
  } catch (cause) {
    throw new ConfigError(`cannot read the model file: ${(cause as Error).message}`, { file, cause });
  }
  const oneThread = (e: { params: Record<string, unknown> } | undefined) => {
    if (e && typeof e.params === 'object' && e.params !== null && (e.params.nThreads ?? null) === null) {
      e.params.nThreads = 1;
    }
  };
  if (Array.isArray(json?.members)) for (const m of json.members) oneThread(m?.estimator);
  oneThread(json?.stacker);
  return AutoMLPipeline.fromJSON(json, file);
}

async function load(): Promise<Loaded> {
  const pipeline = loadPipeline(config.modelFile);
  let script: ScoringModule | undefined;
  if (config.scoringScript !== undefined) {
    process.env.AZUREML_MODEL_DIR = config.modelDir;
    if (config.modules) useEnvironmentModules(config.modules.environmentDir, config.modules.codeDir);
    const mod = await importModule(config.scoringScript);
    const run = mod.run;
    if (typeof run !== 'function') {
      throw new Error(`the scoring module ${config.scoringScript} does not export a function run(body)`);
    }
    const init = mod.init;
    if (init !== undefined && typeof init !== 'function') {
      throw new Error(`the scoring module ${config.scoringScript} exports init, but it is not a function`);
    }
    script = { run: run as ScoringModule['run'] };
    if (init) await (init as () => unknown)();
  }
  return { pipeline, schema: schemaOf(pipeline), script };
}

function table(schema: ModelSchema, task: Extract<WorkerTask, { op: 'score' }>): Table {
  let k = 0;
  let t = 0;
  const n = task.nRows;
  return new Table(
    schema.inputs.map((c): Column => {
      if (c.kind === 'categorical' || c.kind === 'text')
        return { name: c.name, kind: c.kind, values: task.strings[t++]! };
      const values = task.numbers.subarray(k * n, (k + 1) * n);
      k++;
      return { name: c.name, kind: c.kind, values };
    }),
  );
}

/**
 * Answers one task of the deployment's pool.
 *
 * @example
 * await handle({ op: 'describe' }); // { schema: {...}, hasScript: false }
 */
export default async function handle(task: WorkerTask): Promise<unknown> {
  loading ??= load();
  const loaded = await loading;
  switch (task.op) {
    case 'describe':
      return { schema: loaded.schema, hasScript: loaded.script !== undefined } satisfies WorkerDescription;
    case 'score': {
      const raw = loaded.pipeline.predictRaw(table(loaded.schema, task));
      // moved, not copied, when the array owns its whole buffer (a view is copied first)
      const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice();
      return move(own);
    }
    case 'run':
      if (!loaded.script) throw new Error('this deployment has no scoring module');
      return await loaded.script.run(task.body);
  }
}
