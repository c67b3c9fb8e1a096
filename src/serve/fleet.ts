/**
 * The deployments a server runs and the table requests are routed by: a pool per
 * deployment (pool.ts), its data collector (data-collector.ts) and, for
 * `target_utilization` deployments, its autoscaler (autoscale.ts). Every change (a new
 * snapshot, a resize) loads what it needs first, then switches the routing table in one
 * assignment, then lets what it replaced finish and end: a request in flight keeps the
 * pool it started on, a new one sees only the new table. Changes run one at a time.
 */
import { ValidationError } from '../core/errors.ts';
import { Autoscaler, type AutoscaleTimer, intervalMeasure } from './autoscale.ts';
import { ContainerScorer } from './container-scorer.ts';
import { DataCollector } from './data-collector.ts';
import { type ThreadEnvironment, threadEnvironment } from './deployment-environment.ts';
import { DeploymentRuntime, type RuntimeOptions } from './pool.ts';
import type { LiveEndpoint } from './protocols/context.ts';
import type { ServeConfig, ServedDeployment } from './types.ts';

/** Where the fleet reports what happens in the background (the server's logger). */
export interface FleetLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Options of a Fleet. */
export interface FleetOptions {
  /** Scoring threads of every deployment, overriding instanceCount (and autoscaling). */
  readonly threads?: number;
  /** Most rows in one message to a scoring thread. */
  readonly maxBatchRows?: number;
  /** Where data collectors without a `destination` write. */
  readonly dataCollectorRoot?: string;
  /** The timer of the autoscalers (default: setInterval). */
  readonly autoscaleTimer?: AutoscaleTimer;
  readonly log: FleetLog;
}

/**
 * Starts a deployment's pool, and first, for an image environment, the container its
 * scoring module runs in (each pool its own: a resized pool starts a fresh container).
 */
async function startRuntime(options: RuntimeOptions): Promise<DeploymentRuntime> {
  const image = options.environment?.image;
  if (image === undefined) return DeploymentRuntime.start(options);
  const { deployment } = options;
  const code = deployment.spec.codeConfiguration;
  if (deployment.scoringScript === undefined || code === undefined) {
    throw new ValidationError(
      `environment ${options.environment!.name}:${options.environment!.version} is an image: only a scoring module (code_configuration) runs in it, and this deployment has none`,
      { path: 'environment' },
    );
  }
  const scriptHost = await ContainerScorer.start({
    runtime: image.runtime,
    image: image.image,
    scoringScript: deployment.scoringScript,
    codeDir: code.code,
    modelDir: deployment.modelDir,
    variables: { ...options.environment!.variables, AZUREML_MODEL_DIR: deployment.modelDir },
  });
  return DeploymentRuntime.start({ ...options, scriptHost });
}

/** A deployment's key in the runtime table: endpoint and deployment. */
function keyOf(endpoint: string, deployment: string): string {
  return `${endpoint}\u0000${deployment}`;
}

/**
 * Checks a snapshot: endpoint names unique, traffic only to deployments of the endpoint.
 *
 * @example
 * checkConfig({ endpoints: [] });
 */
export function checkConfig(config: ServeConfig): void {
  const names = new Set<string>();
  for (const e of config.endpoints) {
    if (names.has(e.spec.name)) {
      throw new ValidationError(`two endpoints are named '${e.spec.name}'`, { path: 'endpoints' });
    }
    names.add(e.spec.name);
    const deployments = new Set(e.deployments.map((d) => d.spec.name));
    for (const name of [...Object.keys(e.spec.traffic), ...Object.keys(e.spec.mirrorTraffic)]) {
      if (
        !deployments.has(name) &&
        ((e.spec.traffic[name] ?? 0) > 0 || (e.spec.mirrorTraffic[name] ?? 0) > 0)
      ) {
        throw new ValidationError(
          `endpoint '${e.spec.name}' sends traffic to '${name}', which is not one of its deployments (${[...deployments].join(', ') || 'none'})`,
          { path: `endpoints.${e.spec.name}.traffic` },
        );
      }
    }
  }
}

/** One running deployment, as `deployments()` lists it. */
export interface DeploymentState {
  readonly endpoint: string;
  readonly deployment: string;
  readonly inFlight: number;
  readonly utilization: number;
  readonly threads: number;
  /** The environment its scoring threads run in, when it names one. */
  readonly environment?: { readonly name: string; readonly version: string; readonly hash: string };
}

/**
 * The running deployments of a server and its routing table.
 *
 * @example
 * const fleet = new Fleet({ log: app.log });
 * await fleet.apply(config);
 * fleet.live.get('iris')?.runtimes.get('blue');
 * await fleet.close();
 */
