import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { resolveEnvironment } from '../environment/resolve.ts';
import { resolveDataInput } from '../registry/data-input.ts';
import { datastorePath, parseDataReference } from '../registry/data-paths.ts';
import { getDatastore, WORKSPACE_BLOB_STORE } from '../registry/datastores.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { Run } from '../tracking/types.ts';
import { runCommandStep } from './command-step.ts';
import { PATH_TYPES, type PortType } from './component.ts';
import { componentHash } from './component-registry.ts';
import { contentHash, jsonHash } from './content-hash.ts';
import type { EnvironmentResolver, StepEnvironment } from './environments.ts';
import { TAG } from './job-tags.ts';
import type { PipelineSpec, StepInput, StepSpec } from './pipeline-spec.ts';
import { lookupStep, recordStep } from './step-cache.ts';
import type { StepExecutor } from './step-context.ts';

/** How a step of a pipeline run ended. */
export type StepStatus = 'completed' | 'reused' | 'failed' | 'skipped' | 'canceled';

/** One step's result. */
export interface StepResult {
  readonly name: string;
  readonly status: StepStatus;
  /** Its child run (absent for a step skipped before it had one). */
  readonly runId?: string;
  /** For a reused step: the run whose outputs it kept. */
  readonly reusedFrom?: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly message?: string;
  readonly durationMs: number;
}

/** A pipeline run's result. */
export interface PipelineResult {
  readonly runId: string;
  readonly status: 'completed' | 'failed' | 'canceled';
  readonly steps: readonly StepResult[];
  /** Pipeline output name -> path. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
  /** Wall time of the run, from the parent run's start to its end. */
  readonly durationMs: number;
}

/** Options of runPipeline. */
export interface RunPipelineOptions {
  readonly store: SqliteStore;
  /** Most steps running at once (default: the machine's cores). */
  readonly maxParallel?: number;
  /** Builds a component's environment (default: src/environment's resolveEnvironment on this store). */
  readonly resolveEnvironment?: EnvironmentResolver;
  /** Continue this pipeline run: steps that finished in it are kept, the rest run. */
  readonly resume?: string;
  /** Stops every running step (Ctrl-C): the run ends canceled. */
  readonly signal?: AbortSignal;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** How often the store is read for a cancel request, ms (default 500). */
  readonly cancelPollMs?: number;
  /** Milliseconds between SIGTERM and SIGKILL of a stopped step (default 5000). */
  readonly graceMs?: number;
  /** Called once the pipeline run exists (before any step starts). */
  readonly onStarted?: (runId: string) => void;
  /** Extra tags for the pipeline run (the published pipeline it came from, a schedule). */
  readonly tags?: Readonly<Record<string, string>>;
  /** `--set` overrides as given, recorded for resume. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Executors by step type; command is built in, sweep and automl are added by the caller. */
  readonly executors?: Partial<Record<StepSpec['type'], StepExecutor>>;
}

interface Resolved {
  readonly value: string | number | boolean;
  /** What the cache key sees: the value, or the content hash of a path. */
  readonly key: unknown;
}

/**
 * Runs a validated pipeline as a DAG: a parent run in the store, one child run per step
 * with its logs (artifacts `logs/stdout.log`, `logs/stderr.log`), inputs as params and
 * outputs as tags. Independent steps run in parallel up to `maxParallel`. A step whose
 * component, environment, input contents and command are unchanged is reused from the
 * cache (unless `force_rerun` or `is_deterministic: false`). A failed step skips its
 * dependants and, without `continue_on_step_failure`, stops the rest. Inputs and
 * environments are resolved before any step starts, so a missing file fails fast.
 *
 * @example
 * const result = await runPipeline(readPipelineFile('pipeline.yml', { store }), { store });
 * result.status; // 'completed'
 */
