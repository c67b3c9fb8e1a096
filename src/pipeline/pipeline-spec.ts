import { dirname, resolve } from 'node:path';
import { ConfigError, ValidationError } from '../core/errors.ts';
import { isGoal } from '../core/goal.ts';
import { BatchEndpointStore } from '../registry/batch-endpoint-store.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import {
  type ComponentSpec,
  type Literal,
  literalProblem,
  PATH_TYPES,
  PORT_TYPES,
  type PortType,
  parseComponent,
} from './component.ts';
import { resolveComponentRef } from './component-registry.ts';
import { topologicalOrder } from './dag.ts';
import { isMapping, parseYamlDoc, readYamlDoc, type YamlDoc, type YamlPath } from './yaml-doc.ts';

/** What a `${{parent....}}` binding points at. */
export type Binding =
  | { readonly kind: 'parent-input'; readonly name: string }
  | { readonly kind: 'step-output'; readonly step: string; readonly output: string }
  | { readonly kind: 'parent-output'; readonly name: string };

/** A step input: a literal, a path (read from `baseDir`), or a binding. */
export type StepInput =
  | { readonly kind: 'literal'; readonly value: Literal }
  | { readonly kind: 'path'; readonly type: PortType; readonly path: string }
  | { readonly kind: 'binding'; readonly binding: Binding; readonly text: string };

/** A pipeline-level input: a literal or a path, with its type. */
export interface PipelineInput {
  readonly type: PortType;
  /** The literal, or the path as written (relative to the pipeline file, or an azureml: reference). */
  readonly value: Literal;
}

/** A pipeline-level output: where a step's output is copied once the step has made it. */
export interface PipelineOutput {
  readonly type: PortType;
  /** A path or `azureml://datastores/<name>/paths/<path>`; absent: the step's own output path. */
  readonly path?: string;
}

/** The settings a local pipeline run honours. */
export interface PipelineSettings {
  readonly continueOnStepFailure: boolean;
  readonly forceRerun: boolean;
  readonly defaultDatastore?: string;
}

/** A sweep step's search over its trial component's inputs (Azure's sweep fields, as written). */
export interface SweepStepSpec {
  readonly searchSpace: Readonly<Record<string, unknown>>;
  readonly samplingAlgorithm: unknown;
  readonly objective: { readonly goal: 'maximize' | 'minimize'; readonly primaryMetric: string };
  readonly limits: Readonly<Record<string, unknown>>;
  readonly earlyTermination?: unknown;
}

/** An AutoML step's fields (Azure's AutoML job fields, as written). */
export interface AutoMLStepSpec {
  readonly task: 'classification' | 'regression';
  readonly targetColumnName: string;
  readonly primaryMetric?: string;
  readonly limits: Readonly<Record<string, unknown>>;
  readonly allowedTrainingAlgorithms?: readonly string[];
  readonly seed?: number;
}

/**
 * A batch scoring step's target (an mlsweep extension: Azure pipelines score in batch with
 * a command or parallel step, not by invoking an endpoint): a registered batch endpoint and
 * optionally one of its deployments (default: the endpoint's default deployment).
 */
export interface BatchEndpointStepSpec {
  readonly endpoint: string;
  readonly deployment?: string;
}

/** The input a batch_endpoint step scores, and the output its predictions go to (Azure's batch job names). */
export const BATCH_STEP_INPUT = 'input_data';
/** The output folder of a batch_endpoint step (as an Azure batch job's `score` output). */
export const BATCH_STEP_OUTPUT = 'score';

/** One step of a pipeline, validated. */
export interface StepSpec {
  readonly name: string;
  readonly type: 'command' | 'sweep' | 'automl' | 'batch_endpoint';
  /** The component a command step runs, or a sweep step's trial; absent for AutoML. */
  readonly component?: ComponentSpec;
  /** Where the component came from: a file path, `azureml:name:version`, `inline`. */
  readonly componentSource?: string;
  readonly inputs: Readonly<Record<string, StepInput>>;
  /** Output name -> the pipeline output it is bound to, if any. */
  readonly outputs: Readonly<Record<string, { readonly type: PortType; readonly parentOutput?: string }>>;
  /** The steps whose outputs it reads. */
  readonly dependsOn: readonly string[];
  /** `limits.timeout`, seconds. */
  readonly timeoutSeconds?: number;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly sweep?: SweepStepSpec;
  readonly automl?: AutoMLStepSpec;
  readonly batch?: BatchEndpointStepSpec;
}