export class Fleet {
  private readonly options: FleetOptions;
  private readonly runtimes = new Map<string, DeploymentRuntime>();
  private table = new Map<string, LiveEndpoint>();
  private readonly collectors = new Map<DeploymentRuntime, DataCollector>();
  private readonly scalers = new Map<string, { readonly revision: string; readonly scaler: Autoscaler }>();
  private readonly retiring = new Set<Promise<void>>();
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: FleetOptions) {
    this.options = options;
  }

  /** The routing table now: endpoint name -> spec and running deployments. */
  get live(): ReadonlyMap<string, LiveEndpoint> {
    return this.table;
  }

  /** The data collector of a deployment, when it has one. */
  collector(runtime: DeploymentRuntime): DataCollector | undefined {
    return this.collectors.get(runtime);
  }

  /** Every running deployment with its requests in flight, utilization and threads. */
  deployments(): DeploymentState[] {
    return [...this.table.values()].flatMap((e) =>
      [...e.runtimes.values()].map((r) => ({
        endpoint: e.served.spec.name,
        deployment: r.name,
        inFlight: r.inFlight,
        utilization: r.utilization,
        threads: r.threads,
        ...(r.environment !== undefined
          ? {
              environment: {
                name: r.environment.name,
                version: r.environment.version,
                hash: r.environment.hash,
              },
            }
          : {}),
      })),
    );
  }

  /** The longest request timeout of the running deployments (ms), to bound a drain. */
  longestTimeoutMs(): number {
    let most = 0;
    for (const r of this.runtimes.values())
      most = Math.max(most, r.deployment.spec.requestSettings.requestTimeoutMs);
    return most;
  }

  /**
   * Serves a snapshot: new and changed deployments (by revision) start first; if one
   * cannot, the others started are ended and the old table stays; otherwise the table
   * switches and the replaced deployments drain in the background.
   */
  apply(config: ServeConfig): Promise<void> {
    return this.serialize(() => this.load(config));
  }

  /** Replaces a deployment's pool by one of `threads` threads: loaded first, then switched, then the old one drains. */
  resize(endpoint: string, deployment: string, threads: number): Promise<void> {
    const key = keyOf(endpoint, deployment);
    return this.serialize(async () => {
      const old = this.runtimes.get(key);
      if (!old || old.threads === threads || this.stopped) return;
      const fresh = await startRuntime({
        endpoint: old.endpoint,
        deployment: old.deployment,
        threads,
        ...(this.options.maxBatchRows !== undefined ? { maxBatchRows: this.options.maxBatchRows } : {}),
        ...(old.environment !== undefined ? { environment: old.environment } : {}),
      });
      this.runtimes.set(key, fresh);
      const collector = this.collectors.get(old);
      if (collector) {
        this.collectors.delete(old);
        this.collectors.set(fresh, collector);
      }
      const live = this.table.get(old.endpoint);
      if (live) {
        const next = new Map(this.table);
        next.set(old.endpoint, {
          served: live.served,
          runtimes: new Map([...live.runtimes].map(([name, r]) => [name, r === old ? fresh : r])),
        });
        this.table = next;
      }
      this.options.log.info(
        { endpoint: old.endpoint, deployment: old.name, from: old.threads, to: threads },
        'scaled',
      );
      this.retireLater(old);
    });
  }

  /** Stops the autoscalers and waits for a change in progress; the table keeps serving. */
  async quiesce(): Promise<void> {
    this.stopped = true;
    for (const { scaler } of this.scalers.values()) scaler.stop();
    this.scalers.clear();
    await this.chain;
  }

  /** Ends every deployment (after what each holds finishes) and every data collector. */
  async close(): Promise<void> {
    await this.quiesce();
    await Promise.all([...this.retiring]);
    await Promise.all([...this.runtimes.values()].map((r) => this.retire(r)));
    this.runtimes.clear();
  }

  /** Runs changes one at a time, in order. */
  private serialize(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => {});
    return next;
  }

  private async start(endpoint: string, deployment: ServedDeployment): Promise<DeploymentRuntime> {
    const { options } = this;
    const scale = deployment.spec.scaleSettings;
    // a scaled deployment starts at its instance_count, brought within [min, max]
    const threads =
      options.threads ??
      (scale.type === 'target_utilization'
        ? Math.min(scale.maxInstances, Math.max(scale.minInstances, deployment.spec.instanceCount))
        : undefined);
    let runtime: DeploymentRuntime;
    try {
      // the environment is built (once, into the store's cache) before any thread starts
      let environment: ThreadEnvironment | undefined;
      if (deployment.environment !== undefined) {
        environment = await threadEnvironment(deployment.environment, deployment.spec.name);
        options.log.info(
          {
            endpoint,
            deployment: deployment.spec.name,
            environment: `${environment.name}:${environment.version}`,
            hash: environment.hash,
          },
          'environment',
        );
      }
      runtime = await startRuntime({
        endpoint,
        deployment,
        ...(threads !== undefined ? { threads } : {}),
        ...(options.maxBatchRows !== undefined ? { maxBatchRows: options.maxBatchRows } : {}),
        ...(environment !== undefined ? { environment } : {}),
      });
    } catch (error) {
      throw new ValidationError(
        `deployment '${deployment.spec.name}' of endpoint '${endpoint}' cannot start: ${(error as Error).message}`,
        { path: `${endpoint}.${deployment.spec.name}`, cause: error },
      );
    }
    const settings = deployment.spec.dataCollector;
    if (settings && (settings.modelInputs || settings.modelOutputs)) {
      try {
        this.collectors.set(
          runtime,
          new DataCollector(settings, {
            endpoint,
            deployment: deployment.spec.name,
            ...(options.dataCollectorRoot !== undefined ? { root: options.dataCollectorRoot } : {}),
            onError: (error) =>
              options.log.error({ err: error, endpoint, deployment: deployment.spec.name }, 'data collector'),
          }),
        );
      } catch (error) {
        await runtime.retire();
        throw error;
      }
    }
    return runtime;
  }

  /** Ends a deployment: what it holds finishes, then its threads and its data collector close. */
  private async retire(runtime: DeploymentRuntime): Promise<void> {
    await runtime.retire();
    const collector = this.collectors.get(runtime);
    this.collectors.delete(runtime);
    await collector?.close();
  }

  /** Retires a replaced deployment in the background; close() waits for it. */
  private retireLater(runtime: DeploymentRuntime): void {
    const done = this.retire(runtime).catch((error: unknown) =>
      this.options.log.error({ err: error }, 'a replaced deployment failed to end'),
    );
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
  }

  /** Starts the autoscalers of new or changed scaled deployments, stops those of gone ones. */
  private syncScalers(): void {
    for (const [key, entry] of this.scalers) {
      if (this.runtimes.get(key)?.revision !== entry.revision) {
        entry.scaler.stop();
        this.scalers.delete(key);
      }
    }
    if (this.options.threads !== undefined || this.stopped) return;
    for (const [key, runtime] of this.runtimes) {
      const settings = runtime.deployment.spec.scaleSettings;
      if (settings.type !== 'target_utilization' || this.scalers.has(key)) continue;
      const scaler = new Autoscaler(settings, {
        initial: runtime.threads,
        measure: intervalMeasure(() => this.runtimes.get(key)?.busyMs ?? 0),
        resize: (n) => this.resize(runtime.endpoint, runtime.name, n),
        ...(this.options.autoscaleTimer ? { timer: this.options.autoscaleTimer } : {}),
        onError: (error) =>
          this.options.log.error(
            { err: error, endpoint: runtime.endpoint, deployment: runtime.name },
            'autoscale',
          ),
      });
      scaler.start();
      this.scalers.set(key, { revision: runtime.revision, scaler });
    }
  }

  private async load(config: ServeConfig): Promise<void> {
    checkConfig(config);
    // start every new or changed deployment first; nothing switches until all are ready
    const started: DeploymentRuntime[] = [];
    const wanted = new Map<string, DeploymentRuntime | Promise<DeploymentRuntime>>();
    for (const e of config.endpoints) {
      for (const d of e.deployments) {
        const key = keyOf(e.spec.name, d.spec.name);
        const current = this.runtimes.get(key);
        wanted.set(
          key,
          current && current.revision === d.revision
            ? current
            : this.start(e.spec.name, d).then((r) => {
                started.push(r);
                return r;
              }),
        );
      }
    }
    const settled = await Promise.allSettled(wanted.values());
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((r) => this.retire(r)));
      throw (failed as PromiseRejectedResult).reason;
    }
    const next = new Map<string, DeploymentRuntime>();
    for (const [i, key] of [...wanted.keys()].entries()) {
      next.set(key, (settled[i] as PromiseFulfilledResult<DeploymentRuntime>).value);
    }
    const replaced = [...this.runtimes].filter(([key, r]) => next.get(key) !== r).map(([, r]) => r);
    this.runtimes.clear();
    for (const [key, r] of next) this.runtimes.set(key, r);
    this.table = new Map(
      config.endpoints.map((e) => [
        e.spec.name,
        {
          served: e,
          runtimes: new Map(
            e.deployments.map((d) => [d.spec.name, next.get(keyOf(e.spec.name, d.spec.name))!]),
          ),
        },
      ]),
    );
    for (const old of replaced) this.retireLater(old);
    this.syncScalers();
  }
}