export async function runPipeline(spec: PipelineSpec, options: RunPipelineOptions): Promise<PipelineResult> {
  const { store } = options;
  const began = Date.now();
  const log = options.log ?? (() => {});
  const maxParallel = Math.max(1, options.maxParallel ?? availableParallelism());
  const executors: Partial<Record<StepSpec['type'], StepExecutor>> = {
    command: runCommandStep,
    ...options.executors,
  };
  for (const name of spec.order) {
    const type = spec.jobs[name]!.type;
    if (!executors[type])
      throw new ValidationError(`step ${name}: ${type} steps cannot run here`, { path: `jobs.${name}` });
  }

  // Before any work: pipeline inputs and environments.
  const pipelineInputs = resolvePipelineInputs(spec, store);
  const environments = await resolveEnvironments(
    spec,
    options.resolveEnvironment ??
      ((ref, { cwd }) => resolveEnvironment(ref, { store, cwd, onNotice: (m) => log(`note: ${m}`) })),
  );
  const datastore = spec.settings.defaultDatastore ?? WORKSPACE_BLOB_STORE;
  const datastoreRoot = getDatastore(store, datastore).path;

  const parent = openParentRun(spec, options);
  options.onStarted?.(parent.id);
  const previous = options.resume ? finishedSteps(store, parent.id) : new Map<string, Run>();
  log(`pipeline run ${parent.id} (${spec.displayName}): ${spec.order.length} steps`);

  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const poll = setInterval(() => {
    try {
      if (store.run(parent.id).tags[TAG.cancel] === 'true') controller.abort();
    } catch {
      // A store busy for a moment is read again at the next poll.
    }
  }, options.cancelPollMs ?? 500);

  const results = new Map<string, StepResult>();
  const running = new Map<string, Promise<void>>();
  let failed = false;
  const graceMs = options.graceMs ?? 5000;

  const finish = (name: string, result: StepResult) => {
    results.set(name, result);
    if (result.status === 'failed' && !spec.settings.continueOnStepFailure) {
      failed = true;
      controller.abort();
    }
  };

  const startStep = async (step: StepSpec): Promise<void> => {
    const started = Date.now();
    try {
      finish(step.name, await executeStep(step));
    } catch (error) {
      finish(step.name, {
        name: step.name,
        status: 'failed',
        outputs: {},
        message: (error as Error).message,
        durationMs: Date.now() - started,
      });
    }
  };

  // a step's run: a child of the pipeline's run, tagged with the step it is
  const stepRun = (step: StepSpec, tags: Record<string, string>) =>
    store.createRun({
      experiment: parent.experimentId,
      parentRunId: parent.id,
      name: step.name,
      tags: { [TAG.type]: 'pipeline_step', [TAG.step]: step.name, [TAG.stepType]: step.type, ...tags },
    });

  const executeStep = async (step: StepSpec): Promise<StepResult> => {
    const started = Date.now();
    const inputs = resolveStepInputs(step, spec, pipelineInputs, results, store);
    const environment = environments.get(step.name);
    const key = stepKey(step, inputs, environment, executors[step.type]!.cacheKey?.(step, store));
    const reuse = previous.get(step.name);
    const cached =
      reuse !== undefined
        ? { runId: reuse.id, outputs: JSON.parse(reuse.tags[TAG.outputs] ?? '{}') as Record<string, string> }
        : !spec.settings.forceRerun && step.component?.isDeterministic !== false
          ? lookupStep(store, key)
          : undefined;
    const values = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.value]));
    const child = stepRun(step, {
      [TAG.cacheKey]: key,
      ...(step.componentSource ? { [TAG.component]: step.componentSource } : {}),
      ...(environment
        ? {
            'mlsweep.environment.name': environment.name,
            'mlsweep.environment.version': environment.version,
            'mlsweep.environment.hash': environment.hash,
          }
        : {}),
    });
    try {
      store.logParams(
        child.id,
        Object.fromEntries(Object.entries(values).map(([k, v]) => [`inputs.${k}`, String(v).slice(0, 6000)])),
      );
    } catch {
      // Params are for reading; a value the store refuses must not fail the step.
    }
    if (cached) {
      log(`[${step.name}] reused from run ${cached.runId}`);
      const outputs = cached.outputs;
      publishOutputs(step, outputs, spec, store);
      store.setTags(child.id, {
        [TAG.status]: 'reused',
        [TAG.reusedFrom]: cached.runId,
        [TAG.outputs]: JSON.stringify(outputs),
      });
      store.setRunStatus(child.id, 'FINISHED');
      return {
        name: step.name,
        status: 'reused',
        runId: child.id,
        reusedFrom: cached.runId,
        outputs,
        durationMs: Date.now() - started,
      };
    }
    const outputs: Record<string, string> = {};
    for (const [name, port] of Object.entries(step.outputs)) {
      const path = join(datastoreRoot, 'azureml', child.id, name);
      if (port.type === 'uri_file') mkdirSync(dirname(path), { recursive: true });
      else mkdirSync(path, { recursive: true });
      outputs[name] = path;
    }
    const logDir = join(child.artifactDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    store.setTags(child.id, { [TAG.status]: 'running', [TAG.outputs]: JSON.stringify(outputs) });
    log(`[${step.name}] running (run ${child.id})`);
    const outcome = await executors[step.type]!({
      step,
      store,
      runId: child.id,
      inputs: values,
      outputs,
      ...(environment ? { environment } : {}),
      logDir,
      signal: controller.signal,
      graceMs,
      log,
    });
    const durationMs = Date.now() - started;
    if (!outcome.ok) {
      const status: StepStatus = outcome.stopped ? 'canceled' : 'failed';
      store.setTags(child.id, { [TAG.status]: status, [TAG.message]: outcome.message.slice(0, 4000) });
      store.setRunStatus(child.id, status === 'canceled' ? 'KILLED' : 'FAILED');
      log(`[${step.name}] ${status}: ${outcome.message}`);
      return { name: step.name, status, runId: child.id, outputs, message: outcome.message, durationMs };
    }
    recordStep(store, key, { runId: child.id, outputs });
    publishOutputs(step, outputs, spec, store);
    store.setTags(child.id, { [TAG.status]: 'completed' });
    store.setRunStatus(child.id, 'FINISHED');
    log(`[${step.name}] completed in ${(durationMs / 1000).toFixed(1)} s`);
    return { name: step.name, status: 'completed', runId: child.id, outputs, durationMs };
  };

  const skip = (step: StepSpec, why: string, status: StepStatus = 'skipped') => {
    const child = stepRun(step, { [TAG.status]: status, [TAG.message]: why });
    store.setRunStatus(child.id, 'KILLED');
    log(`[${step.name}] ${status}: ${why}`);
    results.set(step.name, {
      name: step.name,
      status,
      runId: child.id,
      outputs: {},
      message: why,
      durationMs: 0,
    });
  };

  try {
    for (;;) {
      let progressed = false;
      for (const name of spec.order) {
        if (results.has(name) || running.has(name)) continue;
        const step = spec.jobs[name]!;
        const deps = step.dependsOn.map((d) => results.get(d));
        const bad = step.dependsOn.find((d) => {
          const s = results.get(d)?.status;
          return s === 'failed' || s === 'skipped' || s === 'canceled';
        });
        if (bad !== undefined) {
          skip(step, `step ${bad} did not complete`);
          progressed = true;
          continue;
        }
        if (controller.signal.aborted) {
          skip(
            step,
            failed ? 'a step failed (continue_on_step_failure is off)' : 'the pipeline was canceled',
            failed ? 'skipped' : 'canceled',
          );
          progressed = true;
          continue;
        }
        if (deps.some((d) => d === undefined) || running.size >= maxParallel) continue;
        const promise = startStep(step).finally(() => running.delete(name));
        running.set(name, promise);
        progressed = true;
      }
      if (results.size === spec.order.length) break;
      if (running.size > 0) await Promise.race(running.values());
      else if (!progressed) throw new Error('the pipeline scheduler made no progress (a bug)');
    }
  } finally {
    clearInterval(poll);
    options.signal?.removeEventListener('abort', stop);
  }

  const steps = spec.order.map((n) => results.get(n)!);
  const anyFailed = steps.some((s) => s.status === 'failed');
  const canceled = !anyFailed && steps.some((s) => s.status === 'canceled');
  const status: PipelineResult['status'] = anyFailed ? 'failed' : canceled ? 'canceled' : 'completed';
  const outputs: Record<string, string> = {};
  for (const step of steps) {
    for (const [name, port] of Object.entries(spec.jobs[step.name]!.outputs)) {
      if (port.parentOutput !== undefined && step.outputs[name] !== undefined) {
        outputs[port.parentOutput] =
          pipelineOutputPath(spec, port.parentOutput, store) ?? step.outputs[name]!;
      }
    }
  }
  store.setTags(parent.id, { [TAG.status]: status, [TAG.outputs]: JSON.stringify(outputs) });
  store.setRunStatus(
    parent.id,
    status === 'completed' ? 'FINISHED' : status === 'failed' ? 'FAILED' : 'KILLED',
  );
  log(`pipeline run ${parent.id} ${status}`);
  return { runId: parent.id, status, steps, outputs, notes: spec.notes, durationMs: Date.now() - began };
}

