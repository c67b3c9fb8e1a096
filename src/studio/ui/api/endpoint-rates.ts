/**
 * Request rates of a deployment from what a running `mlsweep serve --store` records: the
 * deployment log's `request completed` lines (serve/logs/deployment-logs.ts), one per
 * answer with its time and status, counted into buckets over the last minutes.
 */
import { join } from 'node:path';
import { DEPLOYMENT_LOG_FOLDER, readDeploymentLog } from '../../../serve/logs/deployment-logs.ts';

/** The requests of one bucket of time. */
export interface RateBucket {
  /** The bucket's start, ms since the epoch. */
  readonly start: number;
  readonly requests: number;
  /** Answers 400-499. */
  readonly clientErrors: number;
  /** Answers 500 and above. */
  readonly serverErrors: number;
  /** requests / bucket seconds. */
  readonly perSecond: number;
}

/** A deployment's rates over a window. */
export interface DeploymentRates {
  readonly deployment: string;
  readonly buckets: readonly RateBucket[];
  readonly requests: number;
  readonly errors: number;
  /** Mean requests per second over the window. */
  readonly perSecond: number;
}

/** The window and bucket size rates are counted over. */
export interface RateWindow {
  /** The window's end, ms since the epoch. */
  readonly now: number;
  readonly minutes: number;
  readonly bucketSeconds: number;
}

/** Lines read at most from the end of a log (about a megabyte and a half). */
const MAX_LINES = 20_000;

/**
 * Counts `request completed` log lines into buckets of `bucketSeconds` over the `minutes`
 * before `now`; lines that are not JSON, or of other messages, are left out.
 *
 * @example
 * countRates('blue', lines, { now: Date.now(), minutes: 15, bucketSeconds: 60 }).perSecond;
 */
export function countRates(
  deployment: string,
  lines: readonly string[],
  window: RateWindow,
): DeploymentRates {
  const width = window.bucketSeconds * 1000;
  const count = Math.max(1, Math.ceil((window.minutes * 60_000) / width));
  const end = Math.ceil(window.now / width) * width;
  const first = end - count * width;
  const buckets = Array.from({ length: count }, (_, i) => ({
    start: first + i * width,
    requests: 0,
    clientErrors: 0,
    serverErrors: 0,
  }));
  for (const line of lines) {
    let entry: { msg?: unknown; time?: unknown; statusCode?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg !== 'request completed' || typeof entry.time !== 'number') continue;
    if (entry.time < first || entry.time > window.now) continue;
    const bucket = buckets[Math.min(count - 1, Math.floor((entry.time - first) / width))]!;
    bucket.requests++;
    const status = typeof entry.statusCode === 'number' ? entry.statusCode : 0;
    if (status >= 500) bucket.serverErrors++;
    else if (status >= 400) bucket.clientErrors++;
  }
  const requests = buckets.reduce((n, b) => n + b.requests, 0);
  return {
    deployment,
    buckets: buckets.map((b) => ({ ...b, perSecond: b.requests / window.bucketSeconds })),
    requests,
    errors: buckets.reduce((n, b) => n + b.clientErrors + b.serverErrors, 0),
    perSecond: requests / (count * window.bucketSeconds),
  };
}

/**
 * Reads the rates of an endpoint's deployments from their logs under the store folder
 * (a deployment that never served has empty buckets).
 *
 * @example
 * await deploymentRates('mlruns', 'iris', ['blue', 'green'], { now: Date.now(), minutes: 15, bucketSeconds: 60 });
 */
export async function deploymentRates(
  storeDir: string,
  endpoint: string,
  deployments: readonly string[],
  window: RateWindow,
): Promise<DeploymentRates[]> {
  const root = join(storeDir, DEPLOYMENT_LOG_FOLDER);
  return Promise.all(
    deployments.map(async (d) =>
      countRates(d, await readDeploymentLog(root, endpoint, d, MAX_LINES), window),
    ),
  );
}
