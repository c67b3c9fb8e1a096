import { BackendUnavailableError } from '../../core/errors.ts';
import {
  type BackendChoice,
  type BackendName,
  getBackendChoice,
  parseBackendChoice,
  unavailableReason,
} from '../backend.ts';
import { nextTurn } from '../event-loop.ts';

/** The backends in the order `auto` prefers them. */
export const BACKEND_PREFERENCE = ['native', 'js', 'gpu'] as const satisfies readonly BackendName[];

/** One implementation of a kernel per backend; every kernel has a js one. */
export type Implementations<I> = { readonly js: I } & { readonly [B in BackendName]?: I };

/**
 * A kernel: one name, and one implementation per backend, of the same contract `I`
 * (TensorFlow.js style: the backend is chosen at run time).
 */
export interface Kernel<Name extends string, I> {
  readonly name: Name;
  readonly implementations: Implementations<I>;
  /** The backends that implement it, in the order `auto` prefers them. */
  readonly backends: readonly BackendName[];
}

/**
 * Declares a kernel: its name, then its implementations, each checked against the
 * contract `I`. A backend module whose exports are the contract's functions is an
 * implementation as it stands (`import * as native from './native.ts'`).
 *
 * @example
 * export const knnSearchKernel = kernel('knnSearch').implementedBy<KnnSearchImplementation>({ native, js, gpu });
 */
export function kernel<const Name extends string>(name: Name) {
  return {
    implementedBy<I>(implementations: Implementations<I>): Kernel<Name, I> {
      const backends = BACKEND_PREFERENCE.filter((b) => implementations[b] !== undefined);
      return { name, implementations, backends };
    },
  };
}

/**
 * The implementation of `k` on a backend already chosen; a backend without one is an
 * error, never a silent fallback.
 *
 * @example
 * implementationOn(knnSearchKernel, 'js').knnSearch(t, X, nTrain, Q, nQuery, p, k, 0, idx, dist);
 */
export function implementationOn<I>(k: Kernel<string, I>, backend: BackendName): I {
  const implementation = k.implementations[backend];
  if (implementation === undefined) throw missing(k, backend);
  return implementation;
}

/**
 * Resolves a choice to the backend that runs `k`. `auto` takes the first available
 * backend in the kernel's preference order (native before js). A named backend that is
 * unavailable, or lacks the kernel, is an error: never a silent fallback.
 *
 * @example
 * chooseBackend('auto', binningKernel); // 'native' when the addon is built, else 'js'
 */
export function chooseBackend(choice: BackendChoice | undefined, k: Kernel<string, unknown>): BackendName {
  const wanted = choice === undefined ? getBackendChoice() : parseBackendChoice(choice);
  if (wanted === 'auto') return k.backends.find((b) => unavailableReason(b) === undefined) ?? 'js';
  if (!k.backends.includes(wanted)) throw missing(k, wanted);
  const reason = unavailableReason(wanted);
  if (reason !== undefined) throw new BackendUnavailableError(wanted, reason);
  return wanted;
}

function missing(k: Kernel<string, unknown>, backend: BackendName): BackendUnavailableError {
  return new BackendUnavailableError(
    backend,
    `kernel '${k.name}' has no ${backend} implementation (it has: ${k.backends.join(', ')})`,
  );
}

/**
 * Runs a kernel function off the event loop: its async variant where the backend has one
 * (the native backend's libuv pool), else the synchronous one after letting the event loop
 * run once.
 *
 * @example
 * const i = implementationOn(logisticObjectiveKernel, t.backend);
 * const loss = await offTheEventLoop(i.logisticObjectiveAsync, i.logisticObjective, t, ...args);
 */
export async function offTheEventLoop<A extends unknown[], R>(
  asyncVariant: ((...args: A) => Promise<R>) | undefined,
  syncVariant: (...args: A) => R,
  ...args: A
): Promise<R> {
  if (asyncVariant) return asyncVariant(...args);
  await nextTurn();
  return syncVariant(...args);
}