/** A pipeline job, validated: every binding, component and required input checked. */
export interface PipelineSpec {
  readonly file: string;
  /** The folder relative paths are read from. */
  readonly baseDir: string;
  readonly displayName: string;
  readonly experimentName?: string;
  readonly description?: string;
  readonly inputs: Readonly<Record<string, PipelineInput>>;
  readonly outputs: Readonly<Record<string, PipelineOutput>>;
  readonly settings: PipelineSettings;
  readonly jobs: Readonly<Record<string, StepSpec>>;
  /** The steps in an order that respects their dependencies. */
  readonly order: readonly string[];
  /** Fields accepted and not used locally, as notes for the user. */
  readonly notes: readonly string[];
}

/** What parsing a pipeline needs: a store for azureml: references, and input overrides. */
export interface ParsePipelineOptions {
  readonly store?: SqliteStore;
  /** `--set inputs.x=value` overrides, by input name (values already typed). */
  readonly overrides?: Readonly<Record<string, Literal>>;
}

const STEP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BINDING = /^\$\{\{\s*parent\.(inputs|outputs)\.([A-Za-z0-9_]+)\s*\}\}$/;
const STEP_BINDING = /^\$\{\{\s*parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_]+)\s*\}\}$/;
const PIPELINE_KEYS = new Set([
  '$schema',
  'type',
  'name',
  'display_name',
  'description',
  'experiment_name',
  'inputs',
  'outputs',
  'settings',
  'jobs',
  'tags',
  'compute',
]);
const STEP_COMMON = [
  'type',
  'component',
  'inputs',
  'outputs',
  'limits',
  'environment_variables',
  'display_name',
  'description',
  'compute',
  'tags',
  'resources',
];
const SWEEP_KEYS = ['trial', 'search_space', 'sampling_algorithm', 'objective', 'early_termination'];
const AUTOML_KEYS = [
  'task',
  'training_data',
  'validation_data',
  'test_data',
  'target_column_name',
  'primary_metric',
  'training',
  'featurization',
  'log_verbosity',
  'n_cross_validations',
];
const INLINE_KEYS = ['command', 'code', 'environment', 'is_deterministic'];
const BATCH_KEYS = ['endpoint', 'deployment'];

/**
 * Reads and validates a pipeline job file (see parsePipeline).
 *
 * @example
 * const spec = readPipelineFile('pipeline.yml', { store });
 * spec.order; // ['prep', 'train', 'score']
 */
export function readPipelineFile(file: string, options: ParsePipelineOptions = {}): PipelineSpec {
  return parsePipeline(readYamlDoc(file), dirname(resolve(file)), options);
}

/**
 * Parses and validates a pipeline job from its text: every step's component resolved,
 * every binding pointing at a known input, step or output, no cycle, every required
 * component input given, literal types checked. Nothing runs before all of this passes;
 * each mistake is a ConfigError at its file:line:col naming the step and the binding.
 *
 * @example
 * const spec = parsePipelineText(text, 'pipeline.yml', '/work/example');
 */
export function parsePipelineText(
  text: string,
  file: string,
  baseDir: string,
  options: ParsePipelineOptions = {},
): PipelineSpec {
  return parsePipeline(parseYamlDoc(text, file), baseDir, options);
}

