import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.ts';
import { ModelRegistry } from '../registry/model-registry.ts';
import { defaultStoreDir, SqliteStore } from '../tracking/sqlite-store.ts';

/** The prefix of a model registry reference (`models:/NAME/VERSION`, `models:/NAME@ALIAS`). */
const MODELS_PREFIX = 'models:/';
/** In a registered folder, the result of the job that made the model (`mlsweep automl --json`). */
export const RESULT_FILE = 'result.json';

/**
 * Whether a command argument names a registered model rather than a file.
 *
 * @example
 * isModelReference('models:/iris@production'); // true
 */
export function isModelReference(value: string): boolean {
  return value.startsWith(MODELS_PREFIX);
}

/** Runs `fn` with the registry of the store `--store` names (default $MLSWEEP_STORE or ./mlruns; never created). */
function withRegistry<T>(storeDir: string | undefined, fn: (registry: ModelRegistry) => T): T {
  const store = new SqliteStore({ dir: storeDir ?? defaultStoreDir(), create: false });
  try {
    return fn(new ModelRegistry({ store }));
  } finally {
    store.close();
  }
}

/**
 * The model file a `--model` argument names: a path as it is, or for a registry reference
 * (`models:/NAME/VERSION`, `models:/NAME@ALIAS`, `models:/NAME/latest`) the registry's
 * copy (the file, or `model.json` in a registered folder). Unknown names, versions and
 * aliases are ValidationErrors listing what exists.
 *
 * @example
 * AutoMLPipeline.load(modelFileFor('models:/iris@production', options.store));
 */
export function modelFileFor(value: string, storeDir?: string): string {
  if (!isModelReference(value)) return value;
  return withRegistry(storeDir, (registry) => registry.modelFile(value).file);
}

/**
 * The result file (for `mlsweep report`) a registry reference names: the registered file
 * itself, or `result.json` in a registered folder (one holding `model.json` and the
 * `mlsweep automl --json` output).
 *
 * @example
 * readReportInput(resultFileFor('models:/iris@production'));
 */
export function resultFileFor(value: string, storeDir?: string): string {
  return withRegistry(storeDir, (registry) => {
    const { path } = registry.resolve(value);
    if (!existsSync(path)) {
      throw new DataError(`the files of ${value} are missing: ${path} does not exist`, 'E_MODEL_MISSING');
    }
    if (!statSync(path).isDirectory()) return path;
    const file = join(path, RESULT_FILE);
    if (!existsSync(file)) {
      throw new DataError(
        `${value} is a folder without ${RESULT_FILE}: register a folder holding the model and the output of 'mlsweep automl --json' as ${RESULT_FILE}`,
        'E_REPORT_INPUT',
      );
    }
    return file;
  });
}
