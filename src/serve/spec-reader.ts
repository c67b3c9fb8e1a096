/**
 * What the readers of endpoint and deployment files share, online (endpoint-spec.ts) and
 * batch (batch/spec.ts): the text read and parsed with errors located at a key's line and
 * column, schema checks, names, tags, ignored keys, the model and the scoring script.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { check } from '../config/issues.ts';
import { ConfigError, MlsweepError } from '../core/errors.ts';
import { errorAt } from '../data/yaml-file.ts';
import { type KeySegment, parseSource } from '../data/yaml-source.ts';
import { parseModelUri } from '../registry/names.ts';
import { inlineModelSchema } from './endpoint-schema.ts';
import { withColumn } from './yaml-position.ts';

/** Where a text came from: its file (for messages) and the folder its relative paths start from. */
export interface SpecSource {
  readonly file?: string;
  /** Default: the file's folder, else the current folder. */
  readonly baseDir?: string;
}

/** A spec file read: the spec, and one line per key accepted but not applied here. */
export interface SpecFile<S> {
  readonly spec: S;
  readonly notices: readonly string[];
}

/** A ConfigError at a key path, with its line and column. */
export type Fail = (path: readonly KeySegment[], message: string) => ConfigError;
/** A value checked against a zod schema, or a ConfigError at the key that fails it. */
export type Checked = <T extends z.ZodType>(
  schema: T,
  value: unknown,
  base?: readonly KeySegment[],
) => z.infer<T>;

/** A spec file parsed: its value (a mapping), how to fail at a key, check a part, and the folder its paths start from. */
export interface SpecReader {
  readonly value: unknown;
  readonly fail: Fail;
  readonly checked: Checked;
  readonly baseDir: string;
}

/**
 * Parses a spec file's text (a mapping, or a ConfigError with `notMapping`); relative
 * paths start from the file's folder (or `source.baseDir`).
 *
 * @example
 * const { value, fail } = openSpec('name: iris\n', { file: 'e.yml' }, 'an endpoint file is a mapping of keys');
 * fail(['name'], 'bad').message; // 'e.yml:line 1, column 1: name: bad'
 */
export function openSpec(text: string, source: SpecSource, notMapping: string): SpecReader {
  const file = source.file;
  const doc = parseSource(text, file);
  const at = doc.keyPosition;
  const fail: Fail = (path, message) => errorAt(at, file, path, message);
  const checked: Checked = (schema, value, base = []) => {
    try {
      return check(schema, value, base, doc);
    } catch (error) {
      throw withColumn(error, at);
    }
  };
  const value = doc.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(notMapping, { file });
  }
  const baseDir = source.baseDir ?? (file !== undefined ? dirname(resolve(file)) : process.cwd());
  return { value, fail, checked, baseDir };
}

/**
 * The message for a name that is not an endpoint or deployment name.
 *
 * @example
 * badName('endpoint', 'x'); // "invalid endpoint name 'x': use 3 to 32 letters, ..."
 */
export function badName(what: string, name: string): string {
  return `invalid ${what} name '${name}': use 3 to 32 letters, digits and '-', starting with a letter and not ending with '-'`;
}

/**
 * Tags as strings, as Azure keeps them.
 *
 * @example
 * stringTags({ stage: 1 }); // { stage: '1' }
 */
export function stringTags(
  tags: Readonly<Record<string, string | number | boolean>> | undefined,
): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * A notice for each key of `ignored` that the file sets.
 *
 * @example
 * ignoredNotices({ app_insights_enabled: true }, { app_insights_enabled: 'no Azure here' }); // ['app_insights_enabled is ignored: no Azure here']
 */
export function ignoredNotices(
  record: Record<string, unknown>,
  ignored: Readonly<Record<string, string>>,
): string[] {
  return Object.keys(ignored)
    .filter((key) => record[key] !== undefined)
    .map((key) => `${key} is ignored: ${ignored[key]}`);
}

/**
 * The model a deployment names (online or batch): a registry reference as `models:/…`, or
 * an absolute path; an inline model's other keys become notices.
 *
 * @example
 * readModel('model.json', '/work', fail, notices); // '/work/model.json'
 */
