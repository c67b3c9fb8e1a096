/**
 * Studies: a search driven from outside (Optuna's ask/tell). The caller's own loop, or
 * another process, or another language through `mlsweep study`, asks for a parameter set,
 * evaluates it however it likes, and tells the result. The store is a study's only state:
 * any process that loads the study by name asks and tells on the same trials, and claims
 * are atomic (`SweepStore.claimTrial`), so two processes asking at once never get the
 * same trial, and each samples with the other's trial in view.
 */
import { ValidationError } from '../core/errors.ts';
import { better, goalSign } from '../core/goal.ts';
import type { FinishedTrial, MetricPoint, Objective, ParamSet } from '../core/trial.ts';
import { createPolicy, type Policy } from '../policies/create.ts';
import type { PolicySpec } from '../policies/types.ts';
import { samplerFromSpec } from '../samplers/factory.ts';
import { isFeasible } from '../samplers/multi-objective/constraints.ts';
import { hypervolume as exactHypervolume } from '../samplers/multi-objective/hypervolume.ts';
import { paretoFront } from '../samplers/multi-objective/pareto.ts';
import { bestTradeOff, type TradeOffRule } from '../samplers/multi-objective/selection.ts';
import type { Sampler } from '../samplers/types.ts';
import { searchSpace } from '../space/parse.ts';
import type { SearchSpace, SearchSpaceDefinition } from '../space/types.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { openSweepLocation } from '../store/open-location.ts';
import type { SweepRecord, TrialEnd } from '../store/records.ts';
import type { SweepLocation, SweepStore } from '../store/sweep-store.ts';
import { CONSTRAINTS_TAG, POLICY_TAG, SAMPLER_TAG, SPACE_TAG, STUDY_TAG } from '../store/tags.ts';
import { type ConstraintSpec, parseConstraint } from '../sweep/constraints.ts';
import { type WarmStart, warmStartTrials } from '../sweep/warm-start.ts';
import { checkEnqueued, completeParams } from './complete.ts';
import {
  parseDefinition,
  type SamplingInput,
  type StudyDefinition,
  studyObjectives,
  studySampling,
} from './definition.ts';
import { StudyExhaustedError, TrialFinishedError, UnknownTrialError, ValueCountError } from './errors.ts';
import { reportedHistories, type StudyTrial, samplerHistory, studyTrialOf } from './history.ts';

/** Where a study is kept: a store folder (or, later, a database URL), an open location, or nothing (in memory). */
export type StudyStorage = string | SweepLocation;

/** Options of `Study.create`. */
export interface CreateStudyOptions {
  /** Where the study is kept; absent: in memory, this process only. */
  readonly store?: StudyStorage;
  /** The study's name, by which `Study.load` and `mlsweep study` find it (default: its id). */
  readonly name?: string;
  /** Experiment of the study's run in the tracking store (default `Default`). */
  readonly experiment?: string;
  readonly searchSpace: SearchSpace | SearchSpaceDefinition;
  /** A sampler object (then every process that loads the study must pass one too)... */
  readonly sampler?: Sampler;
  /** ...or a sampling algorithm, recorded with the study (default random). */
  readonly sampling?: SamplingInput;
  /** One objective... */
  readonly objective?: Objective;
  /** ...or several (a multi-objective study: `tell` takes one value per objective, in order). */
  readonly objectives?: readonly Objective[];
  /** Names of the constraints whose values `tell` takes (<= 0 satisfied, > 0 violated). */
  readonly constraints?: readonly string[];
  /** The early termination policy that `shouldPrune` applies to `report`ed values. */
  readonly policy?: PolicySpec;
  /** The sampler's seed (default: a fresh one, recorded so every process uses it). */
  readonly seed?: number;
  /** Load the study of that name when it exists instead of refusing (default false). */
  readonly loadIfExists?: boolean;
  /**
   * Ids of earlier sweeps (or names or ids of studies) in the same store whose completed trials the sampler
   * starts from (warm start; recorded, so every process that loads the study uses them).
   * Points outside the search space are left out, counted in `study.notices`.
   */
  readonly warmStart?: readonly string[];
}

