import { type BackendChoice, type BackendName, getBackendChoice } from '../backend.ts';
import { gpuStatus } from '../gpu/load.ts';
import { effectiveMode, type GpuInstance, isRealGpuMode } from '../gpu/runtime.ts';
import { binningKernel } from './binning/index.ts';
import { boostingKernel } from './boosting/index.ts';
import { coordinateDescentKernel, linearProductsKernel, logisticObjectiveKernel } from './dense/index.ts';
import { chooseBackend } from './kernel.ts';
import { knnSearchKernel } from './knn/index.ts';
import { treesKernel } from './trees/index.ts';

/** Every kernel, as its family declares it (name and implementations). */
const ALL_KERNELS = [
  binningKernel,
  logisticObjectiveKernel,
  linearProductsKernel,
  coordinateDescentKernel,
  knnSearchKernel,
  treesKernel,
  boostingKernel,
] as const;

/** The name of a kernel, as its family declares it. */
export type KernelName = (typeof ALL_KERNELS)[number]['name'];

/**
 * Each kernel and the backends that implement it, in the order `auto` prefers them
 * (TensorFlow.js style): derived from the implementations each family declares.
 *
 * @example
 * KERNELS.knnSearch; // ['native', 'js', 'gpu']
 */
export const KERNELS: Readonly<Record<KernelName, readonly BackendName[]>> = Object.freeze(
  Object.fromEntries(ALL_KERNELS.map((k) => [k.name, k.backends])) as Record<
    KernelName,
    readonly BackendName[]
  >,
);

const BY_NAME = new Map<string, (typeof ALL_KERNELS)[number]>(ALL_KERNELS.map((k) => [k.name, k]));

/**
 * Resolves a choice to the backend that runs `kernel`. `auto` takes the first
 * available backend in the kernel's preference order (native before js). A named
 * backend that is unavailable, or lacks the kernel, is an error: never a silent fallback.
 *
 * @example
 * selectBackend('auto', 'binning'); // 'native' when the addon is built, else 'js'
 */
export function selectBackend(choice: BackendChoice | undefined, kernel: KernelName): BackendName {
  return chooseBackend(choice, BY_NAME.get(kernel)!);
}

/**
 * Work (multiply-adds per call) above which `auto` sends a dense kernel to a real GPU.
 * Below it, uploading float32 copies costs more than the native kernel's whole run:
 * the native k-NN kernel does about 1e9 multiply-adds per second per core here, and a
 * round trip through gpu.js costs milliseconds plus 4 bytes per value moved.
 */
export const GPU_AUTO_MIN_WORK = 2e9;

/**
 * The backend that runs a dense kernel: like selectBackend, except that `auto` picks
 * the gpu backend for a kernel that has one when gpu.js runs on a real graphics device
 * (not its `cpu` or `webasm` modes) and the call does at least GPU_AUTO_MIN_WORK
 * multiply-adds.
 *
 * @example
 * denseBackend('auto', 'knnSearch', 10_000 * 100_000 * 20); // 'native' on a machine without a GPU
 */
export function denseBackend(
  choice: BackendChoice | undefined,
  kernel: KernelName,
  work: number,
): BackendName {
  const wanted = choice ?? getBackendChoice();
  if (wanted === 'auto' && work >= GPU_AUTO_MIN_WORK && KERNELS[kernel].includes('gpu') && realGpuPresent()) {
    return 'gpu';
  }
  return selectBackend(wanted, kernel);
}

function realGpuPresent(): boolean {
  const status = gpuStatus();
  return status.available && isRealGpuMode(effectiveMode(status.gpu as GpuInstance));
}
