import { availableParallelism } from 'node:os';
import { ValidationError } from '../core/errors.ts';
import { gpuStatus } from './gpu/load.ts';
import { nativeStatus } from './native/load.ts';

/** A concrete implementation of the compute kernels. */
export type BackendName = 'js' | 'native' | 'gpu';
/** What a caller may ask for: a backend, or `auto` (native when it is there, else js). */
export type BackendChoice = 'auto' | BackendName;

const CHOICES: readonly BackendChoice[] = ['auto', 'js', 'native', 'gpu'];

let globalChoice: BackendChoice | undefined;

/** Validates a backend name from user input (option or environment variable). */
export function parseBackendChoice(value: string, source = 'backend'): BackendChoice {
  if ((CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new ValidationError(`${source} must be one of ${CHOICES.join(', ')}; got '${value}'`, {
    path: source,
  });
}

/**
 * Sets the backend used when a call does not name one; `undefined` goes back to the
 * default: the environment variable MLSWEEP_BACKEND, and failing that `auto`.
 *
 * @example
 * setBackend('js'); // every kernel now runs in TypeScript unless a call says otherwise
 */
export function setBackend(choice: BackendChoice | undefined): void {
  globalChoice = choice === undefined ? undefined : parseBackendChoice(choice);
}

/** The backend choice in force: setBackend(), else MLSWEEP_BACKEND, else `auto`. */
export function getBackendChoice(): BackendChoice {
  if (globalChoice) return globalChoice;
  const env = process.env.MLSWEEP_BACKEND;
  return env ? parseBackendChoice(env, 'MLSWEEP_BACKEND') : 'auto';
}

/** Why `backend` cannot run here, or undefined when it can. */
export function unavailableReason(backend: BackendName): string | undefined {
  if (backend === 'js') return undefined;
  if (backend === 'native') {
    const status = nativeStatus();
    return status.available ? undefined : status.reason;
  }
  const status = gpuStatus();
  return status.available ? undefined : status.reason;
}

/** Threads the native kernels use when a call does not say: every core. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Whether a backend runs here: what it is when it does, why not when it does not. */
export interface BackendReport {
  available: boolean;
  /** Why not, when unavailable; what it is, when available. */
  detail: string;
}

/**
 * Each backend's availability and what it is (or why not): what `mlsweep doctor` shows.
 * Loads gpu.js if it is installed, to report its mode.
 *
 * @example
 * backendReports().native; // { available: true, detail: 'C++ addon, gcc 13.2.0, 16 hardware threads' }
 */
export function backendReports(): Record<BackendName, BackendReport> {
  const native = nativeStatus();
  const gpu = gpuStatus();
  return {
    js: { available: true, detail: 'TypeScript kernels, always available' },
    native: native.available
      ? {
          available: true,
          detail: `C++ addon, ${native.addon.info().compiler}, ${native.addon.info().threads} hardware threads`,
        }
      : { available: false, detail: native.reason },
    gpu: gpu.available
      ? { available: true, detail: `gpu.js in '${gpu.mode}' mode` }
      : { available: false, detail: gpu.reason },
  };
}