export function readModel(value: unknown, baseDir: string, fail: Fail, notices: string[]): string {
  if (value === undefined || value === null) throw fail(['model'], "missing required key 'model'");
  if (typeof value === 'object' && !Array.isArray(value)) {
    const parsed = inlineModelSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues;
      const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
      const key =
        issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : String(issue.path[0] ?? 'path');
      const given = (value as Record<string, unknown>)[key];
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key '${key}'; an inline model has path (and name, version, description, type, which are recorded by the registry, not here)`
          : given === undefined
            ? `missing required key '${key}'`
            : `expected a string, got ${JSON.stringify(given)}`;
      throw fail(['model', key], message);
    }
    const { path, ...rest } = parsed.data;
    const extra = Object.keys(rest);
    if (extra.length > 0)
      notices.push(`model.${extra.join(', model.')} ignored: an inline model is its path`);
    return modelReference(path, baseDir, (message) => fail(['model', 'path'], message));
  }
  if (typeof value !== 'string' || value === '') {
    throw fail(['model'], 'expected a model path, models:/NAME/VERSION, azureml:NAME:VERSION or {path: ...}');
  }
  return modelReference(value, baseDir, (message) => fail(['model'], message));
}

/**
 * A model value of a deployment file as the store keeps it: `models:/…` checked, Azure's
 * `azureml:NAME:VERSION` / `azureml:NAME@latest` rewritten to `models:/…`, a path made
 * absolute from `baseDir`; anything else is `fail(message)`. Batch deployments share it.
 *
 * @example
 * modelReference('azureml:iris:3', '/work', (m) => new ConfigError(m)); // 'models:/iris/3'
 */
export function modelReference(
  value: string,
  baseDir: string,
  fail: (message: string) => ConfigError,
): string {
  const registry = (uri: string): string => {
    try {
      parseModelUri(uri);
      return uri;
    } catch (error) {
      throw fail(error instanceof MlsweepError ? error.message : String(error));
    }
  };
  if (value.startsWith('models:/')) return registry(value);
  if (value.startsWith('azureml://') || value.startsWith('azureml:/')) {
    throw fail(
      `'${value}' names a model of an Azure workspace or registry, which is not reachable here: register the model (mlsweep models register) and use azureml:NAME:VERSION or models:/NAME/VERSION`,
    );
  }
  if (value.startsWith('azureml:')) {
    const match = /^azureml:([^:@/]+)(?::([^:@/]+)|@([^:@/]+))$/.exec(value);
    if (match === null) {
      throw fail(`'${value}' is not a model reference: expected azureml:NAME:VERSION or azureml:NAME@latest`);
    }
    const [, name, version, label] = match;
    return registry(
      version !== undefined
        ? `models:/${name}/${version}`
        : label === 'latest'
          ? `models:/${name}/latest`
          : `models:/${name}@${label}`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\//i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    throw fail(
      `'${value}' is not a model here: give a file (relative to this file), models:/NAME/VERSION or azureml:NAME:VERSION`,
    );
  }
  return resolve(baseDir, value);
}

/**
 * A scoring script's path, which must stay inside its code folder.
 *
 * @example
 * readScriptPath('score.mjs', fail); // 'score.mjs'
 */
export function readScriptPath(script: string, fail: Fail): string {
  if (isAbsolute(script) || script.split(/[\\/]/).includes('..')) {
    throw fail(
      ['code_configuration', 'scoring_script'],
      `'${script}' must be a path inside code (relative, without '..')`,
    );
  }
  return script;
}

/** The keys every deployment file has, online or batch, as its schema checked them. */
interface DeploymentKeys {
  readonly name: string;
  readonly endpoint_name: string;
  readonly description?: string | undefined;
  readonly tags?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly code_configuration?: { readonly code: string; readonly scoring_script: string } | undefined;
}

/**
 * What every deployment spec starts with, online or batch: names, description, tags, the
 * model, and the scoring script's folder (absolute) and path (inside it).
 *
 * @example
 * deploymentCommon(raw, '/work/model.json', '/work', fail); // { name, endpointName, description, tags, model, codeConfiguration? }
 */
export function deploymentCommon(raw: DeploymentKeys, model: string, baseDir: string, fail: Fail) {
  return {
    name: raw.name,
    endpointName: raw.endpoint_name,
    description: raw.description ?? '',
    tags: stringTags(raw.tags),
    model,
    ...(raw.code_configuration
      ? {
          codeConfiguration: {
            code: resolve(baseDir, raw.code_configuration.code),
            scoringScript: readScriptPath(raw.code_configuration.scoring_script, fail),
          },
        }
      : {}),
  };
}