function openParentRun(spec: PipelineSpec, options: RunPipelineOptions): Run {
  const { store } = options;
  const tags = {
    [TAG.type]: 'pipeline',
    [TAG.file]: resolve(spec.file),
    [TAG.displayName]: spec.displayName,
    [TAG.status]: 'running',
    [TAG.cancel]: 'false',
    [TAG.pid]: String(process.pid),
    [TAG.host]: hostname(),
    [TAG.overrides]: JSON.stringify(options.overrides ?? {}),
    ...(spec.description ? { 'mlflow.note.content': spec.description } : {}),
    ...options.tags,
  };
  if (options.resume !== undefined) {
    const run = store.run(options.resume);
    if (run.tags[TAG.type] !== 'pipeline') {
      throw new ValidationError(`run ${options.resume} is not a pipeline job`, {
        path: '--resume',
        code: 'E_NOT_FOUND',
      });
    }
    store.setTags(run.id, { ...tags, [TAG.resumedAt]: String(Date.now()) });
    store.setRunStatus(run.id, 'RUNNING');
    return store.run(run.id);
  }
  return store.createRun({ experiment: spec.experimentName ?? 'pipelines', name: spec.displayName, tags });
}

/** The latest finished attempt of each step of a pipeline run. */
function finishedSteps(store: SqliteStore, runId: string): Map<string, Run> {
  const out = new Map<string, Run>();
  for (const child of store.childRuns(runId)) {
    const step = child.tags[TAG.step];
    if (step !== undefined && child.status === 'FINISHED') out.set(step, child);
  }
  return out;
}

