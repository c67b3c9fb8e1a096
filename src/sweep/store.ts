import type { MetricPoint, ParamSet, TrialStatus } from '../samplers/types.ts';
import type { StopReason, TrialOutput } from './types.ts';

/** How a trial ended, as the engine writes it to a store. */
export interface TrialEnd {
  readonly status: TrialStatus;
  readonly value?: number;
  readonly error?: string;
  readonly endedAt: string;
  readonly output?: TrialOutput;
}

/** A trial as a store keeps it. */
export interface StoredTrial {
  readonly id: number;
  readonly params: ParamSet;
  readonly startedAt: string;
  /** `running` until the trial ends. */
  readonly status: TrialStatus | 'running';
  readonly value?: number;
  readonly error?: string;
  readonly endedAt?: string;
  readonly output?: TrialOutput;
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>;
}

/**
 * Where the engine writes a sweep as it runs: trials with their parameters, metric
 * points, statuses. Methods may return a promise (a database); the engine waits for all
 * writes before it returns, and fails the sweep if one failed.
 */
export interface SweepStore {
  startTrial(id: number, params: ParamSet, startedAt: string): void | Promise<void>;
  addMetric(id: number, name: string, point: MetricPoint): void | Promise<void>;
  endTrial(id: number, end: TrialEnd): void | Promise<void>;
  endSweep(reason: StopReason, message: string): void | Promise<void>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The in-memory store: everything kept in plain objects, readable while and after the
 * sweep runs.
 *
 * @example
 * const store = new MemoryStore();
 * await sweep({ ...options, store });
 * store.trials(); // every trial, with its metric points
 */
export class MemoryStore implements SweepStore {
  private readonly byId = new Map<
    number,
    Mutable<StoredTrial> & { metrics: Record<string, MetricPoint[]> }
  >();
  private ended: { reason: StopReason; message: string } | undefined;

  startTrial(id: number, params: ParamSet, startedAt: string): void {
    this.byId.set(id, { id, params, startedAt, status: 'running', metrics: {} });
  }

  addMetric(id: number, name: string, point: MetricPoint): void {
    const metrics = this.get(id).metrics;
    (metrics[name] ??= []).push(point);
  }

  endTrial(id: number, end: TrialEnd): void {
    Object.assign(this.get(id), end);
  }

  endSweep(reason: StopReason, message: string): void {
    this.ended = { reason, message };
  }

  /** Every trial, by id. */
  trials(): StoredTrial[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** One trial, or undefined. */
  trial(id: number): StoredTrial | undefined {
    return this.byId.get(id);
  }

  /** How the sweep ended, once it has. */
  status(): { reason: StopReason; message: string } | undefined {
    return this.ended;
  }

  private get(id: number) {
    const trial = this.byId.get(id);
    if (!trial) throw new Error(`MemoryStore: trial ${id} was never started`);
    return trial;
  }
}