/** Options of `Study.load`. */
export interface LoadStudyOptions {
  readonly store: StudyStorage;
  /** The study's name, or its id (or a unique prefix of it). */
  readonly name: string;
  /** Needed when the study was created with a sampler object. */
  readonly sampler?: Sampler;
}

/** What a trial asked for gets: its id (to tell by) and its parameter set. */
export interface AskedTrial {
  readonly trialId: number;
  readonly params: ParamSet;
}

/** A trial's result for `tell`: its value, its values (one per objective), or how it ended without one. */
export type TellResult =
  | number
  | readonly number[]
  | { readonly state: 'failed' | 'pruned'; readonly error?: string };

/** What `tell` and `addTrial` recorded. */
export interface TellOutcome {
  readonly trialId: number;
  readonly state: StudyTrial['state'];
  readonly value?: number;
  readonly values?: readonly number[];
  readonly constraints?: readonly number[];
  /** Why the trial failed (a NaN value) or was pruned. */
  readonly error?: string;
}

/** A trial evaluated elsewhere, for `addTrial`. */
export interface AddTrialOptions {
  readonly params: ParamSet;
  readonly value?: number;
  readonly values?: readonly number[];
  readonly constraints?: readonly number[];
  /** Reports of the first objective, by step. */
  readonly intermediate?: readonly MetricPoint[];
  /** Default `completed`; `failed` and `pruned` need no value. */
  readonly state?: 'completed' | 'failed' | 'pruned';
}

/**
 * A study: ask for parameter sets, tell their results. Create one with `Study.create`,
 * open it in another process with `Study.load`.
 *
 * A NaN (or infinite) value does not throw: as in Optuna, the trial is recorded as
 * failed with that reason, the sampler learns that the region failed, and `tell` returns
 * the outcome with state `failed`.
 *
 * @example
 * const study = await Study.create({ store: './mlruns', name: 'tune', searchSpace: { x: { type: 'uniform', min_value: -5, max_value: 5 } }, objective: { goal: 'minimize', primaryMetric: 'loss' }, seed: 1 });
 * for (let i = 0; i < 20; i++) {
 *   const { trialId, params } = await study.ask();
 *   await study.tell(trialId, (Number(params.x) - 2) ** 2);
 * }
 * (await study.bestTrial())?.params;
 * await study.close();
 */
export class Study {
  private readonly policy: Policy | undefined;
  /** Prior observations (warm start), read once when the study is opened. */
  private prior: readonly FinishedTrial[] = [];
  /** What the caller should know about the study as opened (warm start trials left out). */
  readonly notices: string[] = [];

  private constructor(
    /** The study's record. */
    readonly store: SweepStore,
    /** The study's name (its id when it was created without one). */
    readonly name: string,
    /** What the study is, as recorded. */
    readonly definition: StudyDefinition,
    /** The search space. */
    readonly space: SearchSpace,
    private readonly sampler: Sampler,
    private readonly location: SweepLocation | undefined,
    private readonly ownsLocation: boolean,
  ) {
    this.policy = definition.policy ? createPolicy(definition.policy) : undefined;
  }

