/**
 * Sobol' low-discrepancy points with Joe & Kuo's direction numbers (up to
 * JOE_KUO_DIMENSIONS dimensions, 2^32 points), optionally scrambled from a seed by a
 * random linear matrix scramble plus a digital shift (Matoušek 1998, Owen 2003): each
 * dimension's direction numbers are multiplied by a random lower-triangular binary
 * matrix with unit diagonal, and every point is XORed with a random shift. Scrambling
 * keeps the net structure (so the low discrepancy) and removes the first point at 0
 * and the alignment between dimensions. Unscrambled, points equal the published
 * sequence (and scipy.stats.qmc.Sobol with scramble=False).
 */
import seedrandom from 'seedrandom';
import { ValidationError } from '../core/errors.ts';
import { JOE_KUO_DIMENSIONS, JOE_KUO_TABLE } from './joe-kuo.ts';

const BITS = 32;
const SCALE = 2 ** -BITS;

let table: number[][] | undefined;

/** The Joe–Kuo rows (s, a, m_1..m_s) of dimensions 2.., parsed once. */
function joeKuo(): number[][] {
  table ??= JOE_KUO_TABLE.split('\n').map((line) => line.split(' ').map(Number));
  return table;
}

/**
 * The 32 direction numbers v_1..v_32 of dimension `d` (0-based), as 32-bit integers
 * whose most significant bit is the first binary digit.
 *
 * @example
 * directionNumbers(0)[0]; // 2^31: the first dimension is the van der Corput sequence
 */
export function directionNumbers(d: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (d === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const row = joeKuo()[d - 1];
  if (row === undefined) {
    throw new ValidationError(
      `Sobol points have at most ${JOE_KUO_DIMENSIONS} dimensions, asked for dimension ${d + 1}`,
    );
  }
  const [s, a] = row as [number, number];
  for (let k = 0; k < BITS; k++) {
    if (k < s) {
      v[k] = ((row[2 + k] as number) * 2 ** (BITS - 1 - k)) >>> 0;
      continue;
    }
    let x = (v[k - s] as number) ^ ((v[k - s] as number) >>> s);
    for (let i = 1; i < s; i++) {
      if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i] as number;
    }
    v[k] = x >>> 0;
  }
  return v;
}

function parity(x: number): number {
  let y = x ^ (x >>> 16);
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return y & 1;
}

/** L·v over GF(2), where row i of L (digit i, from the most significant) is `rows[i]`. */
function multiply(rows: Uint32Array, v: number): number {
  let out = 0;
  for (let i = 0; i < BITS; i++) out |= parity((rows[i] as number) & v) << (BITS - 1 - i);
  return out >>> 0;
}

/** Options of a Sobol sequence. */
export interface SobolOptions {
  /** Scramble (linear matrix scramble + digital shift) from this seed; unscrambled when undefined. */
  readonly seed?: number | string | undefined;
}

/**
 * A Sobol' sequence in [0, 1)^dimensions. `at(n)` gives any point directly (Gray-code
 * order, as Antonov–Saleev), so the n-th suggestion of a sweep does not depend on how
 * the earlier ones were drawn.
 *
 * @example
 * const sobol = new SobolSequence(2);
 * sobol.at(1); // Float64Array [0.5, 0.5]
 * new SobolSequence(5, { seed: 42 }).at(0); // a scrambled point, the same on every run
 */
export class SobolSequence {
  readonly dimensions: number;
  readonly scrambled: boolean;
  /** Direction numbers, dimension-major: v[d * 32 + k]. */
  private readonly v: Uint32Array;
  private readonly shift: Uint32Array;

  constructor(dimensions: number, options: SobolOptions = {}) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > JOE_KUO_DIMENSIONS) {
      throw new ValidationError(`Sobol points need 1..${JOE_KUO_DIMENSIONS} dimensions, got ${dimensions}`, {
        path: 'dimensions',
      });
    }
    this.dimensions = dimensions;
    this.scrambled = options.seed !== undefined;
    this.v = new Uint32Array(dimensions * BITS);
    this.shift = new Uint32Array(dimensions);
    const rng = this.scrambled ? seedrandom(`sobol:${String(options.seed)}`) : undefined;
    const rows = new Uint32Array(BITS);
    for (let d = 0; d < dimensions; d++) {
      const dn = directionNumbers(d);
      if (rng !== undefined) {
        for (let i = 0; i < BITS; i++) {
          // Row i: unit diagonal at digit i, random digits before it, zeros after.
          const diagonal = 2 ** (BITS - 1 - i);
          const above = i === 0 ? 0 : ((rng.int32() >>> 0) & ~(2 * diagonal - 1)) >>> 0;
          rows[i] = (above | diagonal) >>> 0;
        }
        for (let k = 0; k < BITS; k++) dn[k] = multiply(rows, dn[k] as number);
        this.shift[d] = rng.int32() >>> 0;
      }
      this.v.set(dn, d * BITS);
    }
  }

  /**
   * The n-th point (n from 0) into `out` (allocated when absent).
   *
   * @example
   * new SobolSequence(3).at(2); // Float64Array [0.75, 0.25, 0.25]
   */
  at(n: number, out: Float64Array = new Float64Array(this.dimensions)): Float64Array {
    if (!Number.isInteger(n) || n < 0 || n >= 2 ** BITS) {
      throw new ValidationError(`Sobol point index must be an integer in [0, 2^32), got ${n}`, {
        path: 'index',
      });
    }
    const gray = (n ^ Math.floor(n / 2)) >>> 0;
    for (let d = 0; d < this.dimensions; d++) {
      let x = this.shift[d] as number;
      const base = d * BITS;
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) {
        if (g & 1) x ^= this.v[base + k] as number;
      }
      out[d] = (x >>> 0) * SCALE;
    }
    return out;
  }
}
