/**
 * A sweep's trials as one process last read them, brought up to date by reading only what
 * changed since: every write to a sweep's trials or metric points stamps them with the
 * sweep's change counter (`mlsweep_sweeps.version`, bumped under the sweep row's lock and
 * held to commit), so versions become visible in order and "changed in (seen, now]" is
 * exactly what a reader lacks. A claim then costs what changed, not the whole sweep.
 */
import type { MetricPoint, ParamSet, TrialStatus } from '../../core/trial.ts';
import type { StoredTrial, TrialOutput } from '../records.ts';
import { numbersOf } from '../sweep-record.ts';

/** A trial row as the store selects it (TRIAL_COLUMNS). */
export interface TrialRow {
  number: number;
  params: string;
  status: TrialStatus | 'running';
  value: number | null;
  error: string | null;
  output: string | null;
  retry_of: number | null;
  values_json: string | null;
  constraints_json: string | null;
  started_at: Date;
  ended_at: Date | null;
  /** The sweep's change counter when the row last changed. */
  changed: number;
}

/** A metric point row as the store selects it (POINT_COLUMNS), in report order. */
export interface PointRow {
  number: number;
  name: string;
  step: number;
  value: number;
  /** The sweep's change counter when the point was added: unique in the sweep, in report order. */
  changed: number;
}

/** The columns of mlsweep_trials that make a StoredTrial. */
export const TRIAL_COLUMNS =
  'number, params, status, value, error, output, retry_of, values_json, constraints_json, started_at, ended_at, changed';

/** The columns of mlsweep_points that make a MetricPoint of a trial. */
export const POINT_COLUMNS = 'number, name, step, value, changed';

/**
 * A StoredTrial from its row and its metric points.
 *
 * @example
 * const trial = trialOf(row, { loss: [{ step: 0, value: 1 }] });
 */
export function trialOf(
  row: TrialRow,
  metrics: Readonly<Record<string, readonly MetricPoint[]>>,
  /** The trial as read before, when it was: its parameters and start never change, so they are not parsed again. */
  before?: StoredTrial,
): StoredTrial {
  return {
    id: row.number,
    params: before?.params ?? (JSON.parse(row.params) as ParamSet),
    startedAt: before?.startedAt ?? row.started_at.toISOString(),
    status: row.status,
    metrics,
    ...(row.value !== null ? { value: row.value } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.ended_at !== null ? { endedAt: row.ended_at.toISOString() } : {}),
    ...(row.output !== null ? { output: JSON.parse(row.output) as TrialOutput } : {}),
    ...(row.retry_of !== null ? { retryOf: row.retry_of } : {}),
    ...(row.values_json !== null ? { values: numbersOf(row.values_json) } : {}),
    ...(row.constraints_json !== null ? { constraints: numbersOf(row.constraints_json) } : {}),
  };
}

/**
 * The trials of one sweep as of change `version`. Trials handed out are never changed
 * afterwards (a change makes a new object), so callers may keep them; the list itself is
 * updated in place.
 *
 * @example
 * cache.apply(12, rows, points);
 * cache.list(); // every trial, by number
 */
export class ClaimCache {
  /** The sweep's change counter this cache reflects (0: nothing read yet). */
  version = 0;
  private readonly byNumber = new Map<number, StoredTrial>();
  /** When each trial's row last changed, as read. */
  private readonly rowChanged = new Map<number, number>();
  private sorted: StoredTrial[] | undefined = [];

  /** Applies what changed up to `version`: trial rows first, then their new points in report order. */
  apply(version: number, rows: readonly TrialRow[], points: readonly PointRow[]): void {
    // A read that finished after a newer one (two reads of one process at once) adds nothing.
    // Two reads may also overlap (both from the same version): what one already applied, the
    // other skips, so a point is never added twice nor a row put back to an older state.
    if (version < this.version) return;
    const touched = new Set<number>();
    for (const row of rows) {
      if ((this.rowChanged.get(row.number) ?? 0) >= row.changed) continue;
      const before = this.byNumber.get(row.number);
      this.byNumber.set(row.number, trialOf(row, before?.metrics ?? {}, before));
      this.rowChanged.set(row.number, row.changed);
      touched.add(row.number);
    }
    const fresh = points.filter((point) => point.changed > this.version);
    if (fresh.length > 0) {
      const added = new Map<number, Record<string, MetricPoint[]>>();
      for (const point of fresh) {
        let metrics = added.get(point.number);
        if (metrics === undefined) {
          const trial = this.byNumber.get(point.number);
          if (trial === undefined) continue;
          metrics = Object.fromEntries(Object.entries(trial.metrics).map(([k, v]) => [k, [...v]]));
          added.set(point.number, metrics);
        }
        (metrics[point.name] ??= []).push({ step: point.step, value: point.value });
      }
      for (const [number, metrics] of added) {
        this.byNumber.set(number, { ...this.byNumber.get(number)!, metrics });
        touched.add(number);
      }
    }
    this.resort(touched);
    this.version = version;
  }

  /**
   * Puts the changed trials in the sorted list: replaced or inserted in place (no copy of
   * the list, no sort of every trial again): a claim costs what changed, not the size of
   * the sweep.
   */
  private resort(touched: ReadonlySet<number>): void {
    if (touched.size === 0 || this.sorted === undefined) return;
    const sorted = this.sorted;
    for (const number of touched) {
      const trial = this.byNumber.get(number)!;
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid]!.id < number) lo = mid + 1;
        else hi = mid;
      }
      if (sorted[lo]?.id === number) sorted[lo] = trial;
      else sorted.splice(lo, 0, trial);
    }
  }

  /** Adds a trial this process just recorded at `version` (it saw every change before it). */
  add(version: number, trial: StoredTrial): void {
    this.addAll(version, [trial]);
  }

  /** Adds the trials of one batch this process just recorded at `version` (it saw every change before it). */
  addAll(version: number, trials: readonly StoredTrial[]): void {
    // Two loops of one process: a read that another loop applied meanwhile may already hold
    // a later state of these trials and later points; neither is put back to `version`
    // (going back would make the next read add those points again).
    const touched = new Set<number>();
    for (const trial of trials) {
      if ((this.rowChanged.get(trial.id) ?? 0) >= version) continue;
      this.byNumber.set(trial.id, trial);
      this.rowChanged.set(trial.id, version);
      touched.add(trial.id);
    }
    this.resort(touched);
    this.version = Math.max(this.version, version);
  }

  /**
   * Every trial, by number: the cache's own list, which the next change updates in place
   * (copy it to keep it). Its trials are never changed (a change makes a new object).
   */
  list(): StoredTrial[] {
    this.sorted ??= [...this.byNumber.values()].sort((a, b) => a.id - b.id);
    return this.sorted;
  }

  /** One past the highest trial number (0 for none). */
  nextNumber(): number {
    const list = this.list();
    return list.length === 0 ? 0 : list[list.length - 1]!.id + 1;
  }
}
