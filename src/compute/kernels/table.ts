import {
  type BackendChoice,
  type BackendName,
  getBackendChoice,
  type KernelName,
  selectBackend,
} from '../backend.ts';
import { gpuStatus } from '../gpu/load.ts';
import { effectiveMode, type GpuInstance, isRealGpuMode } from '../gpu/runtime.ts';

/**
 * Work (multiply-adds per call) above which `auto` sends a dense kernel to a real GPU.
 * Below it, uploading float32 copies costs more than the native kernel's whole run:
 * the native k-NN kernel does about 1e9 multiply-adds per second per core here, and a
 * round trip through gpu.js costs milliseconds plus 4 bytes per value moved.
 */
export const GPU_AUTO_MIN_WORK = 2e9;

/**
 * The backend that runs a dense kernel: like selectBackend, except that `auto` picks
 * the gpu backend when gpu.js runs on a real graphics device (not its `cpu` or
 * `webasm` modes) and the call does at least GPU_AUTO_MIN_WORK multiply-adds.
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
  if (wanted === 'auto' && work >= GPU_AUTO_MIN_WORK && realGpuPresent()) return 'gpu';
  return selectBackend(wanted, kernel);
}

function realGpuPresent(): boolean {
  const status = gpuStatus();
  return status.available && isRealGpuMode(effectiveMode(status.gpu as GpuInstance));
}