function parsePipeline(doc: YamlDoc, baseDir: string, options: ParsePipelineOptions): PipelineSpec {
  const value = doc.value;
  if (!isMapping(value)) throw doc.error([], 'a pipeline job must be a mapping');
  const notes: string[] = [];
  for (const key of Object.keys(value)) {
    if (!PIPELINE_KEYS.has(key)) throw doc.error([key], `unknown key '${key}' in a pipeline job`);
  }
  if (value['type'] !== 'pipeline') {
    throw doc.error(['type'], `a pipeline job has type: pipeline, got ${JSON.stringify(value['type'])}`);
  }
  if (value['compute'] !== undefined) notes.push('compute is ignored: steps run on this machine');
  const inputs = parsePipelineInputs(value['inputs'], doc, options.overrides ?? {});
  const outputs = parsePipelineOutputs(value['outputs'], doc);
  const settings = parseSettings(value['settings'], doc, notes);
  const rawJobs = value['jobs'];
  if (!isMapping(rawJobs) || Object.keys(rawJobs).length === 0) {
    throw doc.error(['jobs'], 'a pipeline job needs jobs: a mapping of step names to steps');
  }
  const jobs: Record<string, StepSpec> = {};
  for (const [name, raw] of Object.entries(rawJobs)) {
    if (!STEP_NAME.test(name)) throw doc.error(['jobs', name], `step name '${name}' must be an identifier`);
    jobs[name] = parseStep(name, raw, doc, baseDir, options.store);
  }
  // Bindings: every one names something that exists (checked before any step runs).
  const boundOutputs = new Map<string, string>();
  for (const step of Object.values(jobs)) {
    for (const [input, given] of Object.entries(step.inputs)) {
      if (given.kind !== 'binding') continue;
      const at: YamlPath = ['jobs', step.name, 'inputs', input];
      const b = given.binding;
      if (b.kind === 'parent-input' && !(b.name in inputs)) {
        throw doc.error(
          at,
          `step ${step.name}: ${given.text} names no pipeline input (the pipeline has ${names(inputs)})`,
        );
      }
      if (b.kind === 'parent-input') {
        // A literal reaching a typed port is checked here, not found out by the command.
        const port = step.component?.inputs[input];
        const source = inputs[b.name]!;
        const problem =
          port && !PATH_TYPES.includes(port.type) && !PATH_TYPES.includes(source.type)
            ? literalProblem(port.type, source.value)
            : undefined;
        if (problem) {
          throw doc.error(
            at,
            `step ${step.name}: input ${input} (${port!.type}) gets ${given.text}: ${problem}`,
          );
        }
      }
      if (b.kind === 'parent-output') {
        throw doc.error(at, `step ${step.name}: an input cannot read ${given.text}, a pipeline output`);
      }
      if (b.kind === 'step-output') {
        const source = jobs[b.step];
        if (!source) {
          throw doc.error(
            at,
            `step ${step.name}: ${given.text} names no step '${b.step}' (steps: ${names(jobs)})`,
          );
        }
        if (!(b.output in source.outputs)) {
          throw doc.error(
            at,
            `step ${step.name}: ${given.text}: step ${b.step} has no output '${b.output}' (its outputs: ${names(source.outputs)})`,
          );
        }
      }
    }
    for (const [output, bound] of Object.entries(step.outputs)) {
      if (bound.parentOutput === undefined) continue;
      const at: YamlPath = ['jobs', step.name, 'outputs', output];
      if (!(bound.parentOutput in outputs)) {
        throw doc.error(
          at,
          `step ${step.name}: \${{parent.outputs.${bound.parentOutput}}} names no pipeline output (the pipeline has ${names(outputs)})`,
        );
      }
      const other = boundOutputs.get(bound.parentOutput);
      if (other !== undefined) {
        throw doc.error(at, `pipeline output ${bound.parentOutput} is bound twice (also by ${other})`);
      }
      boundOutputs.set(bound.parentOutput, `${step.name}.outputs.${output}`);
    }
  }
  for (const name of Object.keys(outputs)) {
    if (!boundOutputs.has(name)) notes.push(`pipeline output ${name} is bound by no step and stays empty`);
  }
  let order: string[];
  try {
    order = topologicalOrder(Object.keys(jobs), (s) => jobs[s]!.dependsOn);
  } catch (error) {
    if (error instanceof ValidationError) throw doc.error(['jobs'], error.message);
    throw error;
  }
  return {
    file: doc.file,
    baseDir,
    displayName:
      typeof value['display_name'] === 'string' ? value['display_name'] : String(value['name'] ?? doc.file),
    ...(typeof value['experiment_name'] === 'string' ? { experimentName: value['experiment_name'] } : {}),
    ...(typeof value['description'] === 'string' ? { description: value['description'] } : {}),
    inputs,
    outputs,
    settings,
    jobs,
    order,
    notes: [
      ...notes,
      ...Object.values(jobs).flatMap((s) =>
        (s.component?.ignored ?? []).map((k) => `step ${s.name}: ${k} is ignored locally`),
      ),
    ],
  };
}

