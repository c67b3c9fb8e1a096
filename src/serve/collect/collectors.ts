/**
 * The data collectors of everything a server serves: one DataCollector per deployment
 * with a `data_collector`, kept in line with each snapshot the server applies, so that
 * the server's part is `collectors.get(endpoint, deployment)?.collect(...)` on the request
 * path, `apply(config)` beside its own, and `close()` when it shuts down.
 */
import type { DataCollectorSettings } from '../../registry/endpoint-types.ts';
import { DataCollector, type DataCollectorOptions, type DataCollectorStats } from '../data-collector.ts';
import type { ServeConfig } from '../types.ts';

/** What every collector shares: where files go when a deployment names no destination, clocks, error reporting. */
export type CollectorsOptions = Omit<DataCollectorOptions, 'endpoint' | 'deployment' | 'root'> & {
  /** The datastore folder (the store's `datastores/workspaceblobstore/modelDataCollector`). */
  readonly root: string;
};

interface Entry {
  readonly collector: DataCollector;
  readonly settings: string;
}

const key = (endpoint: string, deployment: string) => `${endpoint}\0${deployment}`;

/**
 * One DataCollector per deployment that collects, following the served snapshot.
 *
 * @example
 * const collectors = new DataCollectors({ root: join(store, 'datastores/workspaceblobstore/modelDataCollector') });
 * await collectors.apply(config);
 * collectors.get('iris', 'blue')?.collect({ requestId, time: Date.now(), inputs, outputs });
 * await collectors.close();
 */
export class DataCollectors {
  private readonly options: CollectorsOptions;
  private readonly entries = new Map<string, Entry>();

  constructor(options: CollectorsOptions) {
    this.options = options;
  }

  /** The collector of a deployment, or undefined when it collects nothing (the request path's one lookup). */
  get(endpoint: string, deployment: string): DataCollector | undefined {
    return this.entries.get(key(endpoint, deployment))?.collector;
  }

  /**
   * Follows a new snapshot: starts collectors for deployments that now collect, closes
   * (flushing) those of deployments gone or no longer collecting, and replaces those
   * whose settings changed. A deployment whose settings are unusable (a name that is not
   * a folder name) gets no collector and the error is reported, never thrown: data
   * collection never stops a deployment from serving.
   */
  async apply(config: ServeConfig): Promise<void> {
    const wanted = new Map<
      string,
      { endpoint: string; deployment: string; settings: DataCollectorSettings }
    >();
    for (const endpoint of config.endpoints) {
      for (const served of endpoint.deployments) {
        const settings = served.spec.dataCollector;
        if (settings === undefined || (!settings.modelInputs && !settings.modelOutputs)) continue;
        wanted.set(key(endpoint.spec.name, served.spec.name), {
          endpoint: endpoint.spec.name,
          deployment: served.spec.name,
          settings,
        });
      }
    }
    const closing: Promise<void>[] = [];
    for (const [k, entry] of this.entries) {
      const next = wanted.get(k);
      if (next === undefined || JSON.stringify(next.settings) !== entry.settings) {
        this.entries.delete(k);
        closing.push(entry.collector.close());
      }
    }
    for (const [k, { endpoint, deployment, settings }] of wanted) {
      if (this.entries.has(k)) continue;
      try {
        const collector = new DataCollector(settings, { ...this.options, endpoint, deployment });
        this.entries.set(k, { collector, settings: JSON.stringify(settings) });
      } catch (error) {
        this.report(error);
      }
    }
    await Promise.all(closing);
  }

  /** Counters of every collector, for /metrics. */
  stats(): Array<{ endpoint: string; deployment: string } & DataCollectorStats> {
    return [...this.entries.keys()].map((k) => {
      const [endpoint = '', deployment = ''] = k.split('\0');
      return { endpoint, deployment, ...this.entries.get(k)!.collector.stats() };
    });
  }

  /** Flushes and closes every collector (the server's shutdown, after its last request). */
  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.collector.close()));
  }

  private report(error: unknown): void {
    if (this.options.onError !== undefined) this.options.onError(error);
    else
      process.stderr.write(
        `mlsweep: data collector: ${error instanceof Error ? error.message : String(error)}\n`,
      );
  }
}