function resolvePath(type: PortType, ref: string, baseDir: string, store: SqliteStore): string {
  const parsed = parseDataReference(ref);
  if (
    parsed.form === 'asset' ||
    parsed.form === 'latest' ||
    type === 'uri_file' ||
    type === 'uri_folder' ||
    type === 'mltable'
  ) {
    if (parsed.form === 'datastore') return datastorePath(store, parsed.datastore, parsed.path);
    return resolveDataInput(ref, { store, cwd: baseDir }).path;
  }
  if (parsed.form === 'datastore') return datastorePath(store, parsed.datastore, parsed.path);
  const path = isAbsolute(ref) ? ref : resolve(baseDir, ref);
  if (!existsSync(path))
    throw new ValidationError(`${ref} does not exist (read from ${baseDir})`, { path: 'inputs' });
  return path;
}

function pathInput(type: PortType, ref: string, baseDir: string, store: SqliteStore): Resolved {
  const path = resolvePath(type, ref, baseDir, store);
  return { value: path, key: { type, hash: contentHash(path) } };
}

function resolvePipelineInputs(spec: PipelineSpec, store: SqliteStore): Map<string, Resolved> {
  const out = new Map<string, Resolved>();
  for (const [name, input] of Object.entries(spec.inputs)) {
    try {
      out.set(
        name,
        PATH_TYPES.includes(input.type)
          ? pathInput(input.type, String(input.value), spec.baseDir, store)
          : { value: input.value, key: input.value },
      );
    } catch (error) {
      throw new ValidationError(`${spec.file}: inputs.${name}: ${(error as Error).message}`, {
        path: `inputs.${name}`,
      });
    }
  }
  return out;
}