function names(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record);
  return keys.length ? keys.join(', ') : 'none';
}

function parsePipelineInputs(
  value: unknown,
  doc: YamlDoc,
  overrides: Readonly<Record<string, Literal>>,
): Record<string, PipelineInput> {
  if (value !== undefined && value !== null && !isMapping(value))
    throw doc.error(['inputs'], 'inputs must be a mapping');
  const out: Record<string, PipelineInput> = {};
  for (const [name, raw] of Object.entries(value ?? {})) {
    const at: YamlPath = ['inputs', name];
    if (isMapping(raw)) {
      const type = raw['type'] ?? 'uri_folder';
      if (typeof type !== 'string' || !(PORT_TYPES as readonly string[]).includes(type)) {
        throw doc.error(
          [...at, 'type'],
          `type must be one of ${PORT_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
        );
      }
      const given = PATH_TYPES.includes(type as PortType) ? raw['path'] : (raw['value'] ?? raw['default']);
      if (given === undefined && !(name in overrides)) {
        throw doc.error(
          at,
          `input ${name} needs ${PATH_TYPES.includes(type as PortType) ? 'a path' : 'a value or default'}`,
        );
      }
      if (given !== undefined) {
        const problem = literalProblem(type as PortType, given);
        if (problem) throw doc.error(at, `input ${name}: ${problem}`);
      }
      out[name] = { type: type as PortType, value: given as Literal };
    } else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      const type: PortType =
        typeof raw === 'number'
          ? Number.isInteger(raw)
            ? 'integer'
            : 'number'
          : typeof raw === 'boolean'
            ? 'boolean'
            : 'string';
      out[name] = { type, value: raw };
    } else {
      throw doc.error(at, `input ${name} must be a value or a mapping with type and path`);
    }
  }
  for (const [name, given] of Object.entries(overrides)) {
    const input = out[name];
    if (!input) {
      throw new ValidationError(
        `--set inputs.${name}: the pipeline has no input ${name} (inputs: ${names(out)})`,
        {
          path: `inputs.${name}`,
        },
      );
    }
    let typed: Literal = given;
    if (input.type === 'string' || PATH_TYPES.includes(input.type)) typed = String(given);
    const problem = literalProblem(input.type, typed);
    if (problem) throw new ValidationError(`--set inputs.${name}: ${problem}`, { path: `inputs.${name}` });
    out[name] = { type: input.type, value: typed };
  }
  return out;
}

function parsePipelineOutputs(value: unknown, doc: YamlDoc): Record<string, PipelineOutput> {
  if (value !== undefined && value !== null && !isMapping(value))
    throw doc.error(['outputs'], 'outputs must be a mapping');
  const out: Record<string, PipelineOutput> = {};
  for (const [name, raw] of Object.entries(value ?? {})) {
    const spec = isMapping(raw) ? raw : {};
    const type = spec['type'] ?? 'uri_folder';
    if (typeof type !== 'string' || !PATH_TYPES.includes(type as PortType)) {
      throw doc.error(
        ['outputs', name, 'type'],
        `an output is one of ${PATH_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
      );
    }
    const path = spec['path'];
    if (path !== undefined && typeof path !== 'string')
      throw doc.error(['outputs', name, 'path'], 'path must be a string');
    out[name] = { type: type as PortType, ...(path !== undefined ? { path } : {}) };
  }
  return out;
}

function parseSettings(value: unknown, doc: YamlDoc, notes: string[]): PipelineSettings {
  if (value === undefined || value === null) return { continueOnStepFailure: false, forceRerun: false };
  if (!isMapping(value)) throw doc.error(['settings'], 'settings must be a mapping');
  const flag = (key: string): boolean => {
    const v = value[key] ?? false;
    if (typeof v !== 'boolean') throw doc.error(['settings', key], `${key} must be true or false`);
    return v;
  };
  for (const key of Object.keys(value)) {
    if (!['continue_on_step_failure', 'force_rerun', 'default_datastore', 'default_compute'].includes(key)) {
      notes.push(`settings.${key} is ignored locally`);
    }
  }
  if (value['default_compute'] !== undefined)
    notes.push('settings.default_compute is ignored: steps run on this machine');
  const datastore = value['default_datastore'];
  if (datastore !== undefined && typeof datastore !== 'string') {
    throw doc.error(['settings', 'default_datastore'], 'default_datastore must be a datastore name');
  }
  return {
    continueOnStepFailure: flag('continue_on_step_failure'),
    forceRerun: flag('force_rerun'),
    ...(typeof datastore === 'string' ? { defaultDatastore: datastore.replace(/^azureml:/, '') } : {}),
  };
}

function parseBinding(text: string): Binding | undefined {
  const step = STEP_BINDING.exec(text);
  if (step) return { kind: 'step-output', step: step[1]!, output: step[2]! };
  const parent = BINDING.exec(text);
  if (parent)
    return parent[1] === 'inputs'
      ? { kind: 'parent-input', name: parent[2]! }
      : { kind: 'parent-output', name: parent[2]! };
  return undefined;
}

function parseStep(
  name: string,
  raw: unknown,
  doc: YamlDoc,
  baseDir: string,
  store: SqliteStore | undefined,
): StepSpec {
  const at: YamlPath = ['jobs', name];
  if (!isMapping(raw)) throw doc.error(at, `step ${name} must be a mapping`);
  const declared = raw['type'];
  const type: StepSpec['type'] =
    declared === 'sweep'
      ? 'sweep'
      : declared === 'automl'
        ? 'automl'
        : declared === 'batch_endpoint'
          ? 'batch_endpoint'
          : declared === undefined || declared === 'command'
            ? 'command'
            : (() => {
                throw doc.error(
                  [...at, 'type'],
                  `step ${name}: type must be command, sweep, automl or batch_endpoint, got ${JSON.stringify(declared)}`,
                );
              })();
  const allowed = new Set([
    ...STEP_COMMON,
    ...(type === 'sweep'
      ? SWEEP_KEYS
      : type === 'automl'
        ? AUTOML_KEYS
        : type === 'batch_endpoint'
          ? BATCH_KEYS
          : INLINE_KEYS),
  ]);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key))
      throw doc.error([...at, key], `step ${name}: unknown key '${key}' for a ${type} step`);
  }
  let component: ComponentSpec | undefined;
  let componentSource: string | undefined;
  if (type !== 'automl' && type !== 'batch_endpoint') {
    const field = type === 'sweep' ? 'trial' : 'component';
    const ref = raw[field];
    if (typeof ref === 'string') {
      try {
        const found = resolveComponentRef(ref, { cwd: baseDir, ...(store ? { store } : {}) });
        component = found.spec;
        componentSource = found.source;
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw doc.error([...at, field], `step ${name}: ${(error as Error).message}`);
      }
    } else if (isMapping(ref)) {
      component = parseComponent(ref, doc, [...at, field], baseDir);
      componentSource = 'inline';
    } else if (ref === undefined && type === 'command' && typeof raw['command'] === 'string') {
      const inline: Record<string, unknown> = { name, command: raw['command'] };
      for (const key of ['code', 'environment', 'is_deterministic', 'environment_variables']) {
        if (raw[key] !== undefined) inline[key] = raw[key];
      }
      inline['inputs'] = inferPorts(raw['inputs'], 'inputs');
      inline['outputs'] = inferPorts(raw['outputs'], 'outputs');
      component = parseComponent(inline, doc, at, baseDir);
      componentSource = 'inline';
    } else {
      throw doc.error(
        at,
        `step ${name} needs ${field}: a component file, azureml:name:version or an inline component`,
      );
    }
  }
  const inputs = parseStepInputs(name, raw, type, component, doc, at);
  // a batch step's input_data is data: a literal is a path (hashed for the cache), never a string
  const data = inputs[BATCH_STEP_INPUT];
  if (type === 'batch_endpoint' && data?.kind === 'literal' && typeof data.value === 'string')
    inputs[BATCH_STEP_INPUT] = { kind: 'path', type: 'uri_folder', path: data.value };
  const outputs = parseStepOutputs(name, raw['outputs'], type, component, doc, [...at, 'outputs']);
  const limits = raw['limits'];
  if (limits !== undefined && !isMapping(limits))
    throw doc.error([...at, 'limits'], 'limits must be a mapping');
  const timeout = limits?.['timeout'];
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    throw doc.error(
      [...at, 'limits', 'timeout'],
      `step ${name}: limits.timeout must be a number of seconds > 0`,
    );
  }
  const dependsOn = [
    ...new Set(
      Object.values(inputs).flatMap((i) =>
        i.kind === 'binding' && i.binding.kind === 'step-output' ? [i.binding.step] : [],
      ),
    ),
  ];
  const env = raw['environment_variables'];
  return {
    name,
    type,
    ...(component ? { component, componentSource } : {}),
    inputs,
    outputs,
    dependsOn,
    ...(typeof timeout === 'number' ? { timeoutSeconds: timeout } : {}),
    environmentVariables: isMapping(env)
      ? Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]))
      : {},
    ...(type === 'sweep' ? { sweep: parseSweep(name, raw, component!, doc, at) } : {}),
    ...(type === 'automl' ? { automl: parseAutoML(name, raw, doc, at) } : {}),
    ...(type === 'batch_endpoint' ? { batch: parseBatchEndpoint(name, raw, doc, at, inputs, store) } : {}),
  };
}

