/**
 * MLflow's scoring server: `POST …/invocations` with a JSON body holding one of
 * `dataframe_split` ({columns, data, index?}), `dataframe_records`, `instances` or
 * `inputs` (plus optional `params`), or a `text/csv` body with a header row; answers
 * `{"predictions": [...]}`. With `"params": {"predict_proba": true}` or
 * `?predict_proba=true`, each prediction is an object of class probabilities (what a
 * DataFrame of probabilities serializes to). `GET /ping` and `/health` answer 200 when
 * ready, `/version` the server's version; `GET /` answers `Healthy` as Azure's inference
 * server's liveness route does. Errors are MLflow's
 * `{"error_code": ..., "message": ...}`; another content type is 415.
 */
import type { FastifyInstance } from 'fastify';
import { CsvTokenizer } from '../../data/tokenizer.ts';
import { DEFAULT_MISSING } from '../../data/values.ts';
import { HttpError } from '../errors.ts';
import { type Frame, InputError, isObject } from '../input.ts';
import { pinnedDeployment } from './azure.ts';
import type { ServeContext } from './context.ts';
import { isTrue, labelsOf, probaRecords } from './results.ts';
import { addRoute, type Handler } from './route.ts';

const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/**
 * MLflow's error code for an HTTP status (its `ErrorCode` names).
 *
 * @example
 * mlflowErrorCode(400); // 'BAD_REQUEST'
 */
export function mlflowErrorCode(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 404:
      return 'RESOURCE_DOES_NOT_EXIST';
    case 405:
      return 'ENDPOINT_NOT_FOUND';
    case 408:
      return 'DEADLINE_EXCEEDED';
    case 429:
      return 'REQUEST_LIMIT_EXCEEDED';
    case 503:
      return 'TEMPORARILY_UNAVAILABLE';
    default:
      return 'INTERNAL_ERROR';
  }
}

/** A list of rows: records when the first is an object, else rows in the schema's order. */
function listFrame(list: readonly unknown[]): Frame {
  return list.length > 0 && isObject(list[0])
    ? { kind: 'records', records: list }
    : { kind: 'rows', rows: list };
}

/**
 * The rows of an MLflow JSON body.
 *
 * @example
 * mlflowFrame({ dataframe_records: [{ x: 1 }] }); // { kind: 'records', records: [{ x: 1 }] }
 */
export function mlflowFrame(body: unknown): Frame {
  if (!isObject(body)) {
    throw new InputError(`the body must be a JSON object with one of ${FORMATS.join(', ')}`);
  }
  const given = FORMATS.filter((f) => body[f] !== undefined);
  if (given.length !== 1) {
    throw new InputError(
      given.length === 0
        ? `the body must have one of ${FORMATS.join(', ')}; it has ${Object.keys(body).join(', ') || 'no keys'}`
        : `the body must have only one of ${FORMATS.join(', ')}; it has ${given.join(', ')}`,
    );
  }
  const format = given[0]!;
  const value = body[format];
  switch (format) {
    case 'dataframe_split': {
      if (!isObject(value) || !Array.isArray(value.data)) {
        throw new InputError('dataframe_split must be {"columns": [...], "data": [[...]]}');
      }
      if (value.columns !== undefined && !Array.isArray(value.columns)) {
        throw new InputError('dataframe_split.columns must be a list of column names');
      }
      return value.columns === undefined
        ? { kind: 'rows', rows: value.data }
        : { kind: 'rows', columns: value.columns as string[], rows: value.data };
    }
    case 'dataframe_records':
      if (!Array.isArray(value)) throw new InputError('dataframe_records must be a list of objects');
      return { kind: 'records', records: value };
    case 'instances':
      if (!Array.isArray(value)) throw new InputError('instances must be a list of rows or objects');
      return listFrame(value);
    case 'inputs':
      if (Array.isArray(value)) return listFrame(value);
      if (isObject(value)) return { kind: 'columns', columns: value as Record<string, unknown[]> };
      throw new InputError('inputs must be a list of rows or an object of columns');
  }
}

const ROWS_PATHS: Record<string, readonly string[]> = {
  dataframe_split: ['dataframe_split', 'data'],
  instances: ['instances'],
  inputs: ['inputs'],
};

