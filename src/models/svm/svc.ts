import { mulberry32, UINT32_RANGE } from '../../compute/rng.ts';
import { ValidationError } from '../../core/errors.ts';
import { observeFit } from '../fit-listeners.ts';
import { encodeClasses } from '../input.ts';
import { type DenseClassifierState, DenseEstimator } from '../linear/base.ts';
import { rowMajor } from '../linear/ovr-classifier.ts';
import { predictionFeatures, trainingData } from '../linear/prepared.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type {
  Classifier,
  ComputeParams,
  FeatureInput,
  FitOptions,
  Label,
  LabelInput,
  SerializedEstimator,
} from '../types.ts';
import {
  type ColumnPool,
  float64Of,
  iota,
  type KernelBackend,
  KernelCache,
  type KernelName,
  type KernelRows,
  type KernelSpec,
  kernelBackend,
  kernelRow,
  kernelRows,
} from './kernel.ts';
import { pairwiseCoupling, sigmoidPredict, sigmoidTrain } from './platt.ts';
import { smo } from './smo.ts';

/** Hyperparameters of SVC (scikit-learn's names in camelCase). */
export interface SVCParams extends ComputeParams {
  /** Penalty of the margin violations; row i's bound is C times its weight (default 1). */
  C?: number;
  /** `rbf` (default), `linear`, `poly` or `sigmoid`. */
  kernel?: KernelName;
  /** Degree of `poly` (default 3). */
  degree?: number;
  /** `scale` (default: 1 / (features · variance of X)), `auto` (1 / features), or a number > 0. */
  gamma?: 'scale' | 'auto' | number;
  /** Constant of `poly` and `sigmoid` (default 0). */
  coef0?: number;
  /** Stop when the maximal violating pair violates by less than tol (default 1e-3). */
  tol?: number;
  /** Memory of the kernel-column cache, in MB (default 200, as scikit-learn). */
  cacheSize?: number;
  /** Most SMO steps per pair of classes (default null: libsvm's max(10⁷, 100·rows)). */
  maxIter?: number | null;
  /** Shrink the active set during SMO, as libsvm (default true): the same optimum, sooner. */
  shrinking?: boolean;
  /**
   * Folds of the cross-validation that fits Platt's sigmoids (default 5, libsvm's
   * probability=True); 0 fits them on the training decision values (no extra fits, but
   * overconfident probabilities).
   */
  plattFolds?: number;
  /**
   * Fit Platt's sigmoids, so that predictProba works (default true). false is
   * scikit-learn's default probability=False: no sigmoids, fit does only the SMO
   * solutions, and predictProba throws.
   */
  probability?: boolean;
  seed?: number;
}

interface SvcState extends DenseClassifierState {
  spec: KernelSpec;
  /** Support vectors, row-major nSV x p. */
  sv: Float64Array;
  nSV: number;
  /** Per pair of classes (i < j, in order), y·α of every support vector: nPairs x nSV. */
  coef: Float64Array;
  rho: Float64Array;
  probA: Float64Array;
  probB: Float64Array;
  /** Support vectors of each class. */
  nSupport: Int32Array;
  /** The most SMO steps of any pair. */
  nIter: number;
}

const VERSION = 1;

/** A two-class subproblem of one-vs-one: its rows (global indices), labels ±1 and bounds. */
interface PairProblem {
  rows: number[];
  y: Float64Array;
  C: Float64Array;
  weight: Float64Array;
}

/** Decision values Σ coef_s K(sv_s, x) - ρ of `test` rows, one SMO solution's. */
function decisions(
  spec: KernelSpec,
  sv: KernelRows,
  coef: Float64Array,
  rho: number,
  test: KernelRows,
  backend: KernelBackend,
): Float64Array {
  const out = new Float64Array(test.n);
  const k = new Float64Array(sv.n);
  for (let i = 0; i < test.n; i++) {
    kernelRow(spec, test, i, sv, k, backend);
    let s = -rho;
    for (let j = 0; j < sv.n; j++) s += coef[j]! * k[j]!;
    out[i] = s;
  }
  return out;
}

