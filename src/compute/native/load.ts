import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions the C++ addon exports (native/src/addon.cc). */
export interface NativeAddon {
  binSync(...args: BinningCallArgs): void;
  binAsync(...args: BinningCallArgs): Promise<void>;
  info(): { threads: number; napiVersion: number; compiler: string };
}

/**
 * data, nRows, nCols, maxBins, sampleSize, seed, nThreads, categorical, nBins, otherBin,
 * edges, out (or null to fit only), fit (false to reuse the given edges).
 */
export type BinningCallArgs = [
  Float64Array,
  number,
  number,
  number,
  number,
  number,
  number,
  Uint8Array,
  Int32Array,
  Int32Array,
  Float64Array,
  Uint8Array | null,
  boolean,
];

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

function load(): NativeStatus {
  if (process.env.MLSWEEP_DISABLE_NATIVE === '1') {
    return { available: false, reason: 'disabled by MLSWEEP_DISABLE_NATIVE=1' };
  }
  if (!existsSync(addonPath)) return { available: false, reason: buildFailureReason() };
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    return { available: true, addon };
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
