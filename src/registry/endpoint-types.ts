/**
 * Online endpoints and deployments as the store keeps them: Azure ML's v2 YAML shapes
 * (`managedOnlineEndpoint`, `managedOnlineDeployment`) in camelCase, with every default
 * filled in. The endpoint YAML reader (serve/endpoint-spec.ts) produces them, the store
 * (registry/endpoint-store.ts) persists them, and the server (serve/) reads them.
 */

/** How callers of an endpoint authenticate: Azure's `auth_mode` (`aad_token` is not local). */
export type AuthMode = 'key' | 'aml_token';

/** Every auth mode, for validation messages. */
export const AUTH_MODES: readonly AuthMode[] = ['key', 'aml_token'];

/**
 * An online endpoint: a name callers use, how they authenticate, and how its live traffic
 * is split among its deployments.
 */
export interface EndpointSpec {
  readonly name: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly authMode: AuthMode;
  /** Deployment name -> percent of live traffic; the values sum to 100, or all are 0. */
  readonly traffic: Readonly<Record<string, number>>;
  /** Deployment name -> percent of live traffic copied to it (answers discarded), at most 50 each. */
  readonly mirrorTraffic: Readonly<Record<string, number>>;
}

/** The secrets of an endpoint: two keys (key mode) and the secret that signs its tokens (token mode). */
export interface EndpointCredentials {
  readonly primaryKey: string;
  readonly secondaryKey: string;
  /** Signs `aml_token` tokens (HMAC-SHA256); regenerated never, so issued tokens live out their time. */
  readonly tokenSecret: string;
}

/** Azure's `request_settings` of a deployment. */
export interface RequestSettings {
  /** A request still scoring after this long answers 408 (Azure's default: 5,000 ms). */
  readonly requestTimeoutMs: number;
  /** Requests in flight per instance beyond which new ones get 429. */
  readonly maxConcurrentRequestsPerInstance: number;
  /** Largest request body in bytes; larger ones get 413. */
  readonly maxBodyBytes: number;
}

/** Azure's `liveness_probe` / `readiness_probe` (seconds). */
export interface ProbeSettings {
  readonly initialDelay: number;
  readonly period: number;
  readonly timeout: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** Azure's `scale_settings`: fixed instance count, or scale on measured utilization. */
export type ScaleSettings =
  | { readonly type: 'default' }
  | {
      readonly type: 'target_utilization';
      readonly minInstances: number;
      readonly maxInstances: number;
      readonly targetUtilizationPercentage: number;
      /** Seconds between utilization measurements. */
      readonly pollingInterval: number;
    };

/** Azure's `data_collector`: which payloads to keep, and how often a new file starts. */
export interface DataCollectorSettings {
  readonly modelInputs: boolean;
  readonly modelOutputs: boolean;
  readonly rollingRate: 'minute' | 'hour' | 'day';
  /** Fraction of requests collected, 0 to 1 (Azure's `sampling_rate`, default 1). */
  readonly samplingRate: number;
  /** Where files go: a folder path (default: the store's `datastores/workspaceblobstore/modelDataCollector`). */
  readonly destination?: string;
}

/** A user's scoring module: Azure's `code_configuration`. */
export interface CodeConfiguration {
  /** The folder holding the module (absolute once stored). */
  readonly code: string;
  /** The module's path inside `code`, exporting `init()` and `run(body)`. */
  readonly scoringScript: string;
}

/** One deployment of an endpoint: a model, optionally a scoring module, and how it runs. */
export interface DeploymentSpec {
  readonly name: string;
  readonly endpointName: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** A model file or folder (absolute once stored), or a `models:/NAME/VERSION` / `models:/NAME@ALIAS` reference. */
  readonly model: string;
  readonly codeConfiguration?: CodeConfiguration;
  /** Azure's `environment` reference, kept and reported; run under it once environments exist. */
  readonly environment?: string;
  /** Scoring workers (threads) of this deployment. */
  readonly instanceCount: number;
  readonly requestSettings: RequestSettings;
  readonly livenessProbe: ProbeSettings;
  readonly readinessProbe: ProbeSettings;
  readonly scaleSettings: ScaleSettings;
  readonly dataCollector?: DataCollectorSettings;
}

/** Azure's defaults for probes (seconds): ready after the model loads, checked every 10 s. */
export const DEFAULT_PROBE: ProbeSettings = {
  initialDelay: 10,
  period: 10,
  timeout: 2,
  successThreshold: 1,
  failureThreshold: 30,
};

/** Azure's default request timeout (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Requests in flight per instance before 429. Azure's default is 1 because its instances
 * are whole containers behind a queue; here an instance is a thread fed by one event loop
 * that batches many small requests, so the default lets a loaded server queue a little.
 */
export const DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE = 256;

/** Largest request body by default (bytes): 100 MB, MLflow's scoring server's default. */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;