/** The rows of `all` at `index`, as kernel rows. */
function subset(all: Float64Array, p: number, index: ArrayLike<number>): KernelRows {
  const rows = new Float64Array(index.length * p);
  for (let r = 0; r < index.length; r++) rows.set(all.subarray(index[r]! * p, (index[r]! + 1) * p), r * p);
  return kernelRows(rows, index.length, p);
}

/**
 * A support vector classifier with a kernel, as scikit-learn's SVC (libsvm; Azure
 * AutoML's SVM): the C-SVC dual solved by SMO with libsvm's second-order working-set
 * selection, shrinking and a memory-bounded kernel cache; one-vs-one for more than two
 * classes, predicting by votes; probabilities by Platt's sigmoid per pair of classes,
 * fitted on cross-validated decision values (`plattFolds`), coupled over the classes by
 * Wu, Lin and Weng's method, as libsvm's probability=True (`probability: false`, as
 * scikit-learn's default, skips them). Fit costs grow with the square of
 * the rows (AutoML skips it on large data; see the candidates). Feature importances
 * are all 0: a kernel model keeps no per-feature weight.
 *
 * @example
 * const m = new SVC({ C: 10 }).fit([[0], [1], [2], [3], [4], [5]], ['a', 'a', 'a', 'b', 'b', 'b']);
 * m.predict([[0.5], [4.5]]); // ['a', 'b']
 */
export class SVC extends DenseEstimator<SvcState> implements Classifier {
  readonly estimatorType = 'classifier' as const;

  constructor(params: SVCParams = {}) {
    super('SVC', params, (r) => {
      const gamma = r.raw('gamma') ?? 'scale';
      if (
        gamma !== 'scale' &&
        gamma !== 'auto' &&
        !(typeof gamma === 'number' && gamma > 0 && Number.isFinite(gamma))
      ) {
        r.fail('gamma', "'scale', 'auto' or a number > 0", gamma);
      }
      return {
        C: r.number('C', 1, 0, Number.POSITIVE_INFINITY, true),
        kernel: r.oneOf<KernelName>('kernel', 'rbf', ['rbf', 'linear', 'poly', 'sigmoid']),
        degree: r.int('degree', 3, 0),
        gamma,
        coef0: r.number('coef0', 0, Number.NEGATIVE_INFINITY),
        tol: r.number('tol', 1e-3, 0, Number.POSITIVE_INFINITY, true),
        cacheSize: r.number('cacheSize', 200, 0, Number.POSITIVE_INFINITY, true),
        maxIter: r.intOrNull('maxIter', null, 1),
        shrinking: r.bool('shrinking', true),
        plattFolds: (() => {
          const f = r.int('plattFolds', 5, 0);
          if (f === 1) r.fail('plattFolds', '0 or an integer >= 2', f);
          return f;
        })(),
        probability: r.bool('probability', true),
      };
    });
  }

  get classes(): Label[] {
    return [...this.fitted().classes];
  }

  /** Support vectors of each class, in `classes` order. */
  get nSupport(): number[] {
    return Array.from(this.fitted().nSupport);
  }

  /** The most SMO steps any pair of classes took in the last fit. */
  get nIter(): number {
    return this.fitted().nIter;
  }

  /** All 0: a kernel model keeps no single weight per feature. */
  get featureImportances(): Float64Array {
    return new Float64Array(this.fitted().nFeatures);
  }

  private solve(
    X: KernelRows,
    pair: PairProblem,
    spec: KernelSpec,
    shared: { workspace?: Float64Array; pool?: ColumnPool } = {},
  ) {
    const cache = new KernelCache(spec, X, pair.y, (this.params.cacheSize as number) * 1e6, {
      backend: kernelBackend(this.backendChoice),
      index: pair.rows,
      ...shared,
    });
    const r = smo({
      y: pair.y,
      C: pair.C,
      Q: cache,
      eps: this.params.tol as number,
      maxIter: this.params.maxIter as number | null,
      shrinking: this.params.shrinking as boolean,
    });
    cache.release();
    return r;
  }