/**
 * Where mlflowFrame found a list of rows in a JSON body, as keys from its top object (for
 * the data collector, which copies rows from the body's text; see ServeContext.score).
 *
 * @example
 * mlflowRowsPath({ dataframe_split: { columns: ['x'], data: [[1]] } }); // ['dataframe_split', 'data']
 */
export function mlflowRowsPath(body: unknown): readonly string[] | undefined {
  if (!isObject(body)) return undefined;
  for (const format of FORMATS) if (body[format] !== undefined) return ROWS_PATHS[format];
  return undefined;
}

/**
 * The rows of a CSV body: the first record names the columns; the usual missing markers
 * (empty, NA, NaN, ?, null) are missing values.
 *
 * @example
 * csvFrame('x,city\n1,Paris\n'); // { kind: 'rows', columns: ['x', 'city'], rows: [['1', 'Paris']] }
 */
export function csvFrame(text: string): Frame {
  const tokenizer = new CsvTokenizer(',');
  let records: ReturnType<CsvTokenizer['push']>;
  try {
    records = [...tokenizer.push(text), ...tokenizer.end()];
  } catch (error) {
    throw new InputError(`the CSV body cannot be read: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new InputError('the CSV body is empty (no header row)');
  const missing = new Set(DEFAULT_MISSING);
  const columns = records[0]!.fields.map((f) => f.trim());
  const rows = records.slice(1).map((r) => r.fields.map((f) => (missing.has(f.trim()) ? null : f)));
  return { kind: 'rows', columns, rows };
}

/**
 * Registers `/invocations`, `/ping`, `/health` and `/version` on an endpoint's routes.
 *
 * @example
 * registerMlflow(app, context);
 */
export function registerMlflow(app: FastifyInstance, context: ServeContext): void {
  addRoute(app, 'POST', '/invocations', 'mlflow', async (request, reply) => {
    const endpoint = context.endpoint(request);
    const runtime = context.deployment(request, reply, endpoint, pinnedDeployment(request));
    const query = request.query as Record<string, unknown>;
    let frame: Frame;
    let rowsPath: readonly string[] | undefined;
    let proba = isTrue(query.predict_proba);
    if (typeof request.body === 'string') {
      // fastify reads text/plain as a string too; MLflow's server takes only CSV and JSON
      const type = String(request.headers['content-type'] ?? '').toLowerCase();
      if (!/^(text|application)\/csv\b/.test(type)) {
        throw new HttpError(
          415,
          `/invocations takes application/json or text/csv, not ${type}`,
          'E_SERVE_MEDIA',
        );
      }
      frame = csvFrame(request.body);
    } else {
      frame = mlflowFrame(request.body);
      rowsPath = mlflowRowsPath(request.body);
      const params = (request.body as Record<string, unknown>).params;
      if (params !== undefined && !isObject(params)) throw new InputError('params must be an object');
      if (isObject(params) && isTrue(params.predict_proba)) proba = true;
    }
    const raw = await context.score(request, endpoint, runtime, frame, proba, rowsPath);
    context.mirror(endpoint, runtime.name, { body: request.body, frame, protocol: 'mlflow' });
    return { predictions: proba ? probaRecords(raw, runtime.schema) : labelsOf(raw, runtime.schema) };
  });
  const health: Handler = async (request, reply) => {
    context.endpoint(request);
    if (!context.ready()) throw new HttpError(503, 'the server is shutting down', 'E_SERVE_CLOSING');
    reply.type('text/plain');
    return '\n';
  };
  addRoute(app, 'GET', '/ping', 'probe', health);
  // Azure's inference server answers its liveness probe at the root
  addRoute(app, 'GET', '/', 'probe', async (request, reply) => {
    context.endpoint(request);
    if (!context.ready()) throw new HttpError(503, 'the server is shutting down', 'E_SERVE_CLOSING');
    reply.type('text/plain');
    return 'Healthy\n';
  });
  addRoute(app, 'GET', '/health', 'probe', health);
  addRoute(app, 'GET', '/version', 'probe', async (request, reply) => {
    context.endpoint(request);
    reply.type('text/plain');
    return context.version;
  });
}
