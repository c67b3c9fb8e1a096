/**
 * The metrics line protocol of command trials: a line on stdout that starts with
 * `##mlsweep ` followed by one JSON object of metric name -> number, and optionally a
 * `step` key, e.g. `##mlsweep {"accuracy": 0.91, "step": 3}`. Any language prints it
 * with one line. Python's NaN, Infinity and -Infinity tokens are accepted. The metrics
 * file (MLSWEEP_METRICS_FILE) takes the same objects, one per line, prefix optional.
 */
export const METRICS_PREFIX = '##mlsweep ';

/** One parsed metrics line. */
export interface MetricsRecord {
  readonly metrics: Record<string, number>;
  readonly step: number | undefined;
}

/** A protocol line that could not be used, and why. */
export interface InvalidLine {
  readonly error: string;
}

/**
 * Parses one line: undefined when it is not a metrics line (ordinary output), an
 * InvalidLine when it has the prefix but not a valid object.
 *
 * @example
 * parseMetricsLine('##mlsweep {"loss": 0.5, "step": 2}'); // { metrics: { loss: 0.5 }, step: 2 }
 * parseMetricsLine('epoch 2 done'); // undefined
 */
export function parseMetricsLine(
  line: string,
  prefixOptional = false,
): MetricsRecord | InvalidLine | undefined {
  let body: string;
  if (line.startsWith(METRICS_PREFIX)) body = line.slice(METRICS_PREFIX.length);
  else if (prefixOptional && line.trimStart().startsWith('{')) body = line;
  else return undefined;
  const parsed = parseJson(body.trim());
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'not a JSON object' };
  }
  const metrics: Record<string, number> = {};
  let step: number | undefined;
  for (const [key, raw] of Object.entries(parsed)) {
    const value = toNumber(raw);
    if (value === undefined) return { error: `'${key}' is not a number (got ${JSON.stringify(raw)})` };
    if (key === 'step') {
      if (!Number.isInteger(value) || value < 0)
        return { error: `step must be an integer >= 0, got ${value}` };
      step = value;
    } else metrics[key] = value;
  }
  if (Object.keys(metrics).length === 0) return { error: 'no metric in the object' };
  return { metrics, step };
}

/**
 * The protocol line for some metrics, as `mlsweep/trial` prints it.
 *
 * @example
 * formatMetricsLine({ loss: 0.5 }, 2); // '##mlsweep {"loss":0.5,"step":2}'
 */
export function formatMetricsLine(metrics: Readonly<Record<string, number>>, step?: number): string {
  const body: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(metrics)) body[k] = Number.isFinite(v) ? v : String(v);
  if (step !== undefined) body['step'] = step;
  return METRICS_PREFIX + JSON.stringify(body);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/(?<![\w."])(-?Infinity|NaN)(?![\w"])/g, '"$1"'));
    } catch {
      return undefined;
    }
  }
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (raw === 'NaN') return Number.NaN;
  if (raw === 'Infinity') return Number.POSITIVE_INFINITY;
  if (raw === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}
