import { createRequire } from 'node:module';

/** What the optional gpu.js peer dependency offers on this machine. */
export type GpuStatus =
  | { available: true; mode: string; gpu: unknown }
  | { available: false; reason: string };

let cached: GpuStatus | undefined;

/**
 * Loads gpu.js lazily, on the first request for the `gpu` backend, so that users who
 * never ask for it pay nothing. The mode is gpu.js's own choice (`gpu` with headless-gl,
 * else `cpu`), unless MLSWEEP_GPU_MODE names one (`gpu`, `cpu`, `webgl2`, `headlessgl`...).
 */
export function gpuStatus(): GpuStatus {
  cached ??= load();
  return cached;
}

function load(): GpuStatus {
  let GPU: new (settings?: { mode?: string }) => { mode: string };
  try {
    ({ GPU } = createRequire(import.meta.url)('gpu.js'));
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    return {
      available: false,
      reason: `gpu.js is not installed or failed to load (${message}); install it with \`npm install gpu.js\``,
    };
  }
  try {
    const mode = process.env.MLSWEEP_GPU_MODE;
    const gpu = new GPU(mode ? { mode } : {});
    return { available: true, mode: gpu.mode, gpu };
  } catch (error) {
    return { available: false, reason: `gpu.js loaded but could not start: ${(error as Error).message}` };
  }
}
