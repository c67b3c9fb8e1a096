/**
 * One sweep on PostgreSQL, as a `SweepStore` with `TrialLeases`: what many workers on
 * many machines share. Concurrency rests on one rule: every change to a sweep's trials or
 * metric points bumps the sweep row's `version` in the same statement (taking that row's
 * lock to commit) and stamps the changed rows with it. So:
 *
 * - a claim locks the sweep row (`FOR UPDATE`): the sampler's decisions are serialised per
 *   sweep, and under the lock no change is in flight, so reading what changed since this
 *   process's last read (ClaimCache) gives every trial as it stands;
 * - no claim waits on another worker's trial row: claims take the queue's head with
 *   `FOR UPDATE SKIP LOCKED` and insert a new row; settling, handing back and reaping
 *   lock the sweep row first, then the trial (one order, no deadlock);
 * - settles, hand-backs and reaps re-check `status = 'running'` under the lock: a trial
 *   ends once, whoever races to end it.
 *
 * Every operation is safe to run again after a lost answer (see connection.ts): a claim
 * and an end carry a token that a retry looks for first; a metric point and a queued set
 * carry a token a retry checks; the other writes are idempotent.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ValidationError } from '../../core/errors.ts';
import type { MetricPoint, ParamSet, StopReason, TrialStatus } from '../../core/trial.ts';
import type {
  ClaimBatchOptions,
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  NewSweep,
  SettleOutcome,
  StoredTrial,
  SweepRecord,
  TrialEnd,
  TrialSettlement,
} from '../records.ts';
import { INTERRUPTED_ERROR, planResume, type ResumePlan } from '../resume-plan.ts';
import { jsonNumber, sweepRecordOf } from '../sweep-record.ts';
import type { SweepStore } from '../sweep-store.ts';
import {
  GOAL_TAG,
  OBJECTIVES_TAG,
  PRIMARY_METRIC_TAG,
  STOP_MESSAGE_TAG,
  STOP_REASON_TAG,
  SWEEP_TYPE_TAG,
  WORKERS_TAG,
} from '../tags.ts';
import { type ReapedTrial, type TrialBatches, type TrialLeases, UNLEASED_WORKER } from '../worker-store.ts';
import {
  ClaimCache,
  POINT_COLUMNS,
  type PointRow,
  TRIAL_COLUMNS,
  type TrialRow,
  trialOf,
} from './claim-cache.ts';
import type { PgConnection, Rows, Tx } from './connection.ts';
import { END_SWEEP_RUN_SQL, SWEEP_RUN_TAG, TRIAL_RUNS_CTES } from './trial-runs.ts';

interface HeadRow {
  version: number;
  seq: number | null;
  params: string | null;
  retry_of: number | null;
}

/** A string as an SQL literal, escaped by the driver (for the simple protocol, which takes no parameters). */
function literal(value: string): string {
  return pg.escapeLiteral(value);
}

/** Bumps the sweep's change counter ($1 is the sweep id): the CTE every change starts with. */
const BUMP = 'WITH v AS (UPDATE mlsweep_sweeps SET version = version + 1 WHERE id = $1 RETURNING version)';

/**
 * The statements of a claim, prepared once per connection (see claimTrial): the lock on
 * the sweep row with the queue's head; what changed since a version; the new trial.
 * Statements that read a few trials of a large sweep are written so that every plan
 * reads only those (a prepared statement's generic plan is made from statistics that
 * lag a sweep growing by thousands of trials a second): what changed is read in
 * `changed` order, the (sweep_id, changed) index's; a trial by number is a scalar
 * subquery (an index lookup per row, never a hash of the sweep's trials).
 */
const CLAIM_STATEMENTS: readonly (readonly [string, string])[] = [
  [
    'mlsweep_claim_heads(text, int)',
    `SELECT s.version, q.seq, q.params, q.retry_of FROM mlsweep_sweeps s
       LEFT JOIN LATERAL (SELECT seq, params, retry_of FROM mlsweep_queue WHERE sweep_id = s.id
                          ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED) q ON true
     WHERE s.id = $1 ORDER BY q.seq FOR UPDATE OF s`,
  ],
  [
    'mlsweep_claim_trials(text, bigint)',
    `SELECT ${TRIAL_COLUMNS} FROM mlsweep_trials WHERE sweep_id = $1 AND changed > $2 ORDER BY changed`,
  ],
  [
    'mlsweep_claim_points(text, bigint)',
    `SELECT ${POINT_COLUMNS} FROM mlsweep_points WHERE sweep_id = $1 AND changed > $2 ORDER BY changed`,
  ],
  [
    // The batch's trials as JSON rows (number, params, retry_of); the queued sets taken; the
    // claim token; the worker that leases them (NULL: leased later, or by no worker).
    'mlsweep_claim_insert_many(text, text, timestamptz, bigint[], text, text)',
    `WITH v AS (UPDATE mlsweep_sweeps SET version = version + 1 WHERE id = $1 RETURNING version),
          d AS (DELETE FROM mlsweep_queue WHERE sweep_id = $1 AND seq = ANY($4))
     INSERT INTO mlsweep_trials (sweep_id, number, params, status, retry_of, started_at, changed, claim_token, worker_id)
     SELECT $1, x.number, x.params, 'running', x.retry_of, $3, v.version, $5, $6
     FROM v, jsonb_to_recordset($2::jsonb) AS x(number int, params text, retry_of int)
     RETURNING changed AS version`,
  ],
];

