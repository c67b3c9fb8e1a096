import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from '../../core/errors.ts';
import { NATIVE_FUNCTIONS, type NativeAddon } from './addon-types.ts';

export type { NativeAddon } from './addon-types.ts';

export type NativeStatus = { available: true; addon: NativeAddon } | { available: false; reason: string };

// src/compute/native/ and dist/compute/native/ both sit three levels below the package root.
const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
const addonPath = `${packageRoot}native/build/Release/mlsweep.node`;
const statusPath = `${packageRoot}native/build-status.json`;

let cached: NativeStatus | undefined;

/** Loads the addon once; when it cannot be loaded, says why (build log or load error). */
export function nativeStatus(): NativeStatus {
  cached ??= load();
  return cached;
}

/**
 * The loaded addon, for a kernel that runs on the native backend; throws a
 * BackendUnavailableError saying why when it cannot be loaded.
 *
 * @example
 * nativeAddon().linearScores(X.data, X.nRows, X.nCols, 1, theta, out, 0);
 */
export function nativeAddon(): NativeAddon {
  const status = nativeStatus();
  if (!status.available) throw new BackendUnavailableError('native', status.reason);
  return status.addon;
}

function load(): NativeStatus {
  if (process.env.MLSWEEP_DISABLE_NATIVE === '1') {
    return { available: false, reason: 'disabled by MLSWEEP_DISABLE_NATIVE=1' };
  }
  if (!existsSync(addonPath)) return { available: false, reason: buildFailureReason() };
  try {
    const addon = createRequire(import.meta.url)(addonPath) as Partial<NativeAddon>;
    const missing = Object.keys(NATIVE_FUNCTIONS).filter(
      (name) => typeof addon[name as keyof NativeAddon] !== 'function',
    );
    if (missing.length > 0) {
      return {
        available: false,
        reason: `the addon at ${addonPath} predates this version (it lacks ${missing.join(', ')}); rebuild it with \`npm run build:native\``,
      };
    }
    return { available: true, addon: addon as NativeAddon };
  } catch (error) {
    return {
      available: false,
      reason: `the addon at ${addonPath} failed to load: ${(error as Error).message}`,
    };
  }
}

function buildFailureReason(): string {
  try {
    const status = JSON.parse(readFileSync(statusPath, 'utf8')) as { built: boolean; reason: string };
    if (!status.built) return `the native build failed at install: ${status.reason}`;
  } catch {
    // no status file: the install script never ran
  }
  return 'the addon was not built (install scripts did not run); run `npm run build:native` in the mlsweep package';
}
