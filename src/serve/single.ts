/**
 * The snapshot `mlsweep serve --model` serves: one endpoint with one deployment of one
 * model file, Azure's defaults everywhere else, and a key when one is given.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
  DEFAULT_PROBE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type DeploymentSpec,
  type EndpointSpec,
  type RequestSettings,
} from '../registry/endpoint-types.ts';
import type { ServeConfig, ServedDeployment } from './types.ts';

/** The deployment name `mlsweep serve --model` gives its one deployment. */
export const SINGLE_DEPLOYMENT = 'default';

/** Options of {@link singleModelConfig}. */
export interface SingleModelOptions {
  /** The model's JSON file. */
  readonly modelFile: string;
  /** The endpoint's name (default `model`). */
  readonly name?: string;
  /** The deployment's name (default `default`). */
  readonly deployment?: string;
  /** Scoring threads (default: one per core). */
  readonly instanceCount?: number;
  /** A key: the endpoint then needs `Authorization: Bearer <key>`. */
  readonly key?: string;
  /** A scoring module (JS/TS exporting `init()` and `run(body)`). */
  readonly scoringScript?: string;
  readonly requestSettings?: Partial<RequestSettings>;
  /** The model reference as the user gave it (`models:/…`), kept in the spec. */
  readonly model?: string;
}

/**
 * A deployment spec with Azure's defaults, for a model file.
 *
 * @example
 * deploymentSpec({ name: 'blue', endpointName: 'iris', model: '/m/model.json', instanceCount: 2 });
 */
export function deploymentSpec(init: {
  name: string;
  endpointName: string;
  model: string;
  instanceCount: number;
  requestSettings?: Partial<RequestSettings>;
}): DeploymentSpec {
  return {
    name: init.name,
    endpointName: init.endpointName,
    description: '',
    tags: {},
    model: init.model,
    instanceCount: init.instanceCount,
    requestSettings: {
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      maxConcurrentRequestsPerInstance: DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      ...init.requestSettings,
    },
    livenessProbe: DEFAULT_PROBE,
    readinessProbe: DEFAULT_PROBE,
    scaleSettings: { type: 'default' },
  };
}

/**
 * A revision that changes when the spec, the model file's bytes or the scoring module's
 * bytes change (what the server compares to decide a reload).
 *
 * @example
 * revisionOf(spec, '/m/model.json'); // 'sha256 hex, 16 characters'
 */
export function revisionOf(spec: DeploymentSpec, modelFile: string, scoringScript?: string): string {
  const hash = createHash('sha256').update(JSON.stringify(spec)).update('\0').update(readFileSync(modelFile));
  if (scoringScript !== undefined) hash.update('\0').update(readFileSync(scoringScript));
  return hash.digest('hex').slice(0, 16);
}

/**
 * A served deployment of a model file.
 *
 * @example
 * servedDeployment(deploymentSpec({ ... }), '/m/model.json');
 */
export function servedDeployment(
  spec: DeploymentSpec,
  modelFile: string,
  scoringScript?: string,
): ServedDeployment {
  return {
    spec,
    modelFile,
    modelDir: dirname(modelFile),
    ...(scoringScript !== undefined ? { scoringScript } : {}),
    revision: revisionOf(spec, modelFile, scoringScript),
  };
}

/**
 * The snapshot of one model served as one endpoint with one deployment taking all traffic.
 *
 * @example
 * const config = singleModelConfig({ modelFile: 'model.json', name: 'iris', key: 'secret' });
 */
export function singleModelConfig(options: SingleModelOptions): ServeConfig {
  const name = options.name ?? 'model';
  const deployment = options.deployment ?? SINGLE_DEPLOYMENT;
  const endpoint: EndpointSpec = {
    name,
    description: '',
    tags: {},
    authMode: 'key',
    traffic: { [deployment]: 100 },
    mirrorTraffic: {},
  };
  const spec = deploymentSpec({
    name: deployment,
    endpointName: name,
    model: options.model ?? options.modelFile,
    instanceCount: options.instanceCount ?? availableParallelism(),
    ...(options.requestSettings ? { requestSettings: options.requestSettings } : {}),
  });
  return {
    endpoints: [
      {
        spec: endpoint,
        ...(options.key !== undefined
          ? {
              credentials: {
                primaryKey: options.key,
                secondaryKey: options.key,
                tokenSecret: randomBytes(32).toString('base64url'),
              },
            }
          : {}),
        deployments: [servedDeployment(spec, options.modelFile, options.scoringScript)],
      },
    ],
  };
}