interface SweepRow {
  id: string;
  name: string | null;
  tags: Record<string, string>;
  started_at: Date;
  ended_at: Date | null;
}

const SWEEP_COLUMNS = 'id, name, tags, started_at, ended_at';

/** A sweep row as a SweepRecord. */
function recordOf(row: SweepRow): SweepRecord {
  return sweepRecordOf({
    id: row.id,
    name: row.name ?? undefined,
    tags: row.tags,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString(),
  });
}

/** The columns a trial's end writes, from $3 on: status, value, error, output, values, constraints, ended_at. */
function endValues(end: TrialEnd): unknown[] {
  return [
    end.status,
    end.value ?? null,
    end.error ?? null,
    end.output ? JSON.stringify(end.output) : null,
    end.values !== undefined ? JSON.stringify(end.values.map(jsonNumber)) : null,
    end.constraints !== undefined ? JSON.stringify(end.constraints.map(jsonNumber)) : null,
    end.endedAt,
  ];
}

const END_SET = `status = $3, value = $4::float8, error = $5, output = $6, values_json = $7,
  constraints_json = $8, ended_at = $9::timestamptz, changed = (SELECT version FROM v)`;

/**
 * A sweep kept in PostgreSQL (see the module's comment for how workers share it). Open it
 * through `PostgresLocation` (or `openSweepLocation('postgresql://...')`).
 *
 * @example
 * const location = openSweepLocation('postgresql://mlsweep@db.example/mlsweep');
 * const store = await location.create({ objective: { goal: 'minimize', primaryMetric: 'loss' } });
 * await sweep({ ...options, store });
 */
export class PostgresSweepStore implements SweepStore, TrialLeases, TrialBatches {
  private retries: ResumePlan['retry'] = [];
  private cache = new ClaimCache();
  private readonly chains = new Map<number, Promise<void>>();
  /** Tokens that make a retried write recognisable: this store's prefix and a counter. */
  private readonly tokenPrefix = randomUUID().slice(0, 13);
  private tokens = 0;
  /** The sweep's tracking run id, once asked (see `sweepRun`). */
  private sweepRunId: Promise<string | undefined> | undefined;

  private constructor(
    private readonly connection: PgConnection,
    /** The sweep's id: what `--resume`, `mlsweep report` and workers take. */
    readonly sweepId: string,
  ) {}