  /**
   * Creates a study (or, with `loadIfExists`, loads the one of that name).
   *
   * @example
   * const study = await Study.create({ searchSpace: { x: 'uniform(0, 1)' }, objective: { goal: 'maximize', primaryMetric: 'score' } });
   */
  static async create(options: CreateStudyOptions): Promise<Study> {
    const objectives = studyObjectives(options);
    const space = searchSpace(options.searchSpace, 'search_space');
    const constraints = [...(options.constraints ?? [])];
    if (!constraints.every((c) => typeof c === 'string' && c !== '')) {
      throw new ValidationError('constraints must be names (non-empty strings)', { path: 'constraints' });
    }
    if (options.sampler !== undefined && options.sampling !== undefined) {
      throw new ValidationError('give sampler or sampling, not both', { path: 'sampler' });
    }
    if (options.policy) createPolicy(options.policy); // checks its fields before anything is recorded
    const sampling = options.sampler ? null : studySampling(options.sampling, options.seed);
    const sampler = options.sampler ?? samplerFromSpec({ searchSpace: space, sampling: sampling! });
    const definition: StudyDefinition = {
      searchSpace: space.toJSON(),
      sampling,
      sampler: sampler.name,
      objectives,
      constraints,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.warmStart !== undefined && options.warmStart.length > 0
        ? { warmStart: [...options.warmStart] }
        : {}),
    };
    const { location, owned } = openStorage(options.store);
    if (definition.warmStart !== undefined && location === undefined) {
      throw new ValidationError('warmStart reads earlier sweeps from a store: give the study a store', {
        path: 'warmStart',
      });
    }
    try {
      if (location !== undefined && options.name !== undefined) {
        const existing = await findStudy(location, options.name, true);
        if (existing !== undefined) {
          if (options.loadIfExists !== true) {
            throw new ValidationError(
              `a study named '${options.name}' already exists in ${location.where} (id ${existing.sweepId}): load it, or pass loadIfExists`,
              { path: 'name', code: 'E_STUDY_EXISTS' },
            );
          }
          return await Study.open(location, owned, existing, options.sampler);
        }
      }
      const sweep = {
        ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
        objective: objectives[0]!,
        ...(objectives.length > 1 ? { objectives } : {}),
        tags: {
          [STUDY_TAG]: JSON.stringify(definition),
          [SAMPLER_TAG]: sampler.name,
          [SPACE_TAG]: JSON.stringify(definition.searchSpace),
          ...(constraints.length > 0 ? { [CONSTRAINTS_TAG]: JSON.stringify(constraints) } : {}),
          ...(options.policy ? { [POLICY_TAG]: JSON.stringify(options.policy) } : {}),
        },
      };
      // Read before the study is recorded, so an unknown sweep id records nothing.
      const warm = location !== undefined ? await warmStartOf(location, definition, space) : undefined;
      const store = location === undefined ? new MemoryStore(sweep) : await location.create(sweep);
      const study = new Study(
        store,
        options.name ?? store.sweepId,
        definition,
        space,
        sampler,
        location,
        owned,
      );
      if (warm !== undefined) study.useWarmStart(warm);
      return study;
    } catch (error) {
      if (owned) await location?.close();
      throw error;
    }
  }

  /**
   * Loads a study by its name or id, to ask and tell in this process what others asked
   * and told in theirs. A ValidationError when there is none.
   *
   * @example
   * const study = await Study.load({ store: './mlruns', name: 'tune' });
   * await study.tell(3, 0.25); // trial 3 was asked in another process
   */
  static async load(options: LoadStudyOptions): Promise<Study> {
    if (typeof options.name !== 'string' || options.name === '') {
      throw new ValidationError('Study.load needs the name (or id) of a study', { path: 'name' });
    }
    const { location, owned } = openStorage(options.store, false);
    try {
      const record = await findStudy(location!, options.name, false);
      if (record === undefined) {
        throw new ValidationError(`no study named '${options.name}' in ${location!.where}`, {
          path: 'name',
          code: 'E_NOT_FOUND',
        });
      }
      return await Study.open(location!, owned, record, options.sampler);
    } catch (error) {
      if (owned) await location?.close();
      throw error;
    }
  }

  private static async open(
    location: SweepLocation,
    owned: boolean,
    record: SweepRecord,
    sampler: Sampler | undefined,
  ): Promise<Study> {
    const definition = parseDefinition(record.tags[STUDY_TAG], record.name ?? record.sweepId);
    const space = searchSpace(definition.searchSpace, 'search_space');
    let chosen = sampler;
    if (chosen === undefined) {
      if (definition.sampling === null) {
        throw new ValidationError(
          `study ${record.name ?? record.sweepId} was created with a sampler object (${definition.sampler}): pass the same sampler to Study.load`,
          { path: 'sampler' },
        );
      }
      chosen = samplerFromSpec({ searchSpace: space, sampling: definition.sampling });
    }
    const store = await location.open(record.sweepId);
    const study = new Study(store, record.name ?? record.sweepId, definition, space, chosen, location, owned);
    study.useWarmStart(await warmStartOf(location, definition, space));
    return study;
  }

  private useWarmStart(warm: WarmStart | undefined): void {
    if (warm === undefined) return;
    this.prior = warm.trials;
    this.notices.push(...warm.notices);
  }

  /** The study's id in its store (what `mlsweep report` takes). */
  get id(): string {
    return this.store.sweepId;
  }

  /** The objectives, in the order `tell` takes their values. */
  get objectives(): readonly Objective[] {
    return this.definition.objectives;
  }

  /**
   * A new trial: the head of the queue (`enqueue`; completed by the sampler when partial),
   * else the sampler's suggestion from every trial recorded, running ones included.
   *
   * @example
   * const { trialId, params } = await study.ask();
   */
  async ask(): Promise<AskedTrial> {
    const claimed = await this.store.claimTrial(({ trials, queued }) => {
      const history = samplerHistory(trials, this.objectives, this.prior);
      if (queued !== undefined && this.space.contains(queued)) return { params: queued, takeQueued: true };
      const suggestion = this.sampler.suggest(history);
      if (suggestion.exhausted) throw new StudyExhaustedError(this.name, this.sampler.name);
      if (queued === undefined) return { params: suggestion.params };
      const n = trials.length;
      const seed = `${this.definition.sampling && 'seed' in this.definition.sampling ? this.definition.sampling.seed : 0}/enqueued/${n}`;
      return { params: completeParams(this.space, queued, suggestion.params, seed), takeQueued: true };
    }, new Date().toISOString());
    return { trialId: claimed.id, params: claimed.params };
  }

  /**
   * Tells a trial's result: its value (one objective), its values (one per objective, in
   * order), or `{ state: 'failed' | 'pruned' }`; with `constraints`, one value per
   * constraint. Typed errors: UnknownTrialError, TrialFinishedError, ValueCountError. A NaN
   * or infinite value marks the trial failed (as Optuna does) and does not throw.
   *
   * @example
   * await study.tell(trialId, [0.91, 12.5], { constraints: [size - 50] });
   */
  async tell(
    trialId: number,
    result: TellResult,
    options: { readonly constraints?: readonly number[] } = {},
  ): Promise<TellOutcome> {
    this.checkId(trialId);
    const end = await this.endOf(trialId, result, options.constraints);
    return this.settle(trialId, end);
  }

  /**
   * Queues a parameter set: the next `ask` (in any process) returns it. A partial set is
   * completed by the sampler: the rest is sampled, the given names keep their values.
   *
   * @example
   * await study.enqueue({ lr: 0.01, depth: 6 });
   */
  async enqueue(params: ParamSet): Promise<void> {
    checkEnqueued(this.space, params);
    await this.store.enqueueTrial({ ...params });
  }

  /**
   * Records a trial evaluated elsewhere (its parameters must lie in the search space): it
   * becomes part of the history the sampler learns from.
   *
   * @example
   * await study.addTrial({ params: { x: 1.5 }, value: 0.25 });
   */
  async addTrial(trial: AddTrialOptions): Promise<TellOutcome> {
    if (trial === null || typeof trial !== 'object' || !this.space.contains(trial.params)) {
      throw new ValidationError(
        `addTrial: the parameters ${JSON.stringify(trial?.params)} are not a point of the search space`,
        { path: 'params' },
      );
    }
    const state = trial.state ?? 'completed';
    let result: TellResult;
    if (state !== 'completed') result = { state };
    else if (trial.values !== undefined) result = trial.values;
    else if (trial.value !== undefined) result = trial.value;
    else
      throw new ValidationError('addTrial: a completed trial needs its value or values', { path: 'value' });
    const intermediate = trial.intermediate ?? [];
    for (const p of intermediate) {
      if (!Number.isSafeInteger(p?.step) || typeof p.value !== 'number') {
        throw new ValidationError(
          `addTrial: intermediate values are { step, value }, got ${JSON.stringify(p)}`,
          {
            path: 'intermediate',
          },
        );
      }
    }
    // Checked before the trial is claimed, so a bad result records nothing.
    const probe = await this.endOf(-1, result, trial.constraints, intermediate);
    const { id } = await this.store.claimTrial(
      () => ({ params: { ...trial.params } }),
      new Date().toISOString(),
    );
    for (const p of intermediate) await this.store.addMetric(id, this.objectives[0]!.primaryMetric, p);
    return this.settle(id, { ...probe, endedAt: new Date().toISOString() });
  }

  /**
   * Reports an intermediate value of the first objective at a step, for `shouldPrune`.
   *
   * @example
   * await study.report(trialId, epoch, validationLoss);
   */
  async report(trialId: number, step: number, value: number): Promise<void> {
    this.checkId(trialId);
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new ValidationError(`report: step must be an integer >= 0, got ${step}`, { path: 'step' });
    }
    if (typeof value !== 'number') {
      throw new ValidationError(`report: value must be a number, got ${JSON.stringify(value)}`, {
        path: 'value',
      });
    }
    const trial = await this.store.trial(trialId);
    if (trial === undefined) throw new UnknownTrialError(this.name, trialId);
    if (trial.status !== 'running') throw new TrialFinishedError(this.name, trialId, trial.status);
    await this.store.addMetric(trialId, this.objectives[0]!.primaryMetric, { step, value });
  }

  /**
   * Whether the study's early termination policy would stop the trial now, judged on the
   * reports of every trial of the study (false without a policy, or once the trial ended).
   * Tell a pruned trial with `{ state: 'pruned' }`.
   *
   * @example
   * if (await study.shouldPrune(trialId)) { await study.tell(trialId, { state: 'pruned' }); break; }
   */
  async shouldPrune(trialId: number): Promise<boolean> {
    this.checkId(trialId);
    const stored = await this.store.trials();
    const trial = stored.find((t) => t.id === trialId);
    if (trial === undefined) throw new UnknownTrialError(this.name, trialId);
    if (this.policy === undefined || trial.status !== 'running') return false;
    const histories = reportedHistories(stored, this.objectives[0]!.primaryMetric);
    return this.policy({ goal: this.objectives[0]!.goal, trialId, histories }).terminate;
  }

  /**
   * Every trial of the study, by id, running ones included.
   *
   * @example
   * (await study.trials()).filter((t) => t.state === 'completed').length;
   */
  async trials(): Promise<StudyTrial[]> {
    const primary = this.objectives[0]!.primaryMetric;
    return (await this.store.trials()).map((t) => studyTrialOf(t, primary));
  }

  /**
   * The best completed trial of a single-objective study (feasible ones only when it has
   * constraints; ties: the earliest), or undefined. A multi-objective study has no single
   * best: use `bestTrials()`.
   *
   * @example
   * (await study.bestTrial())?.value;
   */
  async bestTrial(): Promise<StudyTrial | undefined> {
    if (this.objectives.length > 1) {
      throw new ValidationError(
        `study ${this.name} has ${this.objectives.length} objectives, so no single best trial: use bestTrials() (the Pareto front)`,
        { path: 'bestTrial' },
      );
    }
    const goal = this.objectives[0]!.goal;
    let best: StudyTrial | undefined;
    for (const t of await this.trials()) {
      if (t.state !== 'completed' || t.value === undefined || !Number.isFinite(t.value)) continue;
      if (!isFeasible(t.constraints)) continue;
      if (best === undefined || better(goal, t.value, best.value!)) best = t;
    }
    return best;
  }

  /**
   * The Pareto front: the feasible completed trials that no other dominates (Deb's rules;
   * for one objective, every trial tied at the best value). Empty when no trial is feasible.
   *
   * @example
   * for (const t of await study.bestTrials()) console.log(t.id, t.values);
   */
  async bestTrials(): Promise<StudyTrial[]> {
    const stored = await this.store.trials();
    const history = samplerHistory(stored, this.objectives);
    const front = new Set(
      paretoFront(history.trials, this.objectives)
        .filter((t) => isFeasible(t.constraints))
        .map((t) => t.id),
    );
    const primary = this.objectives[0]!.primaryMetric;
    return stored.filter((t) => front.has(t.id)).map((t) => studyTrialOf(t, primary));
  }

  /**
   * The Pareto front reduced to one trial by a named rule: `knee` (default: the front's
   * point farthest below the line between its extremes), `ideal` (closest to the best
   * value of every objective), or `weighted` (one weight per objective); undefined when the
   * front is empty.
   *
   * @example
   * await study.bestTradeOff({ rule: 'weighted', weights: [0.7, 0.3] });
   */
  async bestTradeOff(rule: TradeOffRule = { rule: 'knee' }): Promise<StudyTrial | undefined> {
    const stored = await this.store.trials();
    const history = samplerHistory(stored, this.objectives);
    const front = paretoFront(history.trials, this.objectives).filter((t) => isFeasible(t.constraints));
    const pick = bestTradeOff(front, this.objectives, rule);
    const trial = pick === undefined ? undefined : stored.find((t) => t.id === pick.id);
    return trial && studyTrialOf(trial, this.objectives[0]!.primaryMetric);
  }

  /**
   * The hypervolume of the feasible Pareto front against a reference point given in the
   * objectives' own terms (one coordinate per objective, worse than every point that
   * should count: e.g. (1.1, 1.1) for two minimised objectives in [0, 1]).
   *
   * @example
   * await study.hypervolume([1.1, 1.1]);
   */
  async hypervolume(reference: readonly number[]): Promise<number> {
    if (!Array.isArray(reference) || reference.length !== this.objectives.length) {
      throw new ValueCountError(
        'values',
        this.objectives.length,
        Array.isArray(reference) ? reference.length : 0,
        this.objectives.map((o) => o.primaryMetric),
      );
    }
    const signs = this.objectives.map((o) => -goalSign(o.goal));
    const points = (await this.bestTrials()).map((t) =>
      (t.values ?? [t.value!]).map((v, j) => signs[j]! * v),
    );
    return exactHypervolume(
      points,
      reference.map((r, j) => signs[j]! * r),
    );
  }

  /** Frees the store's connection when the study opened it (from a folder); the study stays. */
  async close(): Promise<void> {
    if (this.ownsLocation) await this.location?.close();
  }

  private checkId(trialId: number): void {
    if (!Number.isSafeInteger(trialId) || trialId < 0) throw new UnknownTrialError(this.name, trialId);
  }

  /** The end a result describes, checked against the study's objectives and constraints. */
  private async endOf(
    trialId: number,
    result: TellResult,
    constraints: readonly number[] | undefined,
    intermediate?: readonly MetricPoint[],
  ): Promise<TrialEnd> {
    const names = this.objectives.map((o) => o.primaryMetric);
    const endedAt = new Date().toISOString();
    if (constraints !== undefined) {
      if (!Array.isArray(constraints) || constraints.some((c) => typeof c !== 'number' || Number.isNaN(c))) {
        throw new ValidationError(
          `constraints must be a list of numbers, got ${JSON.stringify(constraints)}`,
          {
            path: 'constraints',
          },
        );
      }
      const declared = this.definition.constraints;
      if (declared.length > 0 && constraints.length !== declared.length) {
        throw new ValueCountError('constraints', declared.length, constraints.length, declared);
      }
    } else if (
      this.definition.constraints.length > 0 &&
      (typeof result === 'number' || Array.isArray(result))
    ) {
      throw new ValueCountError(
        'constraints',
        this.definition.constraints.length,
        0,
        this.definition.constraints,
      );
    }
    const withConstraints = constraints !== undefined ? { constraints: [...constraints] } : {};
    if (result !== null && typeof result === 'object' && !Array.isArray(result)) {
      const state = (result as { state?: unknown }).state;
      if (state !== 'failed' && state !== 'pruned') {
        throw new ValidationError(`tell: state must be 'failed' or 'pruned', got ${JSON.stringify(state)}`, {
          path: 'state',
        });
      }
      const error = (result as { error?: unknown }).error;
      if (state === 'failed') {
        return {
          status: 'failed',
          endedAt,
          error: typeof error === 'string' ? error : 'told failed',
          ...withConstraints,
        };
      }
      // A pruned trial's value is its last report, as in Optuna: the samplers see how far it got.
      const points =
        intermediate ?? (trialId >= 0 ? ((await this.store.trial(trialId))?.metrics[names[0]!] ?? []) : []);
      const last = points[points.length - 1];
      return {
        status: 'early_terminated',
        endedAt,
        error: typeof error === 'string' ? error : 'pruned',
        ...(last !== undefined && Number.isFinite(last.value) ? { value: last.value } : {}),
        ...withConstraints,
      };
    }
    const values = typeof result === 'number' ? [result] : Array.isArray(result) ? [...result] : undefined;
    if (values === undefined || values.some((v) => typeof v !== 'number')) {
      throw new ValidationError(
        `tell: a result is a number, a list of numbers or { state: 'failed' | 'pruned' }, got ${JSON.stringify(result)}`,
        { path: 'values' },
      );
    }
    if (values.length !== names.length)
      throw new ValueCountError('values', names.length, values.length, names);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    const multi = names.length > 1 ? { values } : {};
    if (bad !== -1) {
      return {
        status: 'failed',
        endedAt,
        value: values[0]!,
        ...multi,
        error: `the value of '${names[bad]}' is ${values[bad]}`,
        ...withConstraints,
      };
    }
    return { status: 'completed', endedAt, value: values[0]!, ...multi, ...withConstraints };
  }

  private async settle(trialId: number, end: TrialEnd): Promise<TellOutcome> {
    const outcome = await this.store.settleTrial(trialId, end);
    if (outcome === 'unknown') throw new UnknownTrialError(this.name, trialId);
    if (outcome !== 'ended') throw new TrialFinishedError(this.name, trialId, outcome);
    return {
      trialId,
      state: end.status,
      ...(end.value !== undefined ? { value: end.value } : {}),
      ...(end.values !== undefined ? { values: end.values } : {}),
      ...(end.constraints !== undefined ? { constraints: end.constraints } : {}),
      ...(end.error !== undefined ? { error: end.error } : {}),
    };
  }
}

