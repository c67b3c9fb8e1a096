import { type BackendName, defaultThreads } from '../backend.ts';
import { type GpuInstance, gpuInstance } from '../gpu/runtime.ts';

/** Where a dense kernel runs: a resolved backend, its thread count and gpu.js instance. */
export interface DenseTarget {
  backend: BackendName;
  /** Native threads; 0 = every core. */
  nThreads?: number;
  /** gpu.js instance for the gpu backend; default: the one src/compute/gpu/load.ts loaded. */
  gpu?: GpuInstance;
}

/** The native threads of a target: its nThreads, or every core when it says 0 or nothing. */
export function threads(t: DenseTarget): number {
  return t.nThreads && t.nThreads > 0 ? t.nThreads : defaultThreads();
}

/** The gpu.js instance of a target: its own, or the one src/compute/gpu/load.ts loaded. */
export function gpuOf(t: DenseTarget): GpuInstance {
  return t.gpu ?? gpuInstance();
}
