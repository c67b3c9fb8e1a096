/**
 * Reads Azure ML's v2 YAML for online endpoints (`managedOnlineEndpoint`) and
 * deployments (`managedOnlineDeployment`) into the specs the store keeps, every default
 * filled in and every path made absolute. A mistake is one ConfigError naming the file,
 * line, column and key (a misspelt key with the nearest valid one); keys that only mean
 * something on Azure are accepted and listed as notices.
 */
import { resolve } from 'node:path';
import type { z } from 'zod';
import { readConfigText } from '../data/yaml-file.ts';
import { isEndpointName } from '../registry/endpoint-names.ts';
import {
  type DataCollectorSettings,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
  DEFAULT_PROBE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type DeploymentSpec,
  type EndpointSpec,
  type ProbeSettings,
  type ScaleSettings,
} from '../registry/endpoint-types.ts';
import {
  deploymentSchema,
  endpointSchema,
  IGNORED_DEPLOYMENT_KEYS,
  IGNORED_ENDPOINT_KEYS,
  type probeSchema,
  scaleSettingsSchemas,
} from './endpoint-schema.ts';
import {
  badName,
  type Checked,
  deploymentCommon,
  type Fail,
  ignoredNotices,
  openSpec,
  type SpecSource as ReaderSource,
  readModel,
  type SpecFile,
  type SpecReader,
  stringTags,
} from './spec-reader.ts';

export { modelReference } from './spec-reader.ts';

/** An endpoint file read: the spec, whether it set traffic, and what was ignored. */
export interface EndpointFile {
  readonly spec: EndpointSpec;
  /** Whether the file gave `traffic` or `mirror_traffic` (an update without them keeps the endpoint's). */
  readonly setsTraffic: boolean;
  /** One line per key accepted but not applied here. */
  readonly notices: readonly string[];
}

/** A deployment file read: the spec and what was ignored. */
export type DeploymentFile = SpecFile<DeploymentSpec>;

/** Where a text came from: its file (for messages) and the folder its relative paths start from. */
export type SpecSource = ReaderSource;

/** Azure's defaults of `scale_settings: {type: target_utilization}`. */
const TARGET_UTILIZATION_DEFAULTS = {
  minInstances: 1,
  maxInstances: 1,
  targetUtilizationPercentage: 70,
  pollingInterval: 1,
};

/**
 * Reads a `managedOnlineEndpoint` YAML text.
 *
 * @example
 * parseEndpointYaml('name: iris\nauth_mode: key\n', { file: 'endpoint.yml' }).spec.authMode; // 'key'
 */
export function parseEndpointYaml(text: string, source: SpecSource = {}): EndpointFile {
  const { value, fail, checked } = open(text, source, 'endpoint');
  const record = value as Record<string, unknown>;
  if (record['auth_mode'] === 'aad_token') {
    throw fail(
      ['auth_mode'],
      "'aad_token' (Microsoft Entra ID tokens) is not available locally: use key or aml_token",
    );
  }
  const raw = checked(endpointSchema, value);
  if (!isEndpointName(raw.name)) throw fail(['name'], badName('endpoint', raw.name));
  for (const key of ['traffic', 'mirror_traffic'] as const) {
    for (const name of Object.keys(raw[key] ?? {})) {
      if (!isEndpointName(name)) throw fail([key, name], badName('deployment', name));
    }
  }
  return {
    spec: {
      name: raw.name,
      description: raw.description ?? '',
      tags: stringTags(raw.tags),
      authMode: raw.auth_mode ?? 'key',
      traffic: { ...raw.traffic },
      mirrorTraffic: { ...raw.mirror_traffic },
    },
    setsTraffic: raw.traffic !== undefined || raw.mirror_traffic !== undefined,
    notices: ignoredNotices(record, IGNORED_ENDPOINT_KEYS),
  };
}

/**
 * Reads a `managedOnlineDeployment` YAML text. `model` may be a path (relative to the
 * file), `{path: …}`, `models:/NAME/VERSION`, `models:/NAME@ALIAS`, or Azure's
 * `azureml:NAME:VERSION` / `azureml:NAME@latest`, which name the same registered models.
 *
 * @example
 * parseDeploymentYaml('name: blue\nendpoint_name: iris\nmodel: azureml:iris:3\n').spec.model; // 'models:/iris/3'
 */
export function parseDeploymentYaml(text: string, source: SpecSource = {}): DeploymentFile {
  const { value, fail, checked, baseDir } = open(text, source, 'deployment');
  const record = value as Record<string, unknown>;
  const raw = checked(deploymentSchema, value);
  if (!isEndpointName(raw.name)) throw fail(['name'], badName('deployment', raw.name));
  if (!isEndpointName(raw.endpoint_name))
    throw fail(['endpoint_name'], badName('endpoint', raw.endpoint_name));
  const notices = ignoredNotices(record, IGNORED_DEPLOYMENT_KEYS);
  const request = raw.request_settings ?? {};
  if (request.max_queue_wait_ms !== undefined) {
    notices.push(
      'request_settings.max_queue_wait_ms is ignored: requests beyond max_concurrent_requests_per_instance are answered 429 at once',
    );
  }
  // applied when the deployment starts: its scoring threads run in it (deployment-environment.ts)
  const environment = readEnvironment(record['environment'], fail, baseDir);
  const model = readModel(record['model'], baseDir, fail, notices);
  const spec: DeploymentSpec = {
    ...deploymentCommon(raw, model, baseDir, fail),
    ...(environment !== undefined ? { environment } : {}),
    instanceCount: raw.instance_count ?? 1,
    requestSettings: {
      requestTimeoutMs: request.request_timeout_ms ?? DEFAULT_REQUEST_TIMEOUT_MS,
      maxConcurrentRequestsPerInstance:
        request.max_concurrent_requests_per_instance ?? DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
      maxBodyBytes: request.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES,
    },
    livenessProbe: probe(raw.liveness_probe),
    readinessProbe: probe(raw.readiness_probe),
    scaleSettings: readScaleSettings(record['scale_settings'], checked, fail),
    ...(raw.data_collector ? { dataCollector: dataCollector(raw.data_collector, baseDir) } : {}),
  };
  return { spec, notices };
}

