// Scaffolding of the server tests: small fitted pipelines saved as model files (a
// classifier with a categorical column, a regressor), a server on port 0 of 127.0.0.1,
// and JSON over fetch.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { AutoMLPipeline } from '../../src/automl/pipeline.ts';
import { Featurizer } from '../../src/data/featurizer.ts';
import { Table } from '../../src/data/table.ts';
import { RandomForestClassifier, RandomForestRegressor } from '../../src/models/index.ts';
import { createServer, type ScoringServer, type ServerOptions } from '../../src/serve/server.ts';

/** A new temporary folder, removed after the test file. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mlsweep-serve-${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const CITIES = ['Paris', 'Lyon', 'Nice'];

/** 60 seeded rows: x1, x2 numeric, city categorical; `yes` when x1 + x2 > 1. */
function rows(): { x1: Float64Array; x2: Float64Array; city: string[]; labels: number[]; y: Float64Array } {
  let s = 7;
  const next = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const n = 60;
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const city: string[] = [];
  const labels: number[] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = next();
    x2[i] = next();
    city.push(CITIES[i % 3]!);
    labels.push(x1[i]! + x2[i]! > 1 ? 1 : 0);
    y[i] = 3 * x1[i]! - x2[i]! + (i % 3);
  }
  return { x1, x2, city, labels, y };
}

function table(): Table {
  const r = rows();
  return new Table([
    { name: 'x1', kind: 'numeric', values: r.x1 },
    { name: 'x2', kind: 'numeric', values: r.x2 },
    { name: 'city', kind: 'categorical', values: r.city },
  ]);
}

/**
 * Saves a fitted classifier (classes `no`, `yes`) or regressor over x1, x2, city to
 * `dir/<file>` and returns the path. `trees` changes the model (a different revision).
 */
export function saveModel(
  dir: string,
  task: 'classification' | 'regression',
  file = `${task}.json`,
  trees = 5,
): string {
  const r = rows();
  const featurizer = new Featurizer();
  const codes = Int32Array.from(r.labels);
  const X = featurizer.fitTransform(
    table(),
    task === 'classification' ? { task, codes, nClasses: 2 } : { task, values: r.y },
  );
  const estimator =
    task === 'classification'
      ? new RandomForestClassifier({ nEstimators: trees, seed: 1 }).fit(X, r.labels)
      : new RandomForestRegressor({ nEstimators: trees, seed: 1 }).fit(X, r.y);
  const pipeline = new AutoMLPipeline({
    task,
    target: 'label',
    ...(task === 'classification' ? { classes: ['no', 'yes'] } : {}),
    featurizer,
    members: [{ name: 'RandomForest', weight: 1, scaled: false, estimator }],
    primaryMetric: task === 'classification' ? 'accuracy' : 'r2_score',
    validationScore: 0.9,
  });
  const path = join(dir, file);
  pipeline.save(path);
  return path;
}

// every server a test file started is closed after it (after() inside a hook would
// close it as soon as the hook ends)
const started: ScoringServer[] = [];
after(() => Promise.all(started.map((s) => s.close())));

/** A server on 127.0.0.1, port 0, quiet logs, one thread per deployment unless told; closed after the file. */
export async function startServer(
  options: Omit<ServerOptions, 'host' | 'port'> & { port?: number },
): Promise<{ server: ScoringServer; base: string }> {
  const server = await createServer({
    logger: false,
    threads: 1,
    ...options,
    host: '127.0.0.1',
    port: options.port ?? 0,
  });
  const { port } = await server.listen();
  started.push(server);
  return { server, base: `http://127.0.0.1:${port}` };
}

/** An HTTP answer: status, headers and the parsed body (or text when not JSON). */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, read by assertions
  readonly body: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}

/** A JSON POST; answers status, headers and the parsed body (or text when not JSON). */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answer(response);
}

/** A GET; answers status, headers and the parsed body (or text). */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, { headers }));
}

/**
 * A scoring module in `dir/score.mjs`: `init()` notes AZUREML_MODEL_DIR; `run(body)` throws
 * when `body.fail` is set, waits until the file `body.gate` exists when set, and answers
 * `{dir, echo}`.
 */
export function writeScript(dir: string, name = 'score.mjs'): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `import { existsSync } from 'node:fs';
let dir;
export function init() { dir = process.env.AZUREML_MODEL_DIR; }
export async function run(body) {
  if (body && body.fail) throw new Error('boom: ' + body.fail);
  if (body && body.gate) while (!existsSync(body.gate)) await new Promise((r) => setTimeout(r, 5));
  return { dir, echo: body && body.echo !== undefined ? body.echo : null };
}
`,
  );
  return path;
}

/** Polls `check` every 10 ms until it holds (a condition, not a duration); fails after `limitMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 20_000,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
