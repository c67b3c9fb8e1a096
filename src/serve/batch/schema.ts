/**
 * Azure ML's v2 `batchEndpoint` and `modelBatchDeployment` YAML as zod schemas (keys as
 * Azure spells them). Each mapping is strict, so a misspelt key is reported with the
 * nearest valid one; keys that only mean something on Azure are accepted and reported as
 * ignored. A deployment's settings may sit at the top level (Azure's older schema) or
 * under `settings` (the current one). `model` and `environment` are read by spec.ts.
 */
import { z } from 'zod';
import { deploymentBaseShape, endpointBaseShape } from '../endpoint-schema.ts';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

/** Batch endpoint keys that only mean something on Azure: accepted, reported as ignored. */
export const IGNORED_BATCH_ENDPOINT_KEYS: Readonly<Record<string, string>> = {
  auth_mode: 'jobs are started by this machine (mlsweep batch-endpoint invoke), not over HTTP',
  identity: 'managed identities are an Azure feature',
  properties: 'Azure resource properties are not used here',
};

/** Batch deployment keys that only mean something on Azure: accepted, reported as ignored. */
export const IGNORED_BATCH_DEPLOYMENT_KEYS: Readonly<Record<string, string>> = {
  compute:
    "the job runs on this machine's cores (resources.instance_count × max_concurrency_per_instance workers)",
  type: 'batch deployments here score a model (pipeline components are not deployed)',
  properties: 'Azure resource properties are not used here',
};

/** `mini_batch_size`: a count of files, or a size (`10MB`, Azure's tabular meaning). */
export const miniBatchSizeSchema = z.union([
  z.number().int().min(1),
  z.string().regex(/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB)?\s*$/i, 'expected a number of files or a size like 10MB'),
]);

/** `retry_settings`: attempts after the first, and seconds a mini-batch may take. */
export const retrySettingsSchema = z.strictObject({
  max_retries: z.number().int().min(0).max(100).optional(),
  timeout: z.number().int().min(1).optional(),
});

/** The settings of a batch deployment (top level or under `settings`). */
export const batchSettingsShape = {
  max_concurrency_per_instance: z.number().int().min(1).optional(),
  mini_batch_size: miniBatchSizeSchema.optional(),
  output_action: z.preprocess(lower, z.enum(['append_row', 'summary_only'])).optional(),
  output_file_name: z
    .string()
    .min(1)
    .regex(/^[^\\/:*?"<>|\0]+$/, 'expected a file name (no folders)')
    .optional(),
  retry_settings: retrySettingsSchema.optional(),
  error_threshold: z.number().int().min(-1).optional(),
  logging_level: z.preprocess(lower, z.enum(['debug', 'info', 'warning'])).optional(),
  // Azure passes these to the scoring script's environment; a local job runs in this process.
  environment_variables: z.record(z.string(), scalar).optional(),
};

/** `batchEndpoint`. */
export const batchEndpointSchema = z.strictObject({
  ...endpointBaseShape,
  defaults: z.strictObject({ deployment_name: z.string().min(1).optional() }).optional(),
  auth_mode: z.unknown().optional(),
  identity: z.unknown().optional(),
  properties: z.unknown().optional(),
});

/** `modelBatchDeployment`; `model` and `environment` are checked apart. */
export const batchDeploymentSchema = z.strictObject({
  ...deploymentBaseShape,
  resources: z
    .strictObject({
      instance_count: z.number().int().min(1).optional(),
      instance_type: z.unknown().optional(),
      properties: z.unknown().optional(),
    })
    .optional(),
  settings: z.strictObject(batchSettingsShape).optional(),
  ...batchSettingsShape,
  compute: z.unknown().optional(),
  type: z.unknown().optional(),
  properties: z.unknown().optional(),
});