/** A batch_endpoint step: `endpoint` (required), `deployment`, and its one input, `input_data`. */
function parseBatchEndpoint(
  name: string,
  raw: Record<string, unknown>,
  doc: YamlDoc,
  at: YamlPath,
  inputs: Readonly<Record<string, StepInput>>,
  store: SqliteStore | undefined,
): BatchEndpointStepSpec {
  const endpoint = raw['endpoint'];
  if (typeof endpoint !== 'string' || endpoint === '')
    throw doc.error(
      [...at, 'endpoint'],
      `step ${name}: a batch_endpoint step needs endpoint (a batch endpoint's name)`,
    );
  const deployment = raw['deployment'];
  if (deployment !== undefined && (typeof deployment !== 'string' || deployment === ''))
    throw doc.error([...at, 'deployment'], `step ${name}: deployment must be a batch deployment's name`);
  const others = Object.keys(inputs).filter((k) => k !== BATCH_STEP_INPUT);
  if (others.length > 0)
    throw doc.error(
      [...at, 'inputs', others[0]!],
      `step ${name}: a batch_endpoint step has one input, ${BATCH_STEP_INPUT}, not '${others[0]}'`,
    );
  if (inputs[BATCH_STEP_INPUT] === undefined)
    throw doc.error(
      [...at, 'inputs'],
      `step ${name}: a batch_endpoint step needs inputs.${BATCH_STEP_INPUT} (a file, folder or binding)`,
    );
  if (store !== undefined) {
    // the endpoint and deployment exist before anything runs (what they hold is read when the step runs)
    try {
      new BatchEndpointStore({ store }).resolveDeployment(
        endpoint,
        typeof deployment === 'string' ? deployment : undefined,
      );
    } catch (error) {
      throw doc.error(
        [...at, typeof deployment === 'string' ? 'deployment' : 'endpoint'],
        `step ${name}: ${(error as Error).message}`,
      );
    }
  }
  return { endpoint, ...(typeof deployment === 'string' ? { deployment } : {}) };
}