/**
 * The prior observations of a study's warm start, read from its location; the
 * constraints take part when every one is written as an expression (`"size <= 50"`).
 */
async function warmStartOf(
  location: SweepLocation,
  definition: StudyDefinition,
  space: SearchSpace,
): Promise<WarmStart | undefined> {
  if (definition.warmStart === undefined) return undefined;
  let constraints: ConstraintSpec[] = [];
  try {
    constraints = definition.constraints.map((c) => parseConstraint(c));
  } catch {
    constraints = []; // names only: the earlier trials' constraint values cannot be known
  }
  // A study may be named by its name; anything else is a sweep id (or a prefix of one).
  const sweeps: string[] = [];
  for (const ref of definition.warmStart) sweeps.push((await findStudy(location, ref, true))?.sweepId ?? ref);
  return warmStartTrials({ sweeps, store: location }, space, definition.objectives, constraints);
}

/** The location a study option names; `owned` when the study opened it and must close it. */
function openStorage(
  store: StudyStorage | undefined,
  create = true,
): { location: SweepLocation | undefined; owned: boolean } {
  if (store === undefined) {
    if (!create)
      throw new ValidationError('Study.load needs the store the study is kept in', { path: 'store' });
    return { location: undefined, owned: false };
  }
  if (typeof store === 'string') return { location: openSweepLocation(store, { create }), owned: true };
  return { location: store, owned: false };
}

/**
 * The study of a name in a location (the oldest, should two processes have created it at
 * once), or by its id or a unique prefix of it (6 characters or more).
 */
async function findStudy(
  location: SweepLocation,
  name: string,
  byNameOnly: boolean,
): Promise<SweepRecord | undefined> {
  const studies = (await location.sweeps()).filter((s) => s.tags[STUDY_TAG] !== undefined);
  const named = studies.find((s) => s.name === name);
  if (named !== undefined || byNameOnly) return named;
  // An id, or a prefix of one long enough not to be a short name by chance (as git's).
  if (name.length < 6) return undefined;
  const byId = studies.filter((s) => s.sweepId.startsWith(name));
  return byId.length === 1 ? byId[0] : undefined;
}
