import { ValidationError } from '../../../core/errors.ts';
import { type BackendChoice, type BackendName, defaultThreads } from '../../backend.ts';
import type { ColumnMatrix } from '../../matrix.ts';
import { chooseBackend, implementationOn, kernel } from '../kernel.ts';
import type { BinningImplementation, BinSettings } from './contract.ts';
import { allocateBinEdges, type BinEdges, DEFAULT_BIN_SAMPLE_SIZE, MAX_VALUE_BINS } from './edges.ts';
import * as js from './js.ts';
import * as native from './native.ts';

export type { BinEdges } from './edges.ts';
export { columnEdges, MAX_VALUE_BINS, MISSING_BIN } from './edges.ts';

/** Quantile binning, the input of the tree learners: native, js (identical bins). */
export const binningKernel = kernel('binning').implementedBy<BinningImplementation>({ native, js });

/** Options of {@link binFeatures}. */
export interface BinningOptions {
  /** Value bins per column, 2..255 (default 255); missing values always get bin 255. */
  maxBins?: number;
  /** Indices of categorical columns (values are category codes): one bin per category. */
  categorical?: readonly number[];
  /** Rows used to find the quantile edges (default 200,000); more rows are sampled. */
  sampleSize?: number;
  /** Seed of the row sample (default 0). */
  seed?: number;
  /** Backend for this call; default: setBackend() / MLSWEEP_BACKEND / auto. */
  backend?: BackendChoice;
  /** Threads of the native backend (default: every core). */
  nThreads?: number;
}

/** A matrix mapped to bins: column-major `bins` (nRows x nCols) and the edges used. */
export interface BinnedMatrix {
  readonly bins: Uint8Array;
  readonly nRows: number;
  readonly nCols: number;
  readonly edges: BinEdges;
  /** The backend that computed it. */
  readonly backend: BackendName;
}

/** Below this many cells the async variant runs inline: a thread hop costs more. */
const ASYNC_MIN_CELLS = 65_536;

interface ResolvedOptions extends BinSettings {
  backend: BackendName;
}

/**
 * Quantile-bins every column of a column-major matrix into bytes: the input format
 * of the histogram tree learners. Identical bins on every backend; the rules are in
 * edges.ts.
 *
 * @example
 * const X = columnMatrix(new Float64Array([1, 2, 3, NaN]), 4, 1);
 * binFeatures(X).bins; // Uint8Array [0, 1, 2, 255]
 */
export function binFeatures(X: ColumnMatrix, options: BinningOptions = {}): BinnedMatrix {
  const o = resolve(X, options);
  const edges = allocateBinEdges(X.nCols, o.categorical);
  const bins = new Uint8Array(X.nRows * X.nCols);
  implementationOn(binningKernel, o.backend).fitAndBin(X, o, edges, bins);
  return { bins, nRows: X.nRows, nCols: X.nCols, edges, backend: o.backend };
}

/**
 * As {@link binFeatures}, but native work runs on a worker thread of libuv, so the
 * event loop stays free while a large matrix is binned.
 */
export async function binFeaturesAsync(X: ColumnMatrix, options: BinningOptions = {}): Promise<BinnedMatrix> {
  const o = resolve(X, options);
  const implementation = implementationOn(binningKernel, o.backend);
  if (!implementation.fitAndBinAsync || X.nRows * X.nCols < ASYNC_MIN_CELLS) return binFeatures(X, options);
  const edges = allocateBinEdges(X.nCols, o.categorical);
  const bins = new Uint8Array(X.nRows * X.nCols);
  await implementation.fitAndBinAsync(X, o, edges, bins);
  return { bins, nRows: X.nRows, nCols: X.nCols, edges, backend: o.backend };
}

/**
 * Maps a new matrix (e.g. rows to predict) to bins with edges fitted earlier.
 *
 * @example
 * const train = binFeatures(Xtrain);
 * const testBins = applyBins(Xtest, train.edges);
 */
export function applyBins(
  X: ColumnMatrix,
  edges: BinEdges,
  options: Pick<BinningOptions, 'backend' | 'nThreads'> = {},
): Uint8Array {
  if (X.nCols !== edges.nCols) {
    throw new ValidationError(`the edges were fitted on ${edges.nCols} columns, but X has ${X.nCols}`, {
      path: 'X',
    });
  }
  const backend = chooseBackend(options.backend, binningKernel);
  const bins = new Uint8Array(X.nRows * X.nCols);
  implementationOn(binningKernel, backend).applyBins(X, edges, bins, threads(options.nThreads));
  return bins;
}

function threads(n: number | undefined): number {
  if (n === undefined) return defaultThreads();
  if (!Number.isInteger(n) || n < 1) {
    throw new ValidationError(`nThreads must be a positive integer, got ${n}`, { path: 'nThreads' });
  }
  return n;
}

function resolve(X: ColumnMatrix, options: BinningOptions): ResolvedOptions {
  const maxBins = options.maxBins ?? MAX_VALUE_BINS;
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_VALUE_BINS) {
    throw new ValidationError(`maxBins must be an integer from 2 to ${MAX_VALUE_BINS}, got ${maxBins}`, {
      path: 'maxBins',
    });
  }
  const sampleSize = options.sampleSize ?? DEFAULT_BIN_SAMPLE_SIZE;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new ValidationError(`sampleSize must be a positive integer, got ${sampleSize}`, {
      path: 'sampleSize',
    });
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ValidationError(`seed must be an integer from 0 to 2^32-1, got ${seed}`, { path: 'seed' });
  }
  const categorical = new Uint8Array(X.nCols);
  for (const c of options.categorical ?? []) {
    if (!Number.isInteger(c) || c < 0 || c >= X.nCols) {
      throw new ValidationError(
        `categorical column index ${c} is not a column of a matrix with ${X.nCols} columns`,
        {
          path: 'categorical',
        },
      );
    }
    categorical[c] = 1;
  }
  return {
    maxBins,
    categorical,
    sampleSize,
    seed,
    nThreads: threads(options.nThreads),
    backend: chooseBackend(options.backend, binningKernel),
  };
}
