import type { BackendChoice } from '../../compute/backend.ts';
import { nextTurn } from '../../compute/event-loop.ts';
import { ValidationError } from '../../core/errors.ts';
import { argmaxLabels, probaRows } from '../classes.ts';
import { assertFitted } from '../input.ts';
import { type ParamReader, readEstimatorParams } from '../params.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type {
  Classifier,
  FeatureInput,
  FitOptions,
  Label,
  LabelInput,
  SerializedEstimator,
} from '../types.ts';
import { withParams } from '../with-params.ts';

/** What every fitted dense model keeps: its feature count and missing-value fill values. */
export interface DenseState {
  nFeatures: number;
  fill: Float64Array;
}

/**
 * The machinery the linear, k-NN and naive Bayes estimators share: hyperparameters read
 * by a ParamReader (backend, nThreads and seed included), the fitted-state guard, the
 * async fit, and the JSON envelope with the fill values.
 */
export abstract class DenseEstimator<S extends DenseState> {
  readonly params: Readonly<Record<string, unknown>>;
  protected readonly backendChoice: BackendChoice;
  protected readonly nThreadsParam: number | null;
  protected state: S | undefined;

  protected constructor(
    readonly name: string,
    given: object,
    readSpecific: (r: ParamReader) => Record<string, unknown>,
  ) {
    const { params, compute } = readEstimatorParams(name, given, readSpecific, (own) => own);
    this.params = params;
    this.backendChoice = compute.backend;
    this.nThreadsParam = compute.nThreads;
  }

  /** A new unfitted model of this class with `changes` over these hyperparameters (see withParams). */
  withParams(changes: Readonly<Record<string, unknown>>): this {
    return withParams(this, changes);
  }

  abstract fit(X: FeatureInput, y: LabelInput, options?: FitOptions): this;

  abstract get featureImportances(): Float64Array;

  abstract toJSON(): SerializedEstimator;

  /**
   * As fit. The dense models' fits are short (one pass of a solver over in-memory
   * arrays); this yields to the event loop once, then fits.
   */
  async fitAsync(X: FeatureInput, y: LabelInput, options?: FitOptions): Promise<this> {
    await nextTurn();
    return this.fit(X, y, options);
  }

  /** The fitted state; NotFittedError before fit. */
  protected fitted(): S {
    return assertFitted(this.state, this.name);
  }

  get nFeatures(): number {
    return this.fitted().nFeatures;
  }

  /** The envelope of toJSON: type, version, params, and the state's fill values with `extra`. */
  protected serialize(version: number, extra: Record<string, unknown>): SerializedEstimator {
    const s = this.fitted();
    return {
      type: this.name,
      version,
      params: { ...this.params },
      state: { nFeatures: s.nFeatures, fill: encodeArray(s.fill), ...extra },
    };
  }

  /** Reads the common part of a serialized state, checking type and version. */
  protected static readCommon(json: SerializedEstimator, type: string, version: number): DenseState {
    if (json?.type !== type || json.version !== version) {
      throw new ValidationError(
        `expected a serialized ${type} of version ${version}, got ${json?.type} version ${json?.version}`,
        { path: 'type' },
      );
    }
    const fill = decodeArray(json.state.fill, 'f64', 'state.fill');
    if (json.state.nFeatures !== fill.length) {
      throw new ValidationError(
        `state.nFeatures (${String(json.state.nFeatures)}) must equal state.fill's length`,
        {
          path: 'state.nFeatures',
        },
      );
    }
    return { nFeatures: fill.length, fill };
  }
}

/** What every fitted dense classifier keeps beside the DenseState: its classes. */
export interface DenseClassifierState extends DenseState {
  classes: Label[];
}

/**
 * The dense classifiers' answers (logistic regression, naive Bayes): the classes, and
 * predictProba and predict from the one probability matrix a subclass computes.
 */
export abstract class DenseClassifier<S extends DenseClassifierState>
  extends DenseEstimator<S>
  implements Classifier
{
  readonly estimatorType = 'classifier' as const;

  /** The probability of every class for every row of X: nRows x nClasses, row-major. */
  protected abstract probabilities(X: FeatureInput): Float64Array;

  get classes(): Label[] {
    return [...this.fitted().classes];
  }

  predictProba(X: FeatureInput): number[][] {
    return probaRows(this.probabilities(X), this.fitted().classes.length);
  }

  predict(X: FeatureInput): Label[] {
    return argmaxLabels(this.probabilities(X), this.fitted().classes);
  }
}
