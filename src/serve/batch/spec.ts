import type { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { readConfigText } from '../../data/yaml-file.ts';
import type { KeySegment } from '../../data/yaml-source.ts';
import {
  BATCH_DEFAULTS,
  type BatchDeploymentSpec,
  type BatchEndpointSpec,
} from '../../registry/batch-endpoint-store.ts';
import { isEndpointName } from '../../registry/endpoint-names.ts';
import {
  badName,
  deploymentCommon,
  ignoredNotices,
  openSpec,
  readModel,
  type SpecFile,
  type SpecReader,
  type SpecSource,
  stringTags,
} from '../spec-reader.ts';
import {
  batchDeploymentSchema,
  batchEndpointSchema,
  batchSettingsShape,
  IGNORED_BATCH_DEPLOYMENT_KEYS,
  IGNORED_BATCH_ENDPOINT_KEYS,
} from './schema.ts';

/** A batch endpoint file read, with what was ignored. */
export type BatchEndpointFile = SpecFile<BatchEndpointSpec>;

/** A batch deployment file read, with what was ignored. */
export type BatchDeploymentFile = SpecFile<BatchDeploymentSpec>;

/** Where a text came from: its file (for messages) and the folder its relative paths start from. */
export type BatchSpecSource = SpecSource;

/** A file larger than this is split by rows when `mini_batch_size` counts files. */
export const DEFAULT_MAX_PIECE_BYTES = 16 * 1024 * 1024;

const UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/**
 * Bytes of a size written as Azure writes `mini_batch_size` for tabular data (`1024`,
 * `100KB`, `10MB`, `1GB`).
 *
 * @example
 * parseByteSize('10MB'); // 10485760
 */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$/i.exec(text);
  if (match === null) throw new ConfigError(`'${text}' is not a size: expected e.g. 1024, 100KB, 10MB`);
  return Math.max(1, Math.round(Number(match[1]) * UNITS[(match[2] ?? 'B').toUpperCase()]!));
}

/**
 * Reads a `batchEndpoint` YAML text.
 *
 * @example
 * parseBatchEndpointYaml('name: scores\ndescription: nightly\n').spec.name; // 'scores'
 */
export function parseBatchEndpointYaml(text: string, source: BatchSpecSource = {}): BatchEndpointFile {
  const { value, fail, checked } = open(text, source, 'endpoint');
  const raw = checked(batchEndpointSchema, value);
  if (!isEndpointName(raw.name)) throw fail(['name'], badName('endpoint', raw.name));
  const chosen = raw.defaults?.deployment_name;
  if (chosen !== undefined && !isEndpointName(chosen))
    throw fail(['defaults', 'deployment_name'], badName('deployment', chosen));
  return {
    spec: {
      name: raw.name,
      description: raw.description ?? '',
      tags: stringTags(raw.tags),
      ...(chosen !== undefined ? { defaultDeployment: chosen } : {}),
    },
    notices: ignoredNotices(value as Record<string, unknown>, IGNORED_BATCH_ENDPOINT_KEYS),
  };
}

/**
 * Reads a `modelBatchDeployment` YAML text. `model` may be a path (relative to the file),
 * `{path: …}`, `models:/NAME/VERSION`, `models:/NAME@ALIAS`, `azureml:NAME:VERSION` or
 * `azureml:NAME@latest`; the settings may sit at the top level or under `settings`.
 *
 * @example
 * parseBatchDeploymentYaml('name: rf\nendpoint_name: scores\nmodel: ./model.json\nmini_batch_size: 5\n').spec.miniBatchSize; // 5
 */
