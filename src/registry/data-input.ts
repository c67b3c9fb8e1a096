import { ValidationError } from '../core/errors.ts';
import type { MLTableSpec } from '../data/mltable.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { DatasetInput } from '../tracking/types.ts';
import { DataAssets } from './data-assets.ts';
import { type DataKind, dataHash, parseDataReference, resolveLocalData } from './data-paths.ts';

export type { MLTableSpec } from '../data/mltable.ts';

/** Data found for a reference: what it is, where, which files, and which asset version it came from. */
export interface ResolvedDataInput {
  readonly kind: DataKind;
  /** Absolute local path: the file, the folder (a glob's fixed folder), or the MLTable folder. */
  readonly path: string;
  /** Every data file it stands for: a file; a folder's files recursively (hidden ones left out) or a glob's matches, sorted; an MLTable's paths in its order. */
  readonly files: readonly string[];
  /** When it came from a registered data asset (its content checked against `hash`). */
  readonly asset?: { readonly name: string; readonly version: string; readonly hash: string };
  /** MLTable reading settings when kind is mltable (delimiter, header, encoding, column types). */
  readonly table?: MLTableSpec;
}

/** How resolveDataInput looks things up. */
export interface ResolveDataOptions {
  /** The store that holds data assets and datastores; needed for `azureml:` references. */
  readonly store?: SqliteStore;
  /** Relative paths are read from here (default: the process's folder). */
  readonly cwd?: string;
  /** Check a data asset's content against its registered hash (default true). */
  readonly verify?: boolean;
}

/**
 * Resolves a data reference to local files: a file, a folder, a glob (`data/*.csv`,
 * `data/**\/*.csv`), an MLTable folder, `azureml://datastores/<name>/paths/<path>`,
 * `azureml:<name>:<version>` or `azureml:<name>@latest`. A data asset's content is
 * checked against its hash (a DataError, E_DATA_CHANGED, when it changed under the
 * name). Nothing there is a ValidationError naming the reference; an `azureml:`
 * reference without a store too.
 *
 * @example
 * const input = resolveDataInput('azureml:iris@latest', { store });
 * input.asset; // { name: 'iris', version: '2', hash: '9f86d0…' }
 * resolveDataInput('data/*.csv', {}).files; // ['/work/data/a.csv', '/work/data/b.csv']
 */
export function resolveDataInput(ref: string, options: ResolveDataOptions = {}): ResolvedDataInput {
  if (typeof ref !== 'string' || ref.trim() === '') {
    throw new ValidationError(
      `a data reference must be a path or an azureml: reference, got ${JSON.stringify(ref)}`,
      {
        path: 'path',
        code: 'E_DATA_REF',
      },
    );
  }
  const parsed = parseDataReference(ref);
  if (parsed.form === 'asset' || parsed.form === 'latest') {
    if (!options.store) {
      throw new ValidationError(
        `${ref} names a data asset, which needs a store (--store or $MLSWEEP_STORE)`,
        {
          path: 'path',
          code: 'E_DATA_REF',
        },
      );
    }
    const version = parsed.form === 'latest' ? 'latest' : parsed.version;
    const { asset, data } = new DataAssets(options.store).open(parsed.name, version, {
      verify: options.verify,
    });
    return {
      ...data,
      asset: { name: asset.name, version: asset.version, hash: asset.hash },
    };
  }
  return resolveLocalData(ref, options);
}

/**
 * The MLflow dataset input a run records for data it read (`store.logInputs`): a data
 * asset by its name with its registered hash as digest and its version in the tags; other
 * data by its path, hashed now (the same content gives the same digest). `context` is
 * MLflow's `mlflow.data.context` (`training`, `test`, `scoring`…).
 *
 * @example
 * store.logInputs(run.id, [dataInputRecord(resolveDataInput('azureml:iris:1', { store }), 'training')]);
 */
export function dataInputRecord(input: ResolvedDataInput, context: string): DatasetInput {
  if (input.asset) {
    return {
      name: input.asset.name,
      digest: input.asset.hash,
      sourceType: 'azureml',
      source: JSON.stringify({ uri: `azureml:${input.asset.name}:${input.asset.version}`, path: input.path }),
      tags: {
        'mlflow.data.context': context,
        'mlsweep.data.version': input.asset.version,
        'mlsweep.data.type': input.kind,
      },
    };
  }
  return {
    name:
      input.path
        .split(/[\\/]/)
        .filter((s) => s !== '')
        .pop() ?? input.path,
    digest: dataHash(input),
    sourceType: 'local',
    source: JSON.stringify({ uri: input.path }),
    tags: { 'mlflow.data.context': context, 'mlsweep.data.type': input.kind },
  };
}
