// What benchmarks/serve.bench.ts records and benchmarks/serve-median.ts reads back: the
// shapes of serve.json's rows and data collection pairs, the median, and the two
// markdown tables the README quotes, written by one piece of code for both.
import { markdown } from './record.ts';

/** One load scenario against one server. */
export interface ServeRow {
  scenario: string;
  workers: number;
  /** Whether requests arriving together went to a thread as one message. */
  batching: boolean;
  connections: number;
  /** Requests each connection sends before its answers come (1: none). */
  pipelining: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rowsPerSecond: number;
  inProcessRowsPerSecond?: number;
  ratio?: number;
}

/** One side of a data collection pair: a store served with or without `data_collector`. */
export interface CollectionSide {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU µs of the server process (all its threads) per request answered (median of the windows; null off Linux). */
  cpuUsPerRequest: number | null;
  /** CPU µs of the server's main thread (its event loop) per request answered (null off Linux; absent in older runs). */
  mainCpuUsPerRequest?: number | null;
}

/** Data collection off and on at one request size: requests/s, latency and CPU, with each pair's (or run's) slowdown. */
export interface CollectionPair {
  rowsPerRequest: number;
  workers: number;
  connections: number;
  /** Seconds of load on each side. */
  seconds: number;
  without: CollectionSide;
  with: CollectionSide;
  /** 1 - with / without requests/s (median). */
  slowdown: number;
  /** 1 - without / with CPU µs per request (median; null off Linux). */
  cpuSlowdown: number | null;
}

/** The median of a list (the mean of the middle two for an even length). */
export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The serving table: one line per scenario. */
export function servingTable(rows: readonly ServeRow[]): string {
  return markdown(
    [
      'scenario',
      'scoring threads',
      'micro-batching',
      'connections',
      'pipelining',
      'requests/s',
      'p50',
      'p99',
      'rows/s',
      'in-process predict rows/s',
      'served / in-process',
    ],
    rows.map((r) => [
      r.scenario,
      r.workers,
      r.batching ? 'on' : 'off',
      r.connections,
      r.pipelining,
      r.requestsPerSecond.toLocaleString('en-US'),
      `${r.p50Ms} ms`,
      `${r.p99Ms} ms`,
      r.rowsPerSecond.toLocaleString('en-US'),
      r.inProcessRowsPerSecond?.toLocaleString('en-US') ?? '-',
      r.ratio?.toFixed(2) ?? '-',
    ]),
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const us = (side: CollectionSide, pick: 'cpuUsPerRequest' | 'mainCpuUsPerRequest') => {
  const value = side[pick];
  return value === null || value === undefined || Number.isNaN(value) ? '-' : String(value);
};

/**
 * The data collection table. `over` says what the medians are of (`6 pairs`, `3 runs`);
 * `each(p)` and `cpuEach(p)` list the slowdowns they are the median of.
 */
export function collectionTable<P extends CollectionPair>(
  pairs: readonly P[],
  over: string,
  each: (p: P) => readonly number[],
  cpuEach: (p: P) => readonly number[],
): string {
  return markdown(
    [
      'rows per request',
      'scoring threads',
      'connections',
      'without collection: requests/s',
      'p50 / p99',
      'with inputs and outputs collected: requests/s',
      'p50 / p99',
      `slowdown (median of ${over})`,
      'each',
      'server CPU per request: without / with',
      'of it on the event loop: without / with',
      `CPU slowdown (median of ${over})`,
      'each',
    ],
    pairs.map((p) => [
      p.rowsPerRequest,
      p.workers,
      p.connections,
      p.without.requestsPerSecond.toLocaleString('en-US'),
      `${p.without.p50Ms} / ${p.without.p99Ms} ms`,
      p.with.requestsPerSecond.toLocaleString('en-US'),
      `${p.with.p50Ms} / ${p.with.p99Ms} ms`,
      pct(p.slowdown),
      each(p).map(pct).join(', '),
      `${us(p.without, 'cpuUsPerRequest')} / ${us(p.with, 'cpuUsPerRequest')} µs`,
      `${us(p.without, 'mainCpuUsPerRequest')} / ${us(p.with, 'mainCpuUsPerRequest')} µs`,
      p.cpuSlowdown === null ? '-' : pct(p.cpuSlowdown),
      cpuEach(p).map(pct).join(', '),
    ]),
  );
}
