import { type ColumnMatrix, columnMatrix } from '../../compute/matrix.ts';
import { mulberry32 } from '../../compute/rng.ts';
import { ValidationError } from '../../core/errors.ts';

/**
 * A cooperative game per explained row, as permutation sampling sees it: players are the
 * features (or input columns), and a coalition is evaluated on a hybrid row that takes
 * the players in the coalition from the explained row and the others from a background row.
 */
export interface HybridGame {
  /** Rows to explain. */
  readonly nRows: number;
  readonly nPlayers: number;
  /** Outputs of the model per row (1 for a value, one per class for probabilities). */
  readonly nOut: number;
  /** Background rows (the reference distribution of a player left out). */
  readonly nBackground: number;
  /**
   * Model outputs (count x nOut, row-major) of `count` hybrids of explained row `row`:
   * hybrid i takes player p from the explained row where `masks[i * nPlayers + p]` is 1,
   * from background row `background[i]` elsewhere.
   */
  evaluate(row: number, background: Int32Array, masks: Uint8Array, count: number): Float64Array;
}

/** Options of permutation-sampling Shapley values. */
export interface SamplingOptions {
  /** Permutations drawn per background row, rounded up to an even count (antithetic pairs); default 4. */
  readonly permutationsPerBackground?: number;
  /** Seed of the permutations (the same permutations explain every row); default 0. */
  readonly seed?: number;
}

/** A seeded uniform permutation of 0..n-1 (Fisher-Yates). */
function permutation(n: number, next: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * Shapley values by permutation sampling (Strumbelj and Kononenko, 2014) with antithetic
 * permutations, seeded and deterministic. Each sample pairs a background row b with a
 * permutation of the players; the players are switched from b to the explained row x in
 * that order, and each is credited with the change of the output it causes. Every
 * background row gets the same number of permutations, so the credits of a row telescope
 * to exactly f(x) - mean_b f(b): contributions plus `expectedValue` (the mean output over
 * the background) equal the model's output, up to floating-point rounding, however few
 * samples are drawn. Each value is an unbiased estimate of the Shapley value of the
 * interventional game (players left out take background values); for a model additive in
 * its players (a linear model) every sample gives the exact value.
 *
 * @example
 * const { values, expectedValue } = samplingShapley(game, { permutationsPerBackground: 4, seed: 1 });
 */
export function samplingShapley(
  game: HybridGame,
  options: SamplingOptions = {},
): { values: Float64Array; expectedValue: Float64Array } {
  const { nRows, nPlayers: m, nOut, nBackground: nb } = game;
  if (nb < 1)
    throw new ValidationError('Shapley sampling needs at least one background row', { path: 'background' });
  const perBackground = Math.max(2, 2 * Math.ceil((options.permutationsPerBackground ?? 4) / 2));
  const next = mulberry32(options.seed ?? 0);
  const samples: Array<{ b: number; order: Int32Array }> = [];
  for (let b = 0; b < nb; b++) {
    for (let p = 0; p < perBackground; p += 2) {
      const order = permutation(m, next);
      samples.push({ b, order }, { b, order: order.slice().reverse() });
    }
  }
  const values = new Float64Array(nRows * nOut * m);
  const expectedValue = new Float64Array(nOut);
  if (nRows === 0) return { values, expectedValue };
  // outputs of the background rows (no player known) and of each explained row (all known)
  const backgroundOut = game.evaluate(
    0,
    Int32Array.from({ length: nb }, (_, b) => b),
    new Uint8Array(nb * m),
    nb,
  );
  for (let b = 0; b < nb; b++)
    for (let k = 0; k < nOut; k++) expectedValue[k]! += backgroundOut[b * nOut + k]! / nb;
  const steps = Math.max(m - 1, 0);
  const count = samples.length * steps + 1;
  const masks = new Uint8Array(count * m);
  const background = new Int32Array(count);
  samples.forEach(({ b, order }, s) => {
    for (let j = 1; j <= steps; j++) {
      const i = s * steps + j - 1;
      background[i] = b;
      for (let q = 0; q < j; q++) masks[i * m + order[q]!] = 1;
    }
  });
  masks.fill(1, (count - 1) * m); // the last hybrid is the explained row itself
  for (let r = 0; r < nRows; r++) {
    const out = game.evaluate(r, background, masks, count);
    const phi = values.subarray(r * nOut * m, (r + 1) * nOut * m);
    const full = (count - 1) * nOut;
    samples.forEach(({ b, order }, s) => {
      for (let j = 1; j <= m; j++) {
        const player = order[j - 1]!;
        const now = j === m ? full : (s * steps + j - 1) * nOut;
        const before = j === 1 ? -1 : (s * steps + j - 2) * nOut;
        for (let k = 0; k < nOut; k++) {
          const prev = before < 0 ? backgroundOut[b * nOut + k]! : out[before + k]!;
          phi[k * m + player]! += out[now + k]! - prev;
        }
      }
    });
    for (let i = 0; i < phi.length; i++) phi[i]! /= samples.length;
  }
  return { values, expectedValue };
}

/**
 * Permutation-sampling Shapley values (see {@link samplingShapley}) of any model given as
 * a function of a column-major matrix, for the rows of X against the rows of `background`.
 *
 * @example
 * const shap = samplingShap((m) => model.predict(m), 1, X, background, { seed: 0 });
 */
export function samplingShap(
  predict: (X: ColumnMatrix) => Float64Array,
  nOut: number,
  X: ColumnMatrix,
  background: ColumnMatrix,
  options: SamplingOptions = {},
): { values: Float64Array; expectedValue: Float64Array } {
  if (background.nCols !== X.nCols) {
    throw new ValidationError(`the background has ${background.nCols} columns, but X has ${X.nCols}`, {
      path: 'background',
    });
  }
  const m = X.nCols;
  return samplingShapley(
    {
      nRows: X.nRows,
      nPlayers: m,
      nOut,
      nBackground: background.nRows,
      evaluate(row, bg, masks, count) {
        const data = new Float64Array(count * m);
        for (let c = 0; c < m; c++) {
          const x = X.data[c * X.nRows + row]!;
          const col = background.data.subarray(c * background.nRows, (c + 1) * background.nRows);
          for (let i = 0; i < count; i++) data[c * count + i] = masks[i * m + c] ? x : col[bg[i]!]!;
        }
        return predict(columnMatrix(data, count, m));
      },
    },
    options,
  );
}