/** An inline command step's ports, inferred from what it is given. */
function inferPorts(value: unknown, kind: 'inputs' | 'outputs'): Record<string, unknown> {
  if (!isMapping(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    if (kind === 'outputs')
      out[name] = { type: isMapping(v) && typeof v['type'] === 'string' ? v['type'] : 'uri_folder' };
    else if (isMapping(v)) out[name] = { type: v['type'] ?? 'uri_folder' };
    else if (typeof v === 'number') out[name] = { type: Number.isInteger(v) ? 'integer' : 'number' };
    else if (typeof v === 'boolean') out[name] = { type: 'boolean' };
    else out[name] = { type: typeof v === 'string' && parseBinding(v) ? 'uri_folder' : 'string' };
  }
  return out;
}

function parseStepInputs(
  name: string,
  raw: Record<string, unknown>,
  type: StepSpec['type'],
  component: ComponentSpec | undefined,
  doc: YamlDoc,
  at: YamlPath,
): Record<string, StepInput> {
  const given = raw['inputs'] ?? {};
  if (!isMapping(given)) throw doc.error([...at, 'inputs'], `step ${name}: inputs must be a mapping`);
  const entries: [string, unknown, YamlPath][] = Object.entries(given).map(([k, v]) => [
    k,
    v,
    [...at, 'inputs', k],
  ]);
  if (type === 'automl') {
    for (const key of ['training_data', 'validation_data', 'test_data']) {
      if (raw[key] !== undefined) entries.push([key, raw[key], [...at, key]]);
    }
    if (raw['training_data'] === undefined)
      throw doc.error(at, `step ${name}: an automl step needs training_data`);
  }
  const searched = type === 'sweep' && isMapping(raw['search_space']) ? Object.keys(raw['search_space']) : [];
  const out: Record<string, StepInput> = {};
  for (const [input, value, path] of entries) {
    const port = component?.inputs[input];
    if (component && !port) {
      throw doc.error(
        path,
        `step ${name}: the component has no input '${input}' (its inputs: ${names(component.inputs)})`,
      );
    }
    if (typeof value === 'string' && value.includes('${{')) {
      const binding = parseBinding(value);
      if (!binding) {
        throw doc.error(
          path,
          `step ${name}: ${value} is not a binding (\${{parent.inputs.NAME}} or \${{parent.jobs.STEP.outputs.NAME}})`,
        );
      }
      out[input] = { kind: 'binding', binding, text: value };
    } else if (isMapping(value)) {
      const pathValue = value['path'];
      if (typeof pathValue !== 'string') throw doc.error(path, `step ${name}: input ${input} needs a path`);
      if (typeof pathValue === 'string' && pathValue.includes('${{')) {
        const binding = parseBinding(pathValue);
        if (!binding) throw doc.error(path, `step ${name}: ${pathValue} is not a binding`);
        out[input] = { kind: 'binding', binding, text: pathValue };
      } else {
        out[input] = {
          kind: 'path',
          type: (value['type'] as PortType) ?? port?.type ?? 'uri_folder',
          path: pathValue,
        };
      }
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      if (port) {
        const problem = literalProblem(port.type, value);
        if (problem) throw doc.error(path, `step ${name}: input ${input}: ${problem}`);
      }
      out[input] =
        port && PATH_TYPES.includes(port.type)
          ? { kind: 'path', type: port.type, path: String(value) }
          : { kind: 'literal', value };
    } else {
      throw doc.error(path, `step ${name}: input ${input} must be a value, a path or a binding`);
    }
  }
  if (component) {
    for (const [input, port] of Object.entries(component.inputs)) {
      if (!(input in out) && !port.optional && port.default === undefined && !searched.includes(input)) {
        throw doc.error(
          [...at, 'inputs'],
          `step ${name}: required input '${input}' of the component is not given`,
        );
      }
    }
  }
  return out;
}

function parseStepOutputs(
  name: string,
  value: unknown,
  type: StepSpec['type'],
  component: ComponentSpec | undefined,
  doc: YamlDoc,
  at: YamlPath,
): Record<string, { type: PortType; parentOutput?: string }> {
  const out: Record<string, { type: PortType; parentOutput?: string }> = {};
  if (component) for (const [k, port] of Object.entries(component.outputs)) out[k] = { type: port.type };
  if (type === 'automl') out['best_model'] = { type: 'mlflow_model' };
  if (type === 'batch_endpoint') out[BATCH_STEP_OUTPUT] = { type: 'uri_folder' };
  if (value === undefined || value === null) return out;
  if (!isMapping(value)) throw doc.error(at, `step ${name}: outputs must be a mapping`);
  for (const [output, raw] of Object.entries(value)) {
    const known = out[output];
    if (!known)
      throw doc.error([...at, output], `step ${name}: no output '${output}' (its outputs: ${names(out)})`);
    const text =
      typeof raw === 'string'
        ? raw
        : isMapping(raw) && typeof raw['path'] === 'string'
          ? raw['path']
          : undefined;
    if (text === undefined) continue;
    const binding = parseBinding(text);
    if (binding?.kind !== 'parent-output') {
      throw doc.error(
        [...at, output],
        `step ${name}: an output binds to \${{parent.outputs.NAME}}, got ${text}`,
      );
    }
    out[output] = { ...known, parentOutput: binding.name };
  }
  return out;
}

function parseSweep(
  name: string,
  raw: Record<string, unknown>,
  component: ComponentSpec,
  doc: YamlDoc,
  at: YamlPath,
): SweepStepSpec {
  const space = raw['search_space'];
  if (!isMapping(space) || Object.keys(space).length === 0) {
    throw doc.error(
      [...at, 'search_space'],
      `step ${name}: a sweep step needs a search_space over its trial's inputs`,
    );
  }
  for (const key of Object.keys(space)) {
    if (!(key in component.inputs)) {
      throw doc.error(
        [...at, 'search_space', key],
        `step ${name}: the trial component has no input '${key}' to search`,
      );
    }
  }
  const objective = raw['objective'];
  if (!isMapping(objective) || typeof objective['primary_metric'] !== 'string') {
    throw doc.error(
      [...at, 'objective'],
      `step ${name}: a sweep step needs objective: { goal, primary_metric }`,
    );
  }
  const goal = objective['goal'] ?? 'maximize';
  if (!isGoal(goal)) {
    throw doc.error([...at, 'objective', 'goal'], `step ${name}: goal must be maximize or minimize`);
  }
  const limits = raw['limits'];
  return {
    searchSpace: space,
    samplingAlgorithm: raw['sampling_algorithm'] ?? 'random',
    objective: { goal, primaryMetric: objective['primary_metric'] },
    limits: isMapping(limits) ? limits : {},
    ...(raw['early_termination'] !== undefined ? { earlyTermination: raw['early_termination'] } : {}),
  };
}

function parseAutoML(name: string, raw: Record<string, unknown>, doc: YamlDoc, at: YamlPath): AutoMLStepSpec {
  const task = raw['task'];
  if (task !== 'classification' && task !== 'regression') {
    throw doc.error([...at, 'task'], `step ${name}: task must be classification or regression`);
  }
  const target = raw['target_column_name'];
  if (typeof target !== 'string')
    throw doc.error([...at, 'target_column_name'], `step ${name}: target_column_name is required`);
  const limits = raw['limits'];
  const training = raw['training'];
  const allowed = isMapping(training) ? training['allowed_training_algorithms'] : undefined;
  const seed = isMapping(training) ? training['seed'] : undefined;
  return {
    task,
    targetColumnName: target,
    ...(typeof raw['primary_metric'] === 'string' ? { primaryMetric: raw['primary_metric'] } : {}),
    limits: isMapping(limits) ? limits : {},
    ...(Array.isArray(allowed) ? { allowedTrainingAlgorithms: allowed.map(String) } : {}),
    ...(typeof seed === 'number' ? { seed } : {}),
  };
}