  /**
   * Records a new sweep, tagged as the SQLite store tags it (`mlsweep.type = sweep`, its
   * objective), so readers find the same tags in both.
   *
   * @example
   * const store = await PostgresSweepStore.create(connection, { name: 'rf sweep' });
   */
  static async create(connection: PgConnection, sweep: NewSweep = {}): Promise<PostgresSweepStore> {
    const objective = sweep.objective ?? sweep.objectives?.[0];
    const tags = {
      ...sweep.tags,
      ...(objective ? { [GOAL_TAG]: objective.goal, [PRIMARY_METRIC_TAG]: objective.primaryMetric } : {}),
      ...(sweep.objectives ? { [OBJECTIVES_TAG]: JSON.stringify(sweep.objectives) } : {}),
      [SWEEP_TYPE_TAG]: 'sweep',
    };
    const id = randomUUID().replace(/-/g, '');
    await connection.query(
      `INSERT INTO mlsweep_sweeps (id, experiment, name, tags, started_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [id, sweep.experiment ?? 'Default', sweep.name ?? null, JSON.stringify(tags), new Date().toISOString()],
    );
    return new PostgresSweepStore(connection, id);
  }

  /**
   * Opens a recorded sweep by its id or a unique prefix of it; a ValidationError when
   * there is none, or more than one.
   *
   * @example
   * const store = await PostgresSweepStore.open(connection, '3f2a9c');
   */
  static async open(connection: PgConnection, idOrPrefix: string): Promise<PostgresSweepStore> {
    const prefix = /^[0-9a-f]{1,32}$/i.test(idOrPrefix) ? idOrPrefix.toLowerCase() : undefined;
    const { rows } =
      prefix === undefined
        ? await connection.query<{ id: string }>('SELECT id FROM mlsweep_sweeps WHERE id = $1', [idOrPrefix])
        : await connection.query<{ id: string }>(
            'SELECT id FROM mlsweep_sweeps WHERE id >= $1 AND id < $2 ORDER BY id LIMIT 2',
            [prefix, `${prefix}g`],
          );
    if (rows.length !== 1) {
      throw new ValidationError(
        rows.length === 0
          ? `unknown sweep '${idOrPrefix}' in ${connection.target.where}`
          : `sweep id prefix '${idOrPrefix}' is ambiguous in ${connection.target.where}: give more of the id`,
        { path: 'resume', code: 'E_NOT_FOUND' },
      );
    }
    return new PostgresSweepStore(connection, rows[0]!.id);
  }

  /**
   * Every sweep of the database, oldest first; `openOnly`: those open to workers
   * (`mlsweep.workers = open`) that have not ended.
   *
   * @example
   * (await PostgresSweepStore.list(connection)).map((s) => s.sweepId);
   */
  static async list(connection: PgConnection, openOnly = false): Promise<SweepRecord[]> {
    const { rows } = await connection.query<SweepRow>(
      `SELECT ${SWEEP_COLUMNS} FROM mlsweep_sweeps
       ${openOnly ? 'WHERE tags @> $1::jsonb AND ended_at IS NULL' : ''} ORDER BY seq`,
      openOnly ? [JSON.stringify({ [WORKERS_TAG]: 'open' })] : [],
    );
    return rows.map(recordOf);
  }

  /**
   * Runs a trial's writes in the order they were called: the engine does not wait for one
   * write before the next, and a pool would otherwise run a trial's end before its start.
   * Writes of different trials run side by side.
   */
  private inOrder<T>(trialId: number, write: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(trialId) ?? Promise.resolve();
    const result = previous.then(write, write);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.chains.set(trialId, tail);
    void tail.then(() => {
      if (this.chains.get(trialId) === tail) this.chains.delete(trialId);
    });
    return result;
  }

  /** Waits for the writes called so far (a read after them sees them, as with SQLite). */
  private async written(trialId?: number): Promise<void> {
    if (trialId !== undefined) await this.chains.get(trialId);
    else if (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  private token(): string {
    return `${this.tokenPrefix}-${++this.tokens}`;
  }

  startTrial(id: number, params: ParamSet, startedAt: string): Promise<void> {
    return this.inOrder(id, async () => {
      // The engine starts the retries first, with the very parameter objects resume() returned.
      const retryOf = this.retries[0]?.params === params ? this.retries[0].of : undefined;
      await this.connection.run((attempt) => [
        `${BUMP} INSERT INTO mlsweep_trials (sweep_id, number, params, status, retry_of, started_at, changed)
         SELECT $1, $2::int, $3, 'running', $4::int, $5::timestamptz, v.version FROM v
         ${attempt > 0 ? 'ON CONFLICT (sweep_id, number) DO NOTHING' : ''}`,
        [this.sweepId, id, JSON.stringify(params), retryOf ?? null, startedAt],
        attempt > 0 ? undefined : 'mlsweep_q_start',
      ]);
      if (retryOf !== undefined) this.retries = this.retries.slice(1);
    });
  }

  addMetric(id: number, name: string, point: MetricPoint): Promise<void> {
    return this.inOrder(id, async () => {
      const token = this.token();
      const result = await this.connection.run((attempt) => [
        `${BUMP} INSERT INTO mlsweep_points (sweep_id, changed, number, name, step, value, token)
         SELECT $1, v.version, $2::int, $3, $4::int, $5::float8, $6 FROM v
         WHERE EXISTS (SELECT 1 FROM mlsweep_trials WHERE sweep_id = $1 AND number = $2::int)
         ${attempt > 0 ? 'AND NOT EXISTS (SELECT 1 FROM mlsweep_points WHERE sweep_id = $1 AND number = $2::int AND token = $6)' : ''}`,
        [this.sweepId, id, name, point.step, point.value, token],
        attempt > 0 ? undefined : 'mlsweep_q_metric',
      ]);
      if (result.rowCount === 0 && (await this.readTrial(id)) === undefined) throw this.neverStarted(id);
    });
  }

  endTrial(id: number, end: TrialEnd): Promise<void> {
    return this.inOrder(id, async () => {
      const result = await this.connection.query(
        `${BUMP} UPDATE mlsweep_trials SET ${END_SET}, end_token = NULL WHERE sweep_id = $1 AND number = $2`,
        [this.sweepId, id, ...endValues(end)],
        'mlsweep_q_end',
      );
      if (result.rowCount === 0) throw this.neverStarted(id);
    });
  }

  /**
   * Claims the next trial (see `TrialClaims.claimTrial`): a batch of one (`claimTrials`).
   *
   * @example
   * const { id, params } = await store.claimTrial(({ trials }) => ({ params: { x: trials.length } }), new Date().toISOString());
   */
  async claimTrial(choose: (state: ClaimState) => ClaimChoice, startedAt: string): Promise<ClaimedTrial> {
    return (await this.claimTrials(choose, startedAt, { max: 1 }))[0]!;
  }

  /**
   * Claims up to `max` trials in one hold of the sweep row's lock (see
   * `TrialBatches.claimTrials`): reads what changed since this process's last read and up
   * to `max` queued sets (skipping those another transaction holds), calls `choose` once
   * per trial with the batch's earlier trials in view as running, and records them all,
   * leased to `workerId`, in one statement.
   *
   * @example
   * const claimed = await store.claimTrials(choose, new Date().toISOString(), { max: 4, workerId });
   */
  async claimTrials(
    choose: (state: ClaimState) => ClaimChoice,
    startedAt: string,
    options: ClaimBatchOptions,
  ): Promise<ClaimedTrial[]> {
    const max = Math.max(1, Math.floor(options.max));
    const token = this.token();
    type Claimed = { trials: ClaimedTrial[]; stored?: StoredTrial[]; version?: number };
    // Two round trips hold the lock: BEGIN, the lock and the reads in one simple query;
    // the insert and COMMIT in another. Each statement is prepared once per connection
    // (SQL PREPARE) and run with EXECUTE: planning would cost more than running. The
    // simple protocol takes no parameters, so values are written as literals: numbers,
    // and strings escaped by the driver's escapeLiteral.
    const id = literal(this.sweepId);
    let declined = false;
    try {
      const claimed = await this.connection.session(async (tx, attempt): Promise<Claimed> => {
        declined = false;
        if (attempt > 0) {
          // The previous attempt may have committed before its answer was lost.
          const { rows } = await tx.query<{ number: number; params: string }>(
            'SELECT number, params FROM mlsweep_trials WHERE sweep_id = $1 AND claim_token = $2 ORDER BY number',
            [this.sweepId, token],
          );
          if (rows.length > 0)
            return { trials: rows.map((r) => ({ id: r.number, params: JSON.parse(r.params) as ParamSet })) };
        }
        for (const [name, sql] of CLAIM_STATEMENTS) await tx.prepare(name, sql);
        const seen = this.cache.version;
        const [, heads, trials, points] = (await tx.simple(
          `BEGIN; EXECUTE mlsweep_claim_heads(${id}, ${max}); EXECUTE mlsweep_claim_trials(${id}, ${seen});
           EXECUTE mlsweep_claim_points(${id}, ${seen});`,
        )) as [unknown, Rows<HeadRow>, Rows<TrialRow>, Rows<PointRow>];
        const row = heads.rows[0];
        if (row === undefined) throw this.gone();
        // Under the lock nothing is in flight: what changed after `seen` is all there is.
        if (row.version >= seen) this.cache.apply(row.version, trials.rows, points.rows);
        else {
          // The counter went back (the sweep was recreated): read it all again.
          this.cache = new ClaimCache();
          await this.catchUp(tx, row.version);
        }
        const queue = heads.rows.filter((h) => h.seq !== null);
        // The batch's earlier trials are shown to the chooser at the end of the cache's own
        // list, and taken off again before anything else reads it (the loop does not wait):
        // no copy of every trial per choice. They go in for good once the batch commits.
        const view = this.cache.list();
        const baseLength = view.length;
        let number = this.cache.nextNumber();
        const stored: StoredTrial[] = [];
        const taken: number[] = [];
        const inserts: { number: number; params: string; retry_of: number | null }[] = [];
        const at = new Date(startedAt).toISOString();
        try {
          while (stored.length < max) {
            const head = queue[taken.length];
            let choice: ClaimChoice;
            try {
              choice = choose({
                trials: view,
                queued: head === undefined ? undefined : (JSON.parse(head.params!) as ParamSet),
              });
            } catch (error) {
              if (stored.length > 0) break;
              declined = true;
              throw error;
            }
            const take = choice.takeQueued === true && head !== undefined;
            const retryOf = take ? head.retry_of : null;
            if (take) taken.push(head.seq!);
            inserts.push({ number, params: JSON.stringify(choice.params), retry_of: retryOf });
            const trial: StoredTrial = {
              id: number,
              params: choice.params,
              startedAt: at,
              status: 'running',
              metrics: {},
              ...(retryOf !== null ? { retryOf } : {}),
            };
            stored.push(trial);
            view.push(trial);
            number++;
          }
        } finally {
          view.length = baseLength;
        }
        const [inserted] = (await tx.simple(
          `EXECUTE mlsweep_claim_insert_many(${id}, ${literal(JSON.stringify(inserts))}, ${literal(startedAt)},
             ${literal(`{${taken.join(',')}}`)}, ${literal(token)},
             ${options.workerId === undefined ? 'NULL' : literal(options.workerId)}); COMMIT;`,
        )) as [Rows<{ version: number }>];
        return {
          trials: stored.map((t) => ({ id: t.id, params: t.params })),
          stored,
          version: inserted.rows[0]!.version,
        };
      });
      if (claimed.stored !== undefined && claimed.version !== undefined)
        this.cache.addAll(claimed.version, claimed.stored);
      return claimed.trials;
    } catch (error) {
      // A declined claim (the chooser said no) read only what is true: the cache stays.
      // Otherwise start afresh rather than reason about a half-done claim.
      if (!declined) this.cache = new ClaimCache();
      throw error;
    }
  }

  /** Brings the cache to `version`: reads the trials and points changed since the cache's version. */
  private async catchUp(tx: Tx | PgConnection, version: number): Promise<void> {
    const from = this.cache.version;
    if (version === from) return;
    if (version < from) this.cache = new ClaimCache();
    const seen = this.cache.version;
    const trials = await tx.query<TrialRow>(
      `SELECT ${TRIAL_COLUMNS} FROM mlsweep_trials WHERE sweep_id = $1 AND changed > $2 AND changed <= $3 ORDER BY changed`,
      [this.sweepId, seen, version],
      'mlsweep_q_changed_trials',
    );
    const points = await tx.query<PointRow>(
      `SELECT ${POINT_COLUMNS} FROM mlsweep_points WHERE sweep_id = $1 AND changed > $2 AND changed <= $3 ORDER BY changed`,
      [this.sweepId, seen, version],
      'mlsweep_q_changed_points',
    );
    this.cache.apply(version, trials.rows, points.rows);
  }

  async enqueueTrial(params: ParamSet): Promise<void> {
    const token = this.token();
    await this.connection.run((attempt) => [
      `INSERT INTO mlsweep_queue (sweep_id, params, token) SELECT $1, $2, $3
       ${attempt > 0 ? 'WHERE NOT EXISTS (SELECT 1 FROM mlsweep_queue WHERE sweep_id = $1 AND token = $3)' : ''}`,
      [this.sweepId, JSON.stringify(params), token],
    ]);
  }

  /**
   * Ends a trial if it is still running, in one statement that re-checks its status under
   * the sweep's lock (see `TrialClaims.settleTrial`).
   *
   * @example
   * await store.settleTrial(3, { status: 'completed', value: 0.9, endedAt: new Date().toISOString() }); // 'ended'
   */
  settleTrial(id: number, end: TrialEnd): Promise<SettleOutcome> {
    return this.inOrder(id, async () => {
      const token = this.token();
      const { rows } = await this.connection.query<{
        ended: number;
        status: TrialStatus | 'running' | null;
        end_token: string | null;
      }>(
        `${BUMP}, u AS (UPDATE mlsweep_trials SET ${END_SET}, end_token = $10
                       WHERE sweep_id = $1 AND number = $2 AND status = 'running' RETURNING 1)
         SELECT (SELECT count(*) FROM u)::int AS ended, t.status, t.end_token
         FROM (SELECT 1) one LEFT JOIN mlsweep_trials t ON t.sweep_id = $1 AND t.number = $2`,
        [this.sweepId, id, ...endValues(end), token],
        'mlsweep_q_settle',
      );
      const row = rows[0]!;
      if (row.ended === 1) return 'ended';
      if (row.status === null) return 'unknown';
      if (row.end_token === token) return 'ended'; // a retry of a settle whose answer was lost
      if (row.status !== 'running') return row.status;
      // Ended by another process between this statement's snapshot and its lock: read it now.
      const now = await this.connection.query<{ status: TrialStatus; end_token: string | null }>(
        'SELECT status, end_token FROM mlsweep_trials WHERE sweep_id = $1 AND number = $2',
        [this.sweepId, id],
      );
      const status = now.rows[0]!;
      return status.end_token === token ? 'ended' : status.status;
    });
  }

  /**
   * Settles several trials in one statement (see `TrialBatches.settleTrials`): one bump of
   * the sweep's counter under its lock, each trial ended only if still running, and the
   * points of the trials it ended inserted with them (each point its own change number, in
   * report order, before the trials' own). A retry after a lost answer finds its token on
   * the trials it ended and inserts no point twice (points go only with a trial ended now).
   * A sweep with a tracking run (`SWEEP_RUN_TAG`) gets a run per trial it ends in the same
   * statement (trial-runs.ts).
   *
   * @example
   * await store.settleTrials([{ id: 3, end: { status: 'completed', value: 0.9, endedAt }, points: [{ name: 'loss', point: { step: 0, value: 0.9 } }] }]);
   */
  async settleTrials(ends: readonly TrialSettlement[]): Promise<SettleOutcome[]> {
    if (ends.length === 0) return [];
    await Promise.all(ends.map((e) => this.chains.get(e.id)));
    const sweepRun = await this.sweepRun();
    const token = this.token();
    // Numbers travel as text so NaN and the infinities survive JSON (PostgreSQL casts them).
    const num = (n: number | undefined) => (n === undefined ? null : String(n));
    const rows = ends.map(({ id, end }) => ({
      number: id,
      status: end.status,
      value: num(end.value),
      error: end.error ?? null,
      output: end.output ? JSON.stringify(end.output) : null,
      values_json: end.values !== undefined ? JSON.stringify(end.values.map(jsonNumber)) : null,
      constraints_json:
        end.constraints !== undefined ? JSON.stringify(end.constraints.map(jsonNumber)) : null,
      ended_at: end.endedAt,
    }));
    const points = ends.flatMap(({ id, points: list }) =>
      (list ?? []).map(({ name, point }) => ({
        number: id,
        name,
        step: point.step,
        value: String(point.value),
      })),
    );
    const { rows: ended } = await this.connection.query<{ number: number }>(
      `WITH e AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(number int, status text, value text, error text,
                    output text, values_json text, constraints_json text, ended_at timestamptz)),
            p AS (SELECT * FROM ROWS FROM (jsonb_to_recordset($3::jsonb) AS (number int, name text, step int, value text))
                    WITH ORDINALITY AS x(number, name, step, value, ord)),
            n AS (SELECT count(*) AS k FROM p),
            v AS (UPDATE mlsweep_sweeps SET version = version + 1 + (SELECT k FROM n) WHERE id = $1 RETURNING version),
            u AS (UPDATE mlsweep_trials t SET status = e.status, value = e.value::float8, error = e.error, output = e.output,
                    values_json = e.values_json, constraints_json = e.constraints_json, ended_at = e.ended_at,
                    end_token = $4, changed = (SELECT version FROM v)
                  FROM e WHERE t.sweep_id = $1 AND t.number = e.number AND t.status = 'running'
                  RETURNING t.number, t.params, t.status, t.error, t.started_at, t.ended_at),
            i AS (INSERT INTO mlsweep_points (sweep_id, changed, number, name, step, value, token)
                  SELECT $1, (SELECT version FROM v) - (SELECT k FROM n) - 1 + p.ord, p.number, p.name, p.step, p.value::float8, $4
                  FROM p WHERE p.number IN (SELECT number FROM u))${sweepRun !== undefined ? TRIAL_RUNS_CTES : ''}
       SELECT number FROM u`,
      [
        this.sweepId,
        JSON.stringify(rows),
        JSON.stringify(points),
        token,
        ...(sweepRun !== undefined ? [sweepRun] : []),
      ],
      sweepRun !== undefined ? 'mlsweep_q_settle_many_runs' : 'mlsweep_q_settle_many',
    );
    // The trials it did not end: already ended by another process (a reaping, a hand-back),
    // or by this very settle whose answer was lost (its token is on them): read them now,
    // after the statement. Rare, so not part of the statement (whose plan must stay cheap).
    const done = new Set(ended.map((r) => r.number));
    const others = ends.filter((e) => !done.has(e.id)).map((e) => e.id);
    const now = new Map<number, { status: TrialStatus | 'running'; end_token: string | null }>();
    if (others.length > 0) {
      const { rows } = await this.connection.query<{
        number: number;
        status: TrialStatus | 'running';
        end_token: string | null;
      }>(
        'SELECT number, status, end_token FROM mlsweep_trials WHERE sweep_id = $1 AND number = ANY($2::int[])',
        [this.sweepId, others],
      );
      for (const row of rows) now.set(row.number, row);
    }
    const outcomes = ends.map(({ id }): SettleOutcome => {
      if (done.has(id)) return 'ended';
      const row = now.get(id);
      if (row === undefined) return 'unknown';
      if (row.end_token === token) return 'ended';
      // Under the sweep's lock the statement re-checked the status: not running now.
      return row.status as SettleOutcome;
    });
    return outcomes;
  }

  async endSweep(reason: StopReason, message: string): Promise<void> {
    await this.written();
    const endedAt = new Date();
    await this.connection.query(
      `UPDATE mlsweep_sweeps SET ended_at = $2::timestamptz, tags = tags || jsonb_build_object($3::text, $4::text, $5::text, $6::text)
       WHERE id = $1`,
      [this.sweepId, endedAt.toISOString(), STOP_REASON_TAG, reason, STOP_MESSAGE_TAG, message],
    );
    const sweepRun = await this.sweepRun();
    if (sweepRun !== undefined) await this.connection.query(END_SWEEP_RUN_SQL, [sweepRun, endedAt.getTime()]);
  }

  /**
   * The id of the sweep's tracking run (`SWEEP_RUN_TAG`), read once: a sweep created
   * without one writes no trial runs.
   */
  private sweepRun(): Promise<string | undefined> {
    this.sweepRunId ??= this.connection
      .query<{ run: string | null }>(`SELECT tags->>$2 AS run FROM mlsweep_sweeps WHERE id = $1`, [
        this.sweepId,
        SWEEP_RUN_TAG,
      ])
      .then(
        ({ rows }) => rows[0]?.run ?? undefined,
        (error: unknown) => {
          this.sweepRunId = undefined; // asked again after an outage
          throw error;
        },
      );
    return this.sweepRunId;
  }

  async sweep(): Promise<SweepRecord> {
    const { rows } = await this.connection.query<SweepRow>(
      `SELECT ${SWEEP_COLUMNS} FROM mlsweep_sweeps WHERE id = $1`,
      [this.sweepId],
    );
    if (rows[0] === undefined) throw this.gone();
    return recordOf(rows[0]);
  }

  /**
   * Every trial, by number, with its metric points in report order: read incrementally
   * (only what changed since this process's last read), without any lock.
   *
   * @example
   * (await store.trials()).filter((t) => t.status === 'completed').length;
   */
  async trials(): Promise<StoredTrial[]> {
    await this.written();
    try {
      // Versions commit in order (each is bumped under the sweep row's lock, held to
      // commit), so every change up to the version read first is visible to the reads after.
      const { rows } = await this.connection.query<{ version: number }>(
        'SELECT version FROM mlsweep_sweeps WHERE id = $1',
        [this.sweepId],
        'mlsweep_q_version',
      );
      if (rows[0] === undefined) throw this.gone();
      await this.catchUp(this.connection, rows[0].version);
      return [...this.cache.list()];
    } catch (error) {
      this.cache = new ClaimCache();
      throw error;
    }
  }

  async trial(id: number): Promise<StoredTrial | undefined> {
    await this.written(id);
    return this.readTrial(id);
  }

  private async readTrial(id: number): Promise<StoredTrial | undefined> {
    const trial = await this.connection.query<TrialRow>(
      `SELECT ${TRIAL_COLUMNS} FROM mlsweep_trials WHERE sweep_id = $1 AND number = $2`,
      [this.sweepId, id],
      'mlsweep_q_trial',
    );
    if (trial.rows[0] === undefined) return undefined;
    const points = await this.connection.query<PointRow>(
      `SELECT ${POINT_COLUMNS} FROM mlsweep_points WHERE sweep_id = $1 AND number = $2 ORDER BY changed`,
      [this.sweepId, id],
      'mlsweep_q_trial_points',
    );
    const metrics: Record<string, MetricPoint[]> = {};
    for (const p of points.rows) (metrics[p.name] ??= []).push({ step: p.step, value: p.value });
    return trialOf(trial.rows[0], metrics);
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    await this.connection.query('UPDATE mlsweep_sweeps SET tags = tags || $2::jsonb WHERE id = $1', [
      this.sweepId,
      JSON.stringify(tags),
    ]);
  }

  /**
   * Prepares a resume (see `SweepStore.resume`): trials left running fail with
   * INTERRUPTED_ERROR and the recorded end is cleared, in one statement.
   *
   * @example
   * const plan = await store.resume();
   */
  async resume(): Promise<ResumePlan> {
    await this.written();
    await this.connection.query(
      `WITH v AS (UPDATE mlsweep_sweeps SET version = version + 1, ended_at = NULL, tags = tags - $2::text - $3::text
                  WHERE id = $1 RETURNING version)
       UPDATE mlsweep_trials SET status = 'failed', error = $4, ended_at = $5::timestamptz, changed = (SELECT version FROM v)
       WHERE sweep_id = $1 AND status = 'running'`,
      [this.sweepId, STOP_REASON_TAG, STOP_MESSAGE_TAG, INTERRUPTED_ERROR, new Date().toISOString()],
    );
    const plan = planResume(await this.trials());
    this.retries = plan.retry;
    return plan;
  }

  leaseTrial(trialId: number, workerId: string): Promise<void> {
    return this.inOrder(trialId, async () => {
      await this.connection.query(
        `UPDATE mlsweep_trials SET worker_id = $3 WHERE sweep_id = $1 AND number = $2 AND status = 'running'`,
        [this.sweepId, trialId, workerId],
        'mlsweep_q_lease',
      );
    });
  }

  /**
   * Hands a running trial back (see `TrialLeases.releaseTrial`): ended `cancelled` and its
   * parameter set queued again, marked as that trial's retry, in one statement.
   *
   * @example
   * await store.releaseTrial(3, workerId); // true
   */
  releaseTrial(trialId: number, workerId: string): Promise<boolean> {
    return this.inOrder(trialId, async () => {
      const token = this.token();
      const { rows } = await this.connection.query<{ released: number; end_token: string | null }>(
        `${BUMP}, t AS (UPDATE mlsweep_trials SET status = 'cancelled', error = $4, ended_at = $5::timestamptz,
                          end_token = $6, changed = (SELECT version FROM v)
                        WHERE sweep_id = $1 AND number = $2 AND status = 'running' AND (worker_id IS NULL OR worker_id = $3)
                        RETURNING number, params),
         q AS (INSERT INTO mlsweep_queue (sweep_id, params, retry_of) SELECT $1, params, number FROM t)
         SELECT (SELECT count(*) FROM t)::int AS released,
                (SELECT end_token FROM mlsweep_trials WHERE sweep_id = $1 AND number = $2) AS end_token`,
        [
          this.sweepId,
          trialId,
          workerId,
          `handed back by worker ${workerId}, which stopped before the trial ended: queued again`,
          new Date().toISOString(),
          token,
        ],
        'mlsweep_q_release',
      );
      return rows[0]!.released === 1 || rows[0]!.end_token === token;
    });
  }

  /**
   * Fails the running trials of this sweep whose worker fell silent, and queues each once
   * again (see `TrialLeases.reapTrials`), in one transaction under the sweep's lock.
   * Silence is judged by the database's clock: `silentSince` is turned into an age by
   * this process's clock (as the caller made it), and compared with `now()` there, so
   * workers on machines with skewed clocks agree.
   *
   * @example
   * const reaped = await store.reapTrials(new Date(Date.now() - 30_000).toISOString());
   */
  async reapTrials(silentSince: string): Promise<ReapedTrial[]> {
    const silentForSeconds = (Date.now() - Date.parse(silentSince)) / 1000;
    if (!Number.isFinite(silentForSeconds)) {
      throw new ValidationError(`reapTrials: '${silentSince}' is not an ISO 8601 time`, {
        path: 'silentSince',
      });
    }
    // Silent: a held trial whose worker's last beat (or, if it never beat, the claim) is
    // older than the cutoff; in a sweep open to workers, also a claimed trial that no
    // worker ever leased (its worker died between the claim and the lease).
    const silent = `t.sweep_id = $1 AND t.status = 'running'
      AND (t.worker_id IS NOT NULL OR (t.claim_token IS NOT NULL AND
           EXISTS (SELECT 1 FROM mlsweep_sweeps s WHERE s.id = $1 AND s.tags @> $3::jsonb)))
      AND coalesce((SELECT w.last_beat_at FROM mlsweep_workers w WHERE w.worker_id = t.worker_id), t.claimed_at)
          < now() - make_interval(secs => $2::float8)`;
    const values = [this.sweepId, silentForSeconds, JSON.stringify({ [WORKERS_TAG]: 'open' })];
    // Most reaps find nothing: look without a lock first.
    const any = await this.connection.query(`SELECT 1 FROM mlsweep_trials t WHERE ${silent} LIMIT 1`, values);
    if (any.rowCount === 0) return [];
    const rows = await this.connection.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM mlsweep_sweeps WHERE id = $1 FOR UPDATE', [this.sweepId]);
      const reaped = await tx.query<{
        number: number;
        worker_id: string | null;
        params: string;
        retry_of: number | null;
      }>(
        `${BUMP}, r AS (
           UPDATE mlsweep_trials t SET status = 'failed', ended_at = now(), changed = (SELECT version FROM v),
             error = CASE WHEN t.worker_id IS NULL
               THEN 'claimed at ' || to_char(t.claimed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
                    ' by a worker that never took it up (it stopped before its lease was written): the trial failed after the heartbeat timeout'
               ELSE 'worker ' || t.worker_id || ' fell silent (its last heartbeat was at ' ||
                    coalesce(to_char((SELECT w.last_beat_at FROM mlsweep_workers w WHERE w.worker_id = t.worker_id)
                                     AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'never') ||
                    '): the trial failed after the heartbeat timeout' END
           WHERE ${silent}
           RETURNING t.number, t.worker_id, t.params, t.retry_of),
         q AS (INSERT INTO mlsweep_queue (sweep_id, params, retry_of)
               SELECT $1, params, number FROM r WHERE retry_of IS NULL ORDER BY number)
         SELECT number, worker_id, params, retry_of FROM r ORDER BY number`,
        values,
      );
      return reaped.rows;
    });
    return rows.map((row) => ({
      trialId: row.number,
      workerId: row.worker_id ?? UNLEASED_WORKER,
      requeued: row.retry_of === null,
      params: JSON.parse(row.params) as ParamSet,
    }));
  }

  private neverStarted(id: number): ValidationError {
    return new ValidationError(`trial ${id} of sweep ${this.sweepId} was never started`, { path: 'trialId' });
  }

  private gone(): ValidationError {
    return new ValidationError(`sweep ${this.sweepId} is no longer in ${this.connection.target.where}`, {
      path: 'sweep',
      code: 'E_NOT_FOUND',
    });
  }
}