  /** Platt's A and B for one pair: on cross-validated decision values, or the training ones. */
  private platt(X: KernelRows, pair: PairProblem, spec: KernelSpec, trainDec: Float64Array, seed: number) {
    const folds = this.params.plattFolds as number;
    const l = pair.rows.length;
    if (folds === 0 || l < folds) return sigmoidTrain(trainDec, pair.y, pair.weight);
    const perm = iota(l);
    const next = mulberry32(seed);
    for (let i = 0; i < l; i++) {
      const j = i + Math.floor((next() / UINT32_RANGE) * (l - i));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    const dec = new Float64Array(l);
    for (let f = 0; f < folds; f++) {
      const begin = Math.floor((f * l) / folds);
      const end = Math.floor(((f + 1) * l) / folds);
      const train = [...perm.subarray(0, begin), ...perm.subarray(end)];
      const held = perm.subarray(begin, end);
      let pos = 0;
      for (const t of train) if (pair.y[t]! > 0) pos++;
      if (pos === 0 || pos === train.length) {
        for (const t of held) dec[t] = pos === 0 ? -1 : 1;
        continue;
      }
      const sub: PairProblem = {
        rows: train.map((t) => pair.rows[t]!),
        y: Float64Array.from(train, (t) => pair.y[t]!),
        C: Float64Array.from(train, (t) => pair.C[t]!),
        weight: Float64Array.from(train, (t) => pair.weight[t]!),
      };
      const r = this.solve(X, sub, spec);
      const coef = Float64Array.from(r.alpha, (a, s) => a * sub.y[s]!);
      const values = decisions(
        spec,
        subset(X.rows, X.p, sub.rows),
        coef,
        r.rho,
        subset(
          X.rows,
          X.p,
          Array.from(held, (t) => pair.rows[t]!),
        ),
        kernelBackend(this.backendChoice),
      );
      held.forEach((t, h) => {
        dec[t] = values[h]!;
      });
    }
    return sigmoidTrain(dec, pair.y, pair.weight);
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const { classes, codes } = encodeClasses(y);
      const data = trainingData(X, codes.length, options.sampleWeight);
      const { nRows: n, nCols: p } = data.X;
      const rows: KernelRows = { ...kernelRows(rowMajor(data.X), n, p), columns: data.X.data };
      const spec = this.kernelSpec(data.X.data, n, p, data.weight);
      const K = classes.length;
      const C = this.params.C as number;
      const pairs: Array<{
        alpha: Float64Array;
        rows: number[];
        y: Float64Array;
        rho: number;
        A: number;
        B: number;
      }> = [];
      let nIter = 0;
      // one native copy of a pair's rows and one pool of columns, sized by the two largest classes, for every pair
      const count = new Int32Array(K);
      for (let i = 0; i < n; i++) count[codes[i]!]!++;
      const [first = 0, second = 0] = Array.from(count).sort((u, v) => v - u);
      const shared = {
        workspace:
          kernelBackend(this.backendChoice) === 'native' ? new Float64Array((first + second) * p) : undefined,
        pool: { length: first + second, free: [] },
      };
      for (let a = 0; a < K; a++) {
        for (let b = a + 1; b < K; b++) {
          const idx: number[] = [];
          for (let i = 0; i < n; i++)
            if ((codes[i] === a || codes[i] === b) && data.weight[i]! > 0) idx.push(i);
          const pair: PairProblem = {
            rows: idx,
            y: float64Of(idx.length, (t) => (codes[idx[t]!] === a ? 1 : -1)),
            C: float64Of(idx.length, (t) => C * data.weight[idx[t]!]!),
            weight: float64Of(idx.length, (t) => data.weight[idx[t]!]!),
          };
          const r = this.solve(rows, pair, spec, shared);
          nIter = Math.max(nIter, r.nIter);
          let A = 0;
          let B = 0;
          if (this.params.probability) {
            const trainDec = float64Of(r.G.length, (t) => pair.y[t]! * (r.G[t]! + 1) - r.rho);
            const seed = ((this.params.seed as number) + Math.imul(pairs.length, 0x9e3779b9)) >>> 0;
            ({ A, B } = this.platt(rows, pair, spec, trainDec, seed));
          }
          pairs.push({ alpha: r.alpha, rows: idx, y: pair.y, rho: r.rho, A, B });
        }
      }
      // the union of every pair's support vectors, in row order
      const svOf = new Int32Array(n).fill(-1);
      for (const pr of pairs) {
        for (let t = 0; t < pr.alpha.length; t++) if (pr.alpha[t]! > 0) svOf[pr.rows[t]!] = 0;
      }
      const svRows: number[] = [];
      for (let i = 0; i < n; i++) if (svOf[i] === 0) svOf[i] = svRows.push(i) - 1;
      const nSV = svRows.length;
      const coef = new Float64Array(pairs.length * nSV);
      pairs.forEach((pr, k) => {
        pr.alpha.forEach((al, t) => {
          if (al > 0) coef[k * nSV + svOf[pr.rows[t]!]!] = al * pr.y[t]!;
        });
      });
      const nSupport = new Int32Array(K);
      for (const i of svRows) nSupport[codes[i]!]!++;
      this.state = {
        nFeatures: p,
        fill: data.fill,
        classes,
        spec,
        sv: subset(rows.rows, p, svRows).rows,
        nSV,
        coef,
        rho: Float64Array.from(pairs, (pr) => pr.rho),
        probA: this.params.probability ? Float64Array.from(pairs, (pr) => pr.A) : new Float64Array(0),
        probB: this.params.probability ? Float64Array.from(pairs, (pr) => pr.B) : new Float64Array(0),
        nSupport,
        nIter,
      };
      return this;
    });
  }

  /**
   * The kernel with gamma resolved on the training features (column-major `data`): `scale`
   * is 1 / (p · Var(X)) over every value of X, each row counted by its weight (scikit-learn's
   * X.var() without weights), so that a weight of 2 is the row twice here too.
   */
  private kernelSpec(data: Float64Array, n: number, p: number, weight: Float64Array): KernelSpec {
    const g = this.params.gamma as 'scale' | 'auto' | number;
    let gamma: number;
    if (g === 'auto') gamma = 1 / p;
    else if (g === 'scale') {
      let sw = 0;
      let mean = 0;
      for (let j = 0; j < p; j++) {
        for (let i = 0; i < n; i++) {
          mean += weight[i]! * data[j * n + i]!;
          sw += weight[i]!;
        }
      }
      mean /= sw;
      let v2 = 0;
      for (let j = 0; j < p; j++)
        for (let i = 0; i < n; i++) v2 += weight[i]! * (data[j * n + i]! - mean) ** 2;
      const variance = v2 / sw;
      gamma = variance > 0 ? 1 / (p * variance) : 1;
    } else gamma = g;
    return {
      kernel: this.params.kernel as KernelName,
      gamma,
      degree: this.params.degree as number,
      coef0: this.params.coef0 as number,
    };
  }

  /** libsvm's decision values: n x nPairs, row-major, positive for the first class of each pair. */
  private pairDecisions(X: FeatureInput): { values: Float64Array; n: number } {
    const s = this.fitted();
    const m = predictionFeatures(X, s.fill);
    const test = kernelRows(rowMajor(m), m.nRows, s.nFeatures);
    const sv = kernelRows(s.sv, s.nSV, s.nFeatures);
    const nPairs = s.rho.length;
    const values = new Float64Array(m.nRows * nPairs);
    const k = new Float64Array(s.nSV);
    const backend = kernelBackend(this.backendChoice);
    for (let i = 0; i < m.nRows; i++) {
      kernelRow(s.spec, test, i, sv, k, backend);
      for (let q = 0; q < nPairs; q++) {
        let v = -s.rho[q]!;
        const o = q * s.nSV;
        for (let j = 0; j < s.nSV; j++) v += s.coef[o + j]! * k[j]!;
        values[i * nPairs + q] = v;
      }
    }
    return { values, n: m.nRows };
  }

  /**
   * Decision values as scikit-learn's with decision_function_shape 'ovo': one per row
   * for two classes (positive means the second class), else one per pair of classes
   * (0,1), (0,2), ..., (1,2), ... (positive means the first of the pair), row-major.
   */
  decisionFunction(X: FeatureInput): Float64Array {
    const { values } = this.pairDecisions(X);
    return this.fitted().classes.length === 2 ? values.map((v) => -v) : values;
  }

  predict(X: FeatureInput): Label[] {
    const s = this.fitted();
    const K = s.classes.length;
    const { values, n } = this.pairDecisions(X);
    const nPairs = s.rho.length;
    const out: Label[] = new Array(n);
    const votes = new Int32Array(K);
    for (let i = 0; i < n; i++) {
      votes.fill(0);
      let q = 0;
      for (let a = 0; a < K; a++)
        for (let b = a + 1; b < K; b++) votes[values[i * nPairs + q++]! > 0 ? a : b]!++;
      let best = 0;
      for (let a = 1; a < K; a++) if (votes[a]! > votes[best]!) best = a;
      out[i] = s.classes[best]!;
    }
    return out;
  }

  predictProba(X: FeatureInput): number[][] {
    const s = this.fitted();
    const K = s.classes.length;
    if (s.probA.length !== s.rho.length) {
      throw new ValidationError('SVC: predictProba needs probability true; this model was fitted without', {
        path: 'probability',
      });
    }
    const { values, n } = this.pairDecisions(X);
    const nPairs = s.rho.length;
    const out: number[][] = new Array(n);
    const r = new Float64Array(K * K);
    for (let i = 0; i < n; i++) {
      if (K === 1) {
        out[i] = [1];
        continue;
      }
      let q = 0;
      for (let a = 0; a < K; a++) {
        for (let b = a + 1; b < K; b++) {
          const pr = Math.min(
            Math.max(sigmoidPredict(values[i * nPairs + q]!, s.probA[q]!, s.probB[q]!), 1e-7),
            1 - 1e-7,
          );
          r[a * K + b] = pr;
          r[b * K + a] = 1 - pr;
          q++;
        }
      }
      out[i] = K === 2 ? [r[1]!, r[2]!] : Array.from(pairwiseCoupling(r, K));
    }
    return out;
  }

  toJSON(): SerializedEstimator {
    const s = this.fitted();
    return this.serialize(VERSION, {
      classes: s.classes,
      spec: s.spec,
      sv: encodeArray(s.sv),
      nSV: s.nSV,
      coef: encodeArray(s.coef),
      rho: encodeArray(s.rho),
      probA: encodeArray(s.probA),
      probB: encodeArray(s.probB),
      nSupport: encodeArray(s.nSupport),
      nIter: s.nIter,
    });
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): SVC {
    const common = DenseEstimator.readCommon(json, 'SVC', VERSION);
    const m = new SVC(json.params as SVCParams);
    const st = json.state;
    const classes = st.classes as Label[];
    const nSV = Number(st.nSV);
    const sv = decodeArray(st.sv, 'f64', 'state.sv');
    const coef = decodeArray(st.coef, 'f64', 'state.coef');
    const rho = decodeArray(st.rho, 'f64', 'state.rho');
    const K = Array.isArray(classes) ? classes.length : 0;
    const nPairs = (K * (K - 1)) / 2;
    if (
      K < 1 ||
      sv.length !== nSV * common.nFeatures ||
      coef.length !== nPairs * nSV ||
      rho.length !== nPairs
    ) {
      throw new ValidationError('state: classes, support vectors, coef and rho do not agree', {
        path: 'state',
      });
    }
    m.state = {
      ...common,
      classes,
      spec: st.spec as KernelSpec,
      sv,
      nSV,
      coef,
      rho,
      probA: decodeArray(st.probA, 'f64', 'state.probA'),
      probB: decodeArray(st.probB, 'f64', 'state.probB'),
      nSupport: decodeArray(st.nSupport, 'i32', 'state.nSupport'),
      nIter: Number(st.nIter),
    };
    return m;
  }
}