async function resolveEnvironments(
  spec: PipelineSpec,
  resolver: EnvironmentResolver,
): Promise<Map<string, StepEnvironment>> {
  const out = new Map<string, StepEnvironment>();
  for (const name of spec.order) {
    const component = spec.jobs[name]!.component;
    if (component?.environment === undefined) continue;
    try {
      out.set(name, await resolver(component.environment, { cwd: component.baseDir }));
    } catch (error) {
      throw new ValidationError(
        `step ${name}: its environment cannot be built: ${(error as Error).message}`,
        {
          path: `jobs.${name}.environment`,
          code: 'E_ENVIRONMENT',
        },
      );
    }
  }
  return out;
}

function resolveStepInputs(
  step: StepSpec,
  spec: PipelineSpec,
  pipelineInputs: Map<string, Resolved>,
  results: Map<string, StepResult>,
  store: SqliteStore,
): Record<string, Resolved> {
  const out: Record<string, Resolved> = {};
  for (const [name, input] of Object.entries(step.inputs))
    out[name] = resolveOne(input, spec, pipelineInputs, results, store);
  for (const [name, port] of Object.entries(step.component?.inputs ?? {})) {
    if (out[name] === undefined && port.default !== undefined)
      out[name] = { value: port.default, key: port.default };
  }
  return out;
}

function resolveOne(
  input: StepInput,
  spec: PipelineSpec,
  pipelineInputs: Map<string, Resolved>,
  results: Map<string, StepResult>,
  store: SqliteStore,
): Resolved {
  if (input.kind === 'literal') return { value: input.value, key: input.value };
  if (input.kind === 'path') return pathInput(input.type, input.path, spec.baseDir, store);
  const b = input.binding;
  if (b.kind === 'parent-input') return pipelineInputs.get(b.name)!;
  if (b.kind === 'step-output') {
    const path = results.get(b.step)!.outputs[b.output]!;
    return { value: path, key: { hash: contentHash(path) } };
  }
  throw new ValidationError(`${input.text} cannot be read by a step`);
}

/**
 * A step's cache key: its component's content hash, its environment's hash, its command
 * template, every input's value or content hash, its outputs' names and types, the
 * sweep or AutoML settings, and for a batch step its endpoint and what its executor says
 * the deployment is now; the step's name does not count.
 */
function stepKey(
  step: StepSpec,
  inputs: Record<string, Resolved>,
  environment: StepEnvironment | undefined,
  executorKey: unknown,
): string {
  return jsonHash({
    type: step.type,
    component: step.component ? componentHash(step.component) : null,
    environment: environment?.hash ?? null,
    inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.key])),
    outputs: Object.fromEntries(Object.entries(step.outputs).map(([k, v]) => [k, v.type])),
    variables: step.environmentVariables,
    timeout: step.timeoutSeconds ?? null,
    sweep: step.sweep ?? null,
    automl: step.automl ?? null,
    // absent (not null) for the other step types, so their keys stay as they were
    ...(step.batch !== undefined ? { batch: step.batch, deployment: executorKey ?? null } : {}),
  });
}

function pipelineOutputPath(spec: PipelineSpec, name: string, store: SqliteStore): string | undefined {
  const path = spec.outputs[name]?.path;
  if (path === undefined) return undefined;
  const parsed = parseDataReference(path);
  if (parsed.form === 'datastore') return datastorePath(store, parsed.datastore, parsed.path);
  return isAbsolute(path) ? path : resolve(spec.baseDir, path);
}

/** Copies a step's outputs bound to pipeline outputs with a path of their own there. */
function publishOutputs(
  step: StepSpec,
  outputs: Readonly<Record<string, string>>,
  spec: PipelineSpec,
  store: SqliteStore,
): void {
  for (const [name, port] of Object.entries(step.outputs)) {
    if (port.parentOutput === undefined) continue;
    const target = pipelineOutputPath(spec, port.parentOutput, store);
    const source = outputs[name];
    if (target === undefined || source === undefined || !existsSync(source)) continue;
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    cpSync(source, target, { recursive: true });
  }
}
