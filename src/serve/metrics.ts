/**
 * The server's Prometheus metrics, written in the text exposition format 0.0.4: requests
 * by endpoint, deployment, protocol and status code; a latency histogram; rows scored;
 * mirrored requests (counted apart from live ones); requests in flight. Kept as plain
 * maps: a handful of label sets, updated once per request.
 */

/** Upper bounds (seconds) of the latency histogram's buckets. */
export const DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Label values of one served request. */
export interface RequestLabels {
  readonly endpoint: string;
  readonly deployment: string;
  readonly protocol: string;
}

interface Histogram {
  readonly labels: string;
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A label value escaped as the text format asks (backslash, quote, newline). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * The server's counters, histogram and gauge.
 *
 * @example
 * const m = new ServeMetrics();
 * m.request({ endpoint: 'iris', deployment: 'blue', protocol: 'azure' }, 200, 0.002);
 * m.text(); // '# HELP mlsweep_requests_total ...'
 */
export class ServeMetrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();
  private readonly rows = new Map<string, number>();
  private readonly mirrors = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  /** Rendered label sets by a plain key: escaping once per label set, not once per request. */
  private readonly rendered = new Map<string, string>();

  private labels(key: string, pairs: () => ReadonlyArray<readonly [string, string]>): string {
    let text = this.rendered.get(key);
    if (text === undefined) {
      text = labelText(pairs());
      this.rendered.set(key, text);
    }
    return text;
  }

  /** Counts a finished request and its latency in seconds. */
  request(labels: RequestLabels, code: number, seconds: number): void {
    const plain = `${labels.endpoint}\u0000${labels.deployment}\u0000${labels.protocol}`;
    const key = this.labels(`r\u0000${plain}\u0000${code}`, () => [
      ['endpoint', labels.endpoint],
      ['deployment', labels.deployment],
      ['protocol', labels.protocol],
      ['code', String(code)],
    ]);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hkey = this.labels(`h\u0000${plain}`, () => [
      ['endpoint', labels.endpoint],
      ['deployment', labels.deployment],
      ['protocol', labels.protocol],
    ]);
    let h = this.durations.get(hkey);
    if (!h) {
      h = { labels: hkey, counts: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(hkey, h);
    }
    for (let i = DURATION_BUCKETS.length - 1; i >= 0 && seconds <= DURATION_BUCKETS[i]!; i--) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  /** The rendered labels of an endpoint and a deployment. */
  private deploymentLabels(endpoint: string, deployment: string): string {
    return this.labels(`d\u0000${endpoint}\u0000${deployment}`, () => [
      ['endpoint', endpoint],
      ['deployment', deployment],
    ]);
  }

  /** Counts rows scored by a deployment. */
  rowsScored(endpoint: string, deployment: string, n: number): void {
    const key = this.deploymentLabels(endpoint, deployment);
    this.rows.set(key, (this.rows.get(key) ?? 0) + n);
  }

  /** Counts a mirrored copy of a request, by the code its (discarded) answer had. */
  mirror(endpoint: string, deployment: string, code: number): void {
    const key = labelText([
      ['endpoint', endpoint],
      ['deployment', deployment],
      ['code', String(code)],
    ]);
    this.mirrors.set(key, (this.mirrors.get(key) ?? 0) + 1);
  }

  /** Moves the in-flight gauge of a deployment by `delta`. */
  flight(endpoint: string, deployment: string, delta: number): void {
    const key = this.deploymentLabels(endpoint, deployment);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + delta);
  }

  /**
   * The value of a counter for a label set, for tests and the CLI (`undefined`: never counted).
   *
   * @example
   * metrics.count('mlsweep_mirror_requests_total', { endpoint: 'e', deployment: 'green', code: '200' });
   */
  count(name: string, labels: Readonly<Record<string, string>>): number | undefined {
    const map =
      name === 'mlsweep_requests_total'
        ? this.requests
        : name === 'mlsweep_rows_scored_total'
          ? this.rows
          : name === 'mlsweep_mirror_requests_total'
            ? this.mirrors
            : undefined;
    return map?.get(labelText(Object.entries(labels)));
  }

  /**
   * Every metric in the Prometheus text format 0.0.4, with the running deployments'
   * scoring threads and utilization (read when asked, from `deployments`).
   */
  text(
    deployments: ReadonlyArray<{
      readonly endpoint: string;
      readonly deployment: string;
      readonly threads: number;
      readonly utilization: number;
    }> = [],
  ): string {
    const out: string[] = [];
    const counter = (name: string, help: string, type: string, map: Map<string, number>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of map) out.push(`${name}{${labels}} ${number(value)}`);
    };
    counter(
      'mlsweep_requests_total',
      'Requests answered, by endpoint, deployment, protocol and HTTP status code.',
      'counter',
      this.requests,
    );
    out.push(
      '# HELP mlsweep_request_duration_seconds Time from a request received to its answer sent.',
      '# TYPE mlsweep_request_duration_seconds histogram',
    );
    for (const h of this.durations.values()) {
      for (let i = 0; i < DURATION_BUCKETS.length; i++) {
        out.push(
          `mlsweep_request_duration_seconds_bucket{${h.labels},le="${DURATION_BUCKETS[i]}"} ${h.counts[i]}`,
        );
      }
      out.push(
        `mlsweep_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`,
        `mlsweep_request_duration_seconds_sum{${h.labels}} ${number(h.sum)}`,
        `mlsweep_request_duration_seconds_count{${h.labels}} ${h.count}`,
      );
    }
    counter('mlsweep_rows_scored_total', 'Rows scored, by endpoint and deployment.', 'counter', this.rows);
    counter(
      'mlsweep_mirror_requests_total',
      'Mirrored copies of requests (answers discarded), by endpoint, deployment and status code.',
      'counter',
      this.mirrors,
    );
    counter(
      'mlsweep_requests_in_flight',
      'Requests admitted to a deployment and not yet answered.',
      'gauge',
      this.inFlight,
    );
    const gauge = (name: string, help: string, value: (d: (typeof deployments)[number]) => number) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const d of deployments)
        out.push(`${name}{${this.deploymentLabels(d.endpoint, d.deployment)}} ${number(value(d))}`);
    };
    gauge(
      'mlsweep_deployment_threads',
      'Scoring threads of a running deployment (its instances).',
      (d) => d.threads,
    );
    gauge(
      'mlsweep_deployment_utilization',
      "Share of its threads' time a deployment spent scoring since its pool started, 0 to 1.",
      (d) => d.utilization,
    );
    return `${out.join('\n')}\n`;
  }
}
