import { readFileSync } from 'node:fs';
import type { ColumnMatrix } from '../compute/matrix.ts';
import { ConfigError, ValidationError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/files.ts';
import type { Task } from '../core/trial.ts';
import { Featurizer, type SerializedFeaturizer } from '../data/featurizer.ts';
import { applyStandardScaling, type StandardScaling } from '../data/scale.ts';
import type { ColumnKind, Table } from '../data/table.ts';
import { estimatorFromJSON } from '../models/from-json.ts';
import type { Estimator, SerializedEstimator } from '../models/types.ts';
import { blend } from './ensemble.ts';
import { predictMatrix } from './evaluate.ts';
import type { EncodedTarget, Predictions } from './scoring.ts';
import { stackFeatures } from './stacking.ts';
import { isTemperature, temperProbabilities } from './temperature.ts';

/** One fitted model of the pipeline, with its weight in the blend. */
export interface PipelineMember {
  /** The family name (Azure's), e.g. `RandomForest`. */
  readonly name: string;
  readonly weight: number;
  /** Whether it reads standardized features. */
  readonly scaled: boolean;
  readonly estimator: Estimator;
}

/** The JSON file a fitted AutoML pipeline is saved as. */
export interface SerializedPipeline {
  readonly format: 'mlsweep-automl-pipeline';
  readonly version: 1;
  readonly task: Task;
  readonly target: string;
  readonly classes?: readonly string[];
  readonly featurizer: SerializedFeaturizer;
  readonly scaling?: StandardScaling;
  readonly members: ReadonlyArray<{
    name: string;
    weight: number;
    scaled: boolean;
    estimator: SerializedEstimator;
  }>;
  /** The stacking meta-learner over the members' predictions, when the pipeline stacks. */
  readonly stacker?: SerializedEstimator;
  /** The blend's class-probability temperature (see temperProbabilities); absent: 1. */
  readonly temperature?: number;
  readonly primaryMetric: string;
  readonly validationScore: number;
  /** Why the search that chose this pipeline ended (e.g. `budget`, `interrupted`). */
  readonly stopReason?: string;
  /** True when the search was interrupted: the best pipeline found so far, not a finished search's. */
  readonly partial?: boolean;
}

/** How the search that produced a pipeline ended, kept in the model file. */
export interface PipelineProvenance {
  readonly stopReason?: string;
  readonly partial?: boolean;
}

/**
 * The fitted result of AutoML: the Featurizer, optional standardization, and one model
 * or a weighted blend of models. It takes a Table with the training columns (in any
 * order; extra columns ignored, missing ones a DataError) and predicts labels, class
 * probabilities or values. Saved as one JSON file that reproduces its predictions exactly.
 *
 * @example
 * const pipeline = AutoMLPipeline.load('model.json');
 * const table = await readCsv('new.csv', { types: pipeline.inputTypes() });
 * pipeline.predict(table); // ['yes', 'no', ...]
 */
export class AutoMLPipeline {
  readonly task: Task;
  readonly target: string;
  /** Class labels in probability column order (classification). */
  readonly classes: readonly string[];
  readonly featurizer: Featurizer;
  readonly scaling: StandardScaling | undefined;
  readonly members: readonly PipelineMember[];
  /** Stacking: the meta-learner that combines the members' predictions (instead of weights). */
  readonly stacker: Estimator | undefined;
  /**
   * The temperature the blended class probabilities are scaled by (1: as blended). AutoML
   * fits it on the ensemble's out-of-fold probabilities under log loss or the Brier score.
   */
  readonly temperature: number;
  readonly primaryMetric: string;
  readonly validationScore: number;
  /** How the search that chose it ended; `partial` when it was interrupted. */
  readonly provenance: PipelineProvenance;

  constructor(init: {
    task: Task;
    target: string;
    classes?: readonly string[];
    featurizer: Featurizer;
    scaling?: StandardScaling;
    members: readonly PipelineMember[];
    stacker?: Estimator;
    temperature?: number;
    primaryMetric: string;
    validationScore: number;
    provenance?: PipelineProvenance;
  }) {
    this.task = init.task;
    this.target = init.target;
    this.classes = init.classes ?? [];
    this.featurizer = init.featurizer;
    this.scaling = init.scaling;
    this.members = init.members;
    this.stacker = init.stacker;
    this.temperature = init.temperature ?? 1;
    this.primaryMetric = init.primaryMetric;
    this.validationScore = init.validationScore;
    this.provenance = init.provenance ?? {};
    if (this.members.length === 0)
      throw new ValidationError('a pipeline needs at least one model', { path: 'members' });
    if (!isTemperature(this.temperature)) {
      throw new ValidationError(`temperature must be a positive number, got ${this.temperature}`, {
        path: 'temperature',
      });
    }
    if (this.temperature !== 1 && (this.task !== 'classification' || this.stacker)) {
      throw new ValidationError(
        'a temperature scales the blended class probabilities of a classification pipeline without a stacker',
        {
          path: 'temperature',
        },
      );
    }
  }

  /** The column kinds the pipeline was trained with, to read new files the same way. */
  inputTypes(): Record<string, ColumnKind> {
    return Object.fromEntries(this.featurizer.inputs.map((c) => [c.name, c.kind]));
  }

  /** The features of `table`, plain and standardized (when a member needs them). */
  private features(table: Table): { plain: ColumnMatrix; scaled: ColumnMatrix | undefined } {
    const plain = this.featurizer.transform(table);
    const scaled =
      this.scaling && this.members.some((m) => m.scaled)
        ? applyStandardScaling(plain, this.scaling)
        : undefined;
    return { plain, scaled };
  }

  private encodedTarget(): EncodedTarget {
    return this.task === 'classification'
      ? { task: 'classification', codes: new Int32Array(0), classes: this.classes }
      : { task: 'regression', values: new Float64Array(0) };
  }

  /** Raw predictions: row-major class probabilities (classification) or values. */
  predictRaw(table: Table): Predictions {
    const { plain, scaled } = this.features(table);
    const target = this.encodedTarget();
    const preds = this.members.map((m) => predictMatrix(m.estimator, m.scaled ? scaled! : plain, target));
    if (this.stacker) {
      const width = this.task === 'classification' ? this.classes.length : 1;
      return predictMatrix(this.stacker, stackFeatures(preds, width), target);
    }
    const blended =
      preds.length === 1
        ? preds[0]!
        : blend(
            preds,
            this.members.map((m) => m.weight),
          );
    return temperProbabilities(blended, this.classes.length, this.temperature);
  }

  /**
   * Class probabilities, one row per table row, columns in `classes` order.
   *
   * @example
   * pipeline.predictProba(table)[0]; // [0.9, 0.1]
   */
  predictProba(table: Table): number[][] {
    if (this.task !== 'classification') {
      throw new ValidationError('predictProba is for classification pipelines; this one is regression', {
        path: 'task',
      });
    }
    const p = this.predictRaw(table);
    const k = this.classes.length;
    return Array.from({ length: table.nRows }, (_, r) => Array.from(p.subarray(r * k, (r + 1) * k)));
  }

  /**
   * Class labels (classification) or values (regression).
   *
   * @example
   * pipeline.predict(table);
   */
  predict(table: Table): string[] | Float64Array {
    return this.labelsOf(this.predictRaw(table));
  }

  /** Labels (the most probable class of each row) or values from `predictRaw` output. */
  labelsOf(raw: Predictions): string[] | Float64Array {
    if (this.task === 'regression') return raw;
    const k = this.classes.length;
    return Array.from({ length: raw.length / k }, (_, r) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (raw[r * k + j]! > raw[r * k + best]!) best = j;
      return this.classes[best]!;
    });
  }

  /**
   * Importance of each output feature: the members' importances blended by weight.
   *
   * @example
   * pipeline.featureImportances().slice(0, 5); // [{ feature: 'lstat', importance: 0.41 }, ...]
   */
  featureImportances(): Array<{ feature: string; importance: number }> {
    const names = this.featurizer.featureNames;
    const total = new Float64Array(names.length);
    for (const m of this.members) {
      const imp = m.estimator.featureImportances;
      for (let i = 0; i < total.length; i++) total[i]! += m.weight * (imp[i] ?? 0);
    }
    return names
      .map((feature, i) => ({ feature, importance: total[i]! }))
      .sort((a, b) => b.importance - a.importance);
  }

  toJSON(): SerializedPipeline {
    return {
      format: 'mlsweep-automl-pipeline',
      version: 1,
      task: this.task,
      target: this.target,
      ...(this.task === 'classification' ? { classes: this.classes } : {}),
      featurizer: this.featurizer.toJSON(),
      ...(this.scaling ? { scaling: this.scaling } : {}),
      members: this.members.map((m) => ({
        name: m.name,
        weight: m.weight,
        scaled: m.scaled,
        estimator: m.estimator.toJSON(),
      })),
      ...(this.stacker ? { stacker: this.stacker.toJSON() } : {}),
      ...(this.temperature !== 1 ? { temperature: this.temperature } : {}),
      primaryMetric: this.primaryMetric,
      validationScore: this.validationScore,
      ...(this.provenance.stopReason !== undefined ? { stopReason: this.provenance.stopReason } : {}),
      ...(this.provenance.partial !== undefined ? { partial: this.provenance.partial } : {}),
    };
  }

  /**
   * Rebuilds a pipeline from `toJSON()` output.
   *
   * @example
   * const copy = AutoMLPipeline.fromJSON(JSON.parse(JSON.stringify(pipeline)));
   */
  static fromJSON(json: SerializedPipeline, file?: string): AutoMLPipeline {
    if (json?.format !== 'mlsweep-automl-pipeline' || json.version !== 1) {
      throw new ConfigError(
        `not an mlsweep AutoML pipeline (format ${JSON.stringify(json?.format)}, version ${JSON.stringify(json?.version)})`,
        { file, keyPath: 'format' },
      );
    }
    const t = json.temperature;
    if (t !== undefined && !isTemperature(t)) {
      throw new ConfigError(`temperature must be a positive number, got ${JSON.stringify(t)}`, {
        file,
        keyPath: 'temperature',
      });
    }
    return new AutoMLPipeline({
      task: json.task,
      target: json.target,
      ...(json.classes ? { classes: json.classes } : {}),
      featurizer: Featurizer.fromJSON(json.featurizer),
      ...(json.scaling ? { scaling: json.scaling } : {}),
      members: json.members.map((m) => ({
        name: m.name,
        weight: m.weight,
        scaled: m.scaled,
        estimator: estimatorFromJSON(m.estimator),
      })),
      ...(json.stacker ? { stacker: estimatorFromJSON(json.stacker) } : {}),
      ...(t !== undefined ? { temperature: t } : {}),
      primaryMetric: json.primaryMetric,
      validationScore: json.validationScore,
      provenance: {
        ...(json.stopReason !== undefined ? { stopReason: json.stopReason } : {}),
        ...(json.partial !== undefined ? { partial: json.partial } : {}),
      },
    });
  }

  /**
   * Writes the pipeline as one JSON file, atomically (a temporary file beside `path`, then
   * renamed): an existing file is replaced whole or left as it was, never half written.
   *
   * @example
   * pipeline.save('model.json');
   */
  save(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.toJSON()));
  }

  /**
   * Reads a pipeline saved by `save`.
   *
   * @example
   * const p = AutoMLPipeline.load('model.json');
   */
  static load(path: string): AutoMLPipeline {
    let json: SerializedPipeline;
    try {
      json = JSON.parse(readFileSync(path, 'utf8')) as SerializedPipeline;
    } catch (cause) {
      throw new ConfigError(`cannot read the model file: ${(cause as Error).message}`, { file: path, cause });
    }
    return AutoMLPipeline.fromJSON(json, path);
  }
}
