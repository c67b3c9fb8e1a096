/**
 * The tags a sweep is recorded with, in every store: its kind, its objective, what a
 * report drawn later needs (sampler, search space, policy), the definition that a resume
 * is checked against, and how it ended. Readers (resume, report, CLI, studio) find these
 * under the same names whichever store wrote them; they are also what the tracking UI and
 * the MLflow API show of a sweep's run.
 */

/** Marks a run as a sweep (value `sweep`), so a store opens only sweeps. */
export const SWEEP_TYPE_TAG = 'mlsweep.type';

/** The objective: `maximize` or `minimize`, and the primary metric's name. */
export const GOAL_TAG = 'mlsweep.goal';
export const PRIMARY_METRIC_TAG = 'mlsweep.primary_metric';

/**
 * Multi-objective sweeps: every objective as JSON (`[{"goal":"maximize","primaryMetric":"accuracy"}, ...]`);
 * GOAL_TAG and PRIMARY_METRIC_TAG hold the first, so older readers still see one objective.
 */
export const OBJECTIVES_TAG = 'mlsweep.objectives';

/** Constrained sweeps: the constraints as JSON, in the order of each trial's constraint values. */
export const CONSTRAINTS_TAG = 'mlsweep.constraints';

/** The sweeps whose completed trials a sweep started from (`warm_start`), as JSON. */
export const WARM_START_TAG = 'mlsweep.warm_start';

/**
 * A study (ask/tell, study/): its definition as JSON (search space, sampling, objectives,
 * constraints, policy), so any process can load it by name and sample as the others do.
 */
export const STUDY_TAG = 'mlsweep.study';

/** On a trial's run: its objective values and its constraint values, as JSON arrays. */
export const TRIAL_VALUES_TAG = 'mlsweep.values';
export const TRIAL_CONSTRAINTS_TAG = 'mlsweep.constraints';

/**
 * The prefix of a queued parameter set's tag on the sweep's run (`mlsweep.queue.0000000001`):
 * a study's `enqueue`, taken in key order by the next claims.
 */
export const QUEUE_TAG_PREFIX = 'mlsweep.queue.';

/** For reports: the sampling type, and the search space and the early termination policy as JSON. */
export const SAMPLER_TAG = 'mlsweep.sampler';
export const SPACE_TAG = 'mlsweep.search_space';
export const POLICY_TAG = 'mlsweep.policy';

/** The sweep's identity (store/sweep-identity.ts) as canonical JSON, and that JSON's SHA-256. */
export const SPEC_TAG = 'mlsweep.spec';
export const SPEC_HASH_TAG = 'mlsweep.spec_hash';

/**
 * The sweep's end: its StopReason and the reason in words. `interrupted` marks a sweep
 * stopped by a signal, resumable with `--resume`.
 */
export const STOP_REASON_TAG = 'mlsweep.stop_reason';
export const STOP_MESSAGE_TAG = 'mlsweep.stop_message';

/**
 * A sweep open to distributed workers (`mlsweep sweep --workers-only`, `mlsweep worker`):
 * value `open` while workers may claim its trials. `WorkerLocation.openSweeps` lists the
 * sweeps so tagged that have not ended.
 */
export const WORKERS_TAG = 'mlsweep.workers';

/**
 * What a worker needs to run a sweep it did not start, as JSON (sweep/worker/definition.ts):
 * the search space, sampling with its seed, objectives, constraints, policy, limits, the
 * trial, and the heartbeat timeout every worker of the sweep applies.
 */
export const WORKER_SPEC_TAG = 'mlsweep.worker_spec';