/**
 * Reads an endpoint file (see parseEndpointYaml).
 *
 * @example
 * const { spec, notices } = readEndpointFile('examples/endpoints/endpoint.yml');
 */
export function readEndpointFile(file: string): EndpointFile {
  return parseEndpointYaml(readConfigText(file), { file });
}

/**
 * Reads a deployment file (see parseDeploymentYaml); its relative paths start from its folder.
 *
 * @example
 * const { spec } = readDeploymentFile('examples/endpoints/blue.yml');
 */
export function readDeploymentFile(file: string): DeploymentFile {
  return parseDeploymentYaml(readConfigText(file), { file });
}

/** `environment`: a reference kept as it is (an env.yml path made absolute), or an inline definition kept as JSON. */
function readEnvironment(value: unknown, fail: Fail, baseDir: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && /\.ya?ml$/i.test(value) && !value.startsWith('azureml:'))
    return resolve(baseDir, value);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  throw fail(['environment'], 'expected an environment reference (azureml:NAME:VERSION) or a mapping');
}

/** Parses the text and returns what the readers share, refusing a file of the other kind. */
function open(text: string, source: SpecSource, kind: 'endpoint' | 'deployment'): SpecReader {
  const reader = openSpec(
    text,
    source,
    `an ${kind} file is a mapping of keys (name, ${kind === 'endpoint' ? 'auth_mode' : 'endpoint_name, model'}, ...)`,
  );
  const other = kind === 'endpoint' ? 'deployment' : 'endpoint';
  const schema = (reader.value as Record<string, unknown>)['$schema'];
  const otherSchema = kind === 'endpoint' ? /OnlineDeployment/i : /OnlineEndpoint/i;
  if (typeof schema === 'string' && otherSchema.test(schema)) {
    throw reader.fail(
      ['$schema'],
      `this is ${other === 'endpoint' ? 'an' : 'a'} ${other} file: use mlsweep ${other} create -f`,
    );
  }
  return reader;
}

function probe(raw: z.infer<typeof probeSchema> | undefined): ProbeSettings {
  return {
    initialDelay: raw?.initial_delay ?? DEFAULT_PROBE.initialDelay,
    period: raw?.period ?? DEFAULT_PROBE.period,
    timeout: raw?.timeout ?? DEFAULT_PROBE.timeout,
    successThreshold: raw?.success_threshold ?? DEFAULT_PROBE.successThreshold,
    failureThreshold: raw?.failure_threshold ?? DEFAULT_PROBE.failureThreshold,
  };
}

function readScaleSettings(value: unknown, checked: Checked, fail: Fail): ScaleSettings {
  if (value === undefined || value === null) return { type: 'default' };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fail(['scale_settings'], 'expected a mapping with type: default or target_utilization');
  }
  const type = (value as Record<string, unknown>)['type'] ?? 'default';
  if (type === 'default') {
    checked(scaleSettingsSchemas.default, { ...value, type }, ['scale_settings']);
    return { type: 'default' };
  }
  if (type !== 'target_utilization') {
    throw fail(
      ['scale_settings', 'type'],
      `expected 'default' or 'target_utilization', got ${JSON.stringify(type)}`,
    );
  }
  const raw = checked(scaleSettingsSchemas.target_utilization, value, ['scale_settings']);
  const settings = {
    type: 'target_utilization' as const,
    minInstances: raw.min_instances ?? TARGET_UTILIZATION_DEFAULTS.minInstances,
    maxInstances:
      raw.max_instances ?? Math.max(raw.min_instances ?? 1, TARGET_UTILIZATION_DEFAULTS.maxInstances),
    targetUtilizationPercentage:
      raw.target_utilization_percentage ?? TARGET_UTILIZATION_DEFAULTS.targetUtilizationPercentage,
    pollingInterval: raw.polling_interval ?? TARGET_UTILIZATION_DEFAULTS.pollingInterval,
  };
  if (settings.maxInstances < settings.minInstances) {
    throw fail(
      ['scale_settings', 'max_instances'],
      `must be >= min_instances (${settings.minInstances}), got ${settings.maxInstances}`,
    );
  }
  return settings;
}

function dataCollector(
  raw: NonNullable<z.infer<typeof deploymentSchema>['data_collector']>,
  baseDir: string,
): DataCollectorSettings {
  return {
    modelInputs: raw.collections?.model_inputs?.enabled ?? false,
    modelOutputs: raw.collections?.model_outputs?.enabled ?? false,
    rollingRate: raw.rolling_rate ?? 'hour',
    samplingRate: raw.sampling_rate ?? 1,
    ...(raw.destination !== undefined ? { destination: resolve(baseDir, raw.destination) } : {}),
  };
}
