import { arch, platform, release } from 'node:os';
import { packageVersion } from '../cli/version.ts';
import { defaultThreads, getBackendChoice } from './backend.ts';
import { gpuStatus } from './gpu/load.ts';
import { selectBackend } from './kernels/table.ts';
import { nativeStatus } from './native/load.ts';

export interface BackendReport {
  available: boolean;
  /** Why not, when unavailable; what it is, when available. */
  detail: string;
}

/** What `mlsweep doctor` prints: the environment and each backend's availability. */
export interface DoctorReport {
  mlsweep: string;
  node: string;
  platform: string;
  threads: number;
  backendChoice: string;
  selected: string;
  backends: { js: BackendReport; native: BackendReport; gpu: BackendReport };
}

/** Gathers the doctor report. Loads gpu.js if installed, to report its mode. */
export function doctorReport(): DoctorReport {
  const native = nativeStatus();
  const gpu = gpuStatus();
  const choice = getBackendChoice();
  return {
    mlsweep: packageVersion(),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    threads: defaultThreads(),
    backendChoice: choice,
    selected: selectBackend(choice === 'gpu' ? 'auto' : choice, 'binning'),
    backends: {
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
    },
  };
}