export function parseBatchDeploymentYaml(text: string, source: BatchSpecSource = {}): BatchDeploymentFile {
  const { value, fail, checked, baseDir } = open(text, source, 'deployment');
  const record = value as Record<string, unknown>;
  const raw = checked(batchDeploymentSchema, value);
  if (!isEndpointName(raw.name)) throw fail(['name'], badName('deployment', raw.name));
  if (!isEndpointName(raw.endpoint_name))
    throw fail(['endpoint_name'], badName('endpoint', raw.endpoint_name));
  const notices = ignoredNotices(record, IGNORED_BATCH_DEPLOYMENT_KEYS);
  // Each setting once: at the top level (older schema) or under settings (current one).
  const nested = (raw.settings ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(batchSettingsShape)) {
    if (record[key] !== undefined && nested[key] !== undefined)
      throw fail(['settings', key], `'${key}' is given twice: at the top level and under settings; keep one`);
  }
  const settings = { ...raw, ...raw.settings } as z.infer<typeof batchDeploymentSchema>;
  if (settings.environment_variables !== undefined)
    notices.push(
      'environment_variables is ignored: the scoring module runs in this process and sees its environment',
    );
  if (raw.resources?.instance_type !== undefined)
    notices.push("resources.instance_type is ignored: the job runs on this machine's cores");
  const environment = record['environment'];
  if (environment !== undefined && environment !== null) {
    if (typeof environment !== 'string' && (typeof environment !== 'object' || Array.isArray(environment)))
      throw fail(['environment'], 'expected an environment reference (azureml:NAME:VERSION) or a mapping');
  }
  const model = readModel(record['model'], baseDir, fail, notices);
  const size = settings.mini_batch_size;
  const sizeAt: KeySegment[] =
    raw.settings?.mini_batch_size !== undefined ? ['settings', 'mini_batch_size'] : ['mini_batch_size'];
  let miniBatchBytes: number | undefined;
  // a size with a unit counts bytes (Azure's tabular meaning); a bare number counts files
  if (typeof size === 'string' && !/^\s*\d+\s*$/.test(size)) {
    try {
      miniBatchBytes = parseByteSize(size);
    } catch (error) {
      throw fail(sizeAt, (error as Error).message);
    }
  }
  if (miniBatchBytes !== undefined && raw.code_configuration !== undefined) {
    throw fail(
      sizeAt,
      `a size (${String(size)}) splits files by rows, but a scoring module's run(miniBatch) receives whole files: give a number of files`,
    );
  }
  const spec: BatchDeploymentSpec = {
    ...deploymentCommon(raw, model, baseDir, fail),
    ...(typeof environment === 'string'
      ? { environment }
      : environment !== undefined && environment !== null
        ? { environment: JSON.stringify(environment) }
        : {}),
    instanceCount: raw.resources?.instance_count ?? BATCH_DEFAULTS.instanceCount,
    maxConcurrencyPerInstance:
      settings.max_concurrency_per_instance ?? BATCH_DEFAULTS.maxConcurrencyPerInstance,
    miniBatchSize:
      typeof size === 'number'
        ? size
        : typeof size === 'string' && miniBatchBytes === undefined
          ? Number(size)
          : BATCH_DEFAULTS.miniBatchSize,
    ...(miniBatchBytes !== undefined ? { miniBatchBytes } : {}),
    outputAction: settings.output_action ?? BATCH_DEFAULTS.outputAction,
    outputFileName: settings.output_file_name ?? BATCH_DEFAULTS.outputFileName,
    retrySettings: {
      maxRetries: settings.retry_settings?.max_retries ?? BATCH_DEFAULTS.maxRetries,
      timeoutSeconds: settings.retry_settings?.timeout ?? BATCH_DEFAULTS.timeoutSeconds,
    },
    errorThreshold: settings.error_threshold ?? BATCH_DEFAULTS.errorThreshold,
    loggingLevel: settings.logging_level ?? BATCH_DEFAULTS.loggingLevel,
  };
  return { spec, notices };
}

/**
 * Reads a batch endpoint file (see parseBatchEndpointYaml).
 *
 * @example
 * const { spec } = readBatchEndpointFile('examples/batch/endpoint.yml');
 */
export function readBatchEndpointFile(file: string): BatchEndpointFile {
  return parseBatchEndpointYaml(readConfigText(file), { file });
}

/**
 * Reads a batch deployment file (see parseBatchDeploymentYaml); its relative paths start from its folder.
 *
 * @example
 * const { spec } = readBatchDeploymentFile('examples/batch/deployment.yml');
 */
export function readBatchDeploymentFile(file: string): BatchDeploymentFile {
  return parseBatchDeploymentYaml(readConfigText(file), { file });
}

/** Parses the text and returns what the readers share, refusing an online file or a batch file of the other kind. */
function open(text: string, source: BatchSpecSource, kind: 'endpoint' | 'deployment'): SpecReader {
  const reader = openSpec(
    text,
    source,
    `a batch ${kind} file is a mapping of keys (name, ${kind === 'endpoint' ? 'description' : 'endpoint_name, model'}, ...)`,
  );
  const { fail } = reader;
  const schema = (reader.value as Record<string, unknown>)['$schema'];
  if (typeof schema === 'string') {
    const online = /OnlineDeployment|OnlineEndpoint/i.test(schema);
    const other = kind === 'endpoint' ? /BatchDeployment/i : /batchEndpoint/i;
    if (online)
      throw fail(
        ['$schema'],
        `this is an online ${/Endpoint/i.test(schema) ? 'endpoint' : 'deployment'} file: use mlsweep ${/Endpoint/i.test(schema) ? 'endpoint' : 'deployment'} create -f`,
      );
    if (other.test(schema)) {
      const that = kind === 'endpoint' ? 'deployment' : 'endpoint';
      throw fail(['$schema'], `this is a batch ${that} file: use mlsweep batch-${that} create -f`);
    }
  }
  return reader;
}
