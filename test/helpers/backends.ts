import { unavailableReason } from '../../src/compute/backend.ts';

/**
 * The backends a kernel test runs on: js always, native when the addon is built here.
 * Each kernel test is written once and run on every backend, against the same expectations.
 */
export function testedBackends(): Array<'js' | 'native'> {
  return unavailableReason('native') === undefined ? ['js', 'native'] : ['js'];
}

/** True when the native addon is usable in this process. */
export const nativeAvailable = unavailableReason('native') === undefined;
