import { BackendUnavailableError } from '../../core/errors.ts';
import { gpuStatus } from './load.ts';

/** The part of a gpu.js kernel the dense kernels use. */
export interface GpuKernel {
  (...args: unknown[]): Float32Array | Float32Array[];
  setOutput(output: number[]): void;
}

/** The part of gpu.js's GPU class the dense kernels use. */
export interface GpuInstance {
  mode: string;
  Kernel?: { mode?: string };
  createKernel(fn: (...args: never[]) => number, settings: Record<string, unknown>): GpuKernel;
}

/** gpu.js modes that run on a graphics device; `cpu` and `webasm` run on the processor. */
const REAL_GPU_MODES = new Set(['gpu', 'headlessgl', 'webgl', 'webgl2', 'webgpu']);

/**
 * The mode a gpu.js instance really runs in: the kernel class it chose (a requested
 * `gpu` may have fallen back to `webasm`), else its requested mode.
 *
 * @example
 * effectiveMode(new GPU({ mode: 'cpu' })); // 'cpu'
 */
export function effectiveMode(gpu: GpuInstance): string {
  return gpu.Kernel?.mode ?? gpu.mode;
}

/** True when the gpu.js instance runs on a graphics device rather than the CPU. */
export function isRealGpuMode(mode: string): boolean {
  return REAL_GPU_MODES.has(mode);
}

/**
 * The gpu.js instance the `gpu` backend uses (the one src/compute/gpu/load.ts loaded), or a
 * new one in `mode` (e.g. `cpu` in tests) from the same gpu.js. Throws a
 * BackendUnavailableError naming why when gpu.js is absent.
 *
 * @example
 * const gpu = gpuInstance('cpu'); // gpu.js's JavaScript mode, for tests without a GPU
 */
export function gpuInstance(mode?: string): GpuInstance {
  const status = gpuStatus();
  if (!status.available) throw new BackendUnavailableError('gpu', status.reason);
  const shared = status.gpu as GpuInstance;
  if (mode === undefined || mode === shared.mode) return shared;
  let instance = others.get(mode);
  if (!instance) {
    const GPU = (shared as unknown as { constructor: new (s: { mode: string }) => GpuInstance }).constructor;
    instance = new GPU({ mode });
    others.set(mode, instance);
  }
  return instance;
}

const others = new Map<string, GpuInstance>();
const kernels = new WeakMap<GpuInstance, Map<string, GpuKernel>>();

/**
 * One compiled kernel per gpu.js instance and name, compiled on first use with dynamic
 * output and arguments so that blocks of any shape reuse it.
 *
 * @example
 * const k = cachedKernel(gpu, 'scores', scoresKernel, 4096);
 */
export function cachedKernel(
  gpu: GpuInstance,
  name: string,
  fn: (...args: never[]) => number,
  loopMaxIterations: number,
): GpuKernel {
  let byName = kernels.get(gpu);
  if (!byName) {
    byName = new Map();
    kernels.set(gpu, byName);
  }
  const key = `${name}:${loopMaxIterations}`;
  let kernel = byName.get(key);
  if (!kernel) {
    kernel = gpu.createKernel(fn, {
      output: [1],
      dynamicOutput: true,
      dynamicArguments: true,
      precision: 'single',
      tactic: 'precision',
      // gpu.js cuts loops whose bound is an argument at this count (1000 by default),
      // silently: every kernel states its longest loop.
      loopMaxIterations,
    });
    byName.set(key, kernel);
  }
  return kernel;
}

/** A kernel's result as one flat Float32Array, whether gpu.js returned it flat or by rows. */
export function flatten(result: Float32Array | Float32Array[], length: number): Float32Array {
  if (result instanceof Float32Array) return result;
  const out = new Float32Array(length);
  let off = 0;
  for (const row of result) {
    out.set(row, off);
    off += row.length;
  }
  return out;
}

/** What gpu.js binds `this` to inside a kernel. */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
}

/**
 * Rows r0 .. r0+len of a column-major float64 matrix as a column-major float32 block,
 * the form gpu.js uploads.
 *
 * @example
 * toFloat32Block(X.data, X.nRows, X.nCols, 0, 1024);
 */
export function toFloat32Block(M: Float64Array, n: number, p: number, r0: number, len: number): Float32Array {
  const out = new Float32Array(len * p);
  for (let j = 0; j < p; j++) {
    const src = j * n + r0;
    for (let i = 0; i < len; i++) out[j * len + i] = M[src + i]!;
  }
  return out;
}
