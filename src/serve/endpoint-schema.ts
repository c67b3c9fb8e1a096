/**
 * Azure ML's v2 `managedOnlineEndpoint` and `managedOnlineDeployment` YAML as zod
 * schemas (keys as Azure spells them). Each mapping is strict, so a misspelt key is
 * reported with the nearest valid one; keys that only mean something on Azure are
 * accepted and reported as ignored (see IGNORED_*). `model` and `environment`, which take
 * a string or a mapping, are read by serve/endpoint-spec.ts itself, as is `scale_settings`,
 * dispatched on its `type`.
 */
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const tags = z.record(z.string(), scalar);
const count = z.number().int().min(1);
const seconds = z.number().int().min(0);
/** Azure writes booleans of data collection as strings ('True'); both are read. */
const flag = z.preprocess(
  (v) => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v),
  z.boolean(),
);

/** Endpoint keys that only mean something on Azure: accepted, reported as ignored. */
export const IGNORED_ENDPOINT_KEYS: Readonly<Record<string, string>> = {
  identity: 'managed identities are an Azure feature',
  public_network_access: 'the server listens where `mlsweep serve --host` says',
  compute: 'Kubernetes compute is an Azure feature (see `mlsweep endpoint package` for Kubernetes manifests)',
  kind: 'there is one kind of endpoint here',
};

/** Deployment keys that only mean something on Azure: accepted, reported as ignored. */
export const IGNORED_DEPLOYMENT_KEYS: Readonly<Record<string, string>> = {
  instance_type: "scoring runs on this machine's cores (instance_count sets the scoring workers)",
  app_insights_enabled: 'Application Insights is an Azure service (see GET /metrics)',
  egress_public_network_access: 'network isolation is an Azure feature',
  private_network_connection: 'network isolation is an Azure feature',
  model_mount_path: 'the model is read where it is (AZUREML_MODEL_DIR names its folder)',
  environment_variables: 'a scoring module runs in the server process and sees its environment',
  type: 'there is one kind of deployment here',
  resources: 'Kubernetes resources are an Azure feature (see `mlsweep endpoint package`)',
};

const ignored = (keys: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.keys(keys).map((k) => [k, z.unknown().optional()]));

/** The keys every endpoint has, online or batch. */
export const endpointBaseShape = {
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  tags: tags.optional(),
};

/** `managedOnlineEndpoint`. */
export const endpointSchema = z.strictObject({
  ...endpointBaseShape,
  auth_mode: z.enum(['key', 'aml_token']).optional(),
  traffic: z.record(z.string(), z.number().int().min(0).max(100)).optional(),
  mirror_traffic: z.record(z.string(), z.number().int().min(0).max(50)).optional(),
  ...ignored(IGNORED_ENDPOINT_KEYS),
});

/** `code_configuration`: the folder of a scoring module and its path inside. */
export const codeConfigurationSchema = z.strictObject({
  code: z.string().min(1),
  scoring_script: z.string().min(1),
});

/** The keys every deployment has, online or batch: its endpoint, its model and how it scores. */
export const deploymentBaseShape = {
  ...endpointBaseShape,
  endpoint_name: z.string().min(1),
  model: z.unknown(),
  code_configuration: codeConfigurationSchema.optional(),
  environment: z.unknown().optional(),
};

/** `request_settings`; `max_body_bytes` is mlsweep's own (Azure fixes it). */
export const requestSettingsSchema = z.strictObject({
  request_timeout_ms: count.optional(),
  max_concurrent_requests_per_instance: count.optional(),
  max_queue_wait_ms: z.number().int().min(0).optional(),
  max_body_bytes: count.optional(),
});

/** `liveness_probe` / `readiness_probe` (seconds). */
export const probeSchema = z.strictObject({
  initial_delay: seconds.optional(),
  period: count.optional(),
  timeout: count.optional(),
  success_threshold: count.optional(),
  failure_threshold: count.optional(),
});

/** The variants of `scale_settings`, by type. */
export const scaleSettingsSchemas = {
  default: z.strictObject({ type: z.literal('default') }),
  target_utilization: z.strictObject({
    type: z.literal('target_utilization'),
    min_instances: count.optional(),
    max_instances: count.optional(),
    target_utilization_percentage: z.number().int().min(1).max(100).optional(),
    polling_interval: count.optional(),
  }),
} as const;

const collection = z.strictObject({
  enabled: flag.optional(),
  // Azure's data asset and per-collection settings: accepted, the files go to `destination`.
  data: z.unknown().optional(),
  client_id: z.unknown().optional(),
  sampling_rate: z.unknown().optional(),
});

/** `data_collector`; `destination` (a folder) is mlsweep's own (Azure writes to a data asset). */
export const dataCollectorSchema = z.strictObject({
  collections: z
    .strictObject({
      model_inputs: collection.optional(),
      model_outputs: collection.optional(),
    })
    .optional(),
  rolling_rate: z
    .preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['minute', 'hour', 'day']))
    .optional(),
  sampling_rate: z.number().min(0).max(1).optional(),
  destination: z.string().min(1).optional(),
  request_logging: z.unknown().optional(),
});

/** `managedOnlineDeployment`; `model`, `environment` and `scale_settings` are checked apart. */
export const deploymentSchema = z.strictObject({
  ...deploymentBaseShape,
  instance_count: count.optional(),
  request_settings: requestSettingsSchema.optional(),
  liveness_probe: probeSchema.optional(),
  readiness_probe: probeSchema.optional(),
  scale_settings: z.unknown().optional(),
  data_collector: dataCollectorSchema.optional(),
  ...ignored(IGNORED_DEPLOYMENT_KEYS),
});

/** An inline model: `model: {path: ./model.json}`. */
export const inlineModelSchema = z.strictObject({
  path: z.string().min(1),
  name: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  description: z.string().optional(),
  type: z.string().optional(),
});
