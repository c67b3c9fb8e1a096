import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SweepSpec } from '../config/types.ts';
import { ValidationError } from '../core/errors.ts';
import { isPostgresUrl, openSweepLocation } from '../store/open-location.ts';
import { canonicalJson, identityHash } from '../store/sweep-identity.ts';
import { SPEC_HASH_TAG, SPEC_TAG } from '../store/tags.ts';
import { createWorkerSweep } from '../sweep/worker/create.ts';
import { workerDefinition } from '../sweep/worker/definition.ts';
import { sharedLocation } from '../sweep/worker/location.ts';
import { log, printResult } from './output.ts';
import { sweepIdentity } from './sweep-identity.ts';

/** The options of `mlsweep sweep` that `--workers-only` reads. */
export interface WorkersOnlyOptions {
  readonly json?: boolean;
  readonly store?: string;
  readonly experiment?: string;
  readonly resume?: string;
  readonly track?: boolean;
  readonly report?: string;
  readonly warmStart?: readonly string[];
  readonly maxTotalTrials?: number;
  readonly maxConcurrentTrials?: number;
  readonly seed?: number;
  readonly outputDir?: string;
  readonly terminationGrace?: number;
  readonly heartbeatTimeoutSeconds?: number;
}

/**
 * `mlsweep sweep FILE --store S --workers-only`: records the sweep open to workers (its
 * definition, the sampler's seed fixed, the heartbeat timeout every worker applies),
 * prints its id and the worker command, and returns; `mlsweep worker` processes run it.
 * The file's max_concurrent_trials holds across every worker; without it, each worker's
 * `--concurrency` is the only bound. `print`: the id (or, with `json`, the sweep's record)
 * on stdout; `mlsweep worker FILE` records without printing and works on it.
 *
 * @example
 * await recordForWorkers(loadSweepFile('sweep.yml'), { store: 'postgresql://db/mlsweep' });
 */
export async function recordForWorkers(
  spec: SweepSpec,
  options: WorkersOnlyOptions,
  print = true,
): Promise<string> {
  for (const [flag, given] of [
    ['--resume', options.resume !== undefined],
    // On PostgreSQL `--no-track` leaves out the tracking runs; a store folder's sweep is its runs.
    ['--no-track', options.track === false && !(options.store !== undefined && isPostgresUrl(options.store))],
    ['--report', options.report !== undefined],
    ['--warm-start', (options.warmStart?.length ?? 0) > 0 || (spec.warmStart?.length ?? 0) > 0],
  ] as const) {
    if (given) {
      throw new ValidationError(
        `${flag === '--warm-start' ? 'warm_start' : flag} cannot go with --workers-only (a sweep for workers starts fresh and is recorded)`,
        { path: '--workers-only' },
      );
    }
  }
  const maxTotalTrials = options.maxTotalTrials ?? spec.limits.maxTotalTrials;
  const fileConcurrency = fileSetsConcurrency(spec) ? spec.limits.maxConcurrentTrials : undefined;
  const maxConcurrentTrials = Math.min(
    options.maxConcurrentTrials ?? fileConcurrency ?? maxTotalTrials,
    maxTotalTrials,
  );
  const definition = workerDefinition({
    searchSpace: spec.searchSpace,
    sampling:
      spec.sampling.type === 'grid'
        ? spec.sampling
        : { ...spec.sampling, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
    ...(spec.objectives !== undefined ? { objectives: spec.objectives } : { objective: spec.objective }),
    ...(spec.constraints !== undefined ? { constraints: spec.constraints.map((c) => c.text) } : {}),
    ...(spec.earlyTermination !== undefined ? { policy: spec.earlyTermination } : {}),
    limits: {
      maxTotalTrials,
      maxConcurrentTrials,
      ...(spec.limits.timeout !== undefined ? { timeout: spec.limits.timeout } : {}),
      ...(spec.limits.trialTimeout !== undefined ? { trialTimeout: spec.limits.trialTimeout } : {}),
    },
    trial: {
      command: spec.trial.command,
      ...(spec.trial.code !== undefined ? { code: spec.trial.code } : {}),
      environmentVariables: spec.trial.environmentVariables,
      inputs: JSON.parse(JSON.stringify(spec.inputs)),
      // Each worker builds it on its machine (once, into its store's cache), as a local sweep does.
      ...(spec.trial.environment !== undefined ? { environment: spec.trial.environment } : {}),
    },
    ...(options.outputDir !== undefined ? { outputDir: options.outputDir } : {}),
    ...(options.heartbeatTimeoutSeconds !== undefined
      ? { heartbeatTimeoutSeconds: options.heartbeatTimeoutSeconds }
      : {}),
    ...(options.terminationGrace !== undefined ? { terminationGrace: options.terminationGrace } : {}),
  });
  const location = sharedLocation(openSweepLocation(options.store));
  try {
    const identity = sweepIdentity(spec, options.seed);
    const store = await createWorkerSweep(location, {
      definition,
      experiment:
        options.experiment ?? spec.experimentName ?? basename(spec.file ?? 'sweep', extname(spec.file ?? '')),
      ...(spec.displayName !== undefined ? { name: spec.displayName } : {}),
      tags: { [SPEC_TAG]: canonicalJson(identity), [SPEC_HASH_TAG]: identityHash(identity) },
      // On PostgreSQL the sweep and its trials get tracking runs, as a local sweep's do
      // (`--no-track`: the trials only, for the highest trial rate).
      ...(options.store !== undefined && isPostgresUrl(options.store) && options.track !== false
        ? { trackingUrl: options.store }
        : {}),
    });
    // The password stays out of the printed command (and of logs): give it to each worker
    // through PGPASSWORD or ~/.pgpass, or in its own --store.
    const shown = options.store?.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
    const storeArg = shown !== undefined ? ` --store ${quoted(shown)}` : '';
    const command = `mlsweep worker${storeArg} --sweep ${store.sweepId}`;
    log(`sweep ${store.sweepId} recorded in ${location.where}, open to workers: run on each machine`);
    log(`  ${command}`);
    if (print)
      printResult(
        options.json === true,
        { sweepId: store.sweepId, where: location.where, command, definition },
        () => store.sweepId,
      );
    return store.sweepId;
  } finally {
    await location.close();
  }
}

/** Whether the sweep file itself sets limits.max_concurrent_trials (the spec fills in a default). */
function fileSetsConcurrency(spec: SweepSpec): boolean {
  if (spec.file === undefined) return true;
  try {
    const raw = parseYaml(readFileSync(spec.file, 'utf8')) as { limits?: Record<string, unknown> } | null;
    return raw?.limits?.['max_concurrent_trials'] !== undefined;
  } catch {
    return true;
  }
}

/** A value as a POSIX shell word, for the printed command (the user copies it). */
function quoted(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
