/**
 * Azure ML's online endpoint scoring route: `POST …/score` with
 * `{"input_data": {"columns", "index", "data"}}` (a split DataFrame, as Azure's MLflow
 * deployments take it; also a list of records or a dict of columns) or the older
 * `{"data": [[...]] | [{...}]}`; answers a JSON array of predictions, or with `?proba=true`
 * (or `"params": {"predict_proba": true}`) one object of class probabilities per row. The
 * response header `azureml-model-deployment` names the deployment that answered; the
 * request header of that name pins one. A deployment with a scoring module gets the raw
 * body in its `run`, and its answer is sent as it is.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import { type Frame, InputError, isObject } from '../input.ts';
import type { ServeContext } from './context.ts';
import { isTrue, labelsOf, probaRecords } from './results.ts';
import { addRoute } from './route.ts';

/** The header that names (response) or pins (request) a deployment. */
export const DEPLOYMENT_HEADER = 'azureml-model-deployment';

/**
 * The deployment a request pins with the `azureml-model-deployment` header (Azure's
 * /score and MLflow's /invocations both honour it), or undefined.
 *
 * @example
 * context.deployment(request, reply, endpoint, pinnedDeployment(request));
 */
export function pinnedDeployment(request: FastifyRequest): string | undefined {
  const pinned = request.headers[DEPLOYMENT_HEADER];
  return typeof pinned === 'string' ? pinned : undefined;
}

const SHAPES = 'expected {"input_data": {"columns": [...], "data": [[...]]}} or {"data": [[...]] | [{...}]}';

/** Rows given as a list: records when its first item is an object, else rows in the schema's order. */
function listFrame(list: readonly unknown[], columns?: readonly string[]): Frame {
  if (columns === undefined && list.length > 0 && isObject(list[0]))
    return { kind: 'records', records: list };
  return columns === undefined ? { kind: 'rows', rows: list } : { kind: 'rows', columns, rows: list };
}

/**
 * The rows of an Azure /score body.
 *
 * @example
 * azureFrame({ input_data: { columns: ['x'], index: [0], data: [[1]] } }); // { kind: 'rows', columns: ['x'], rows: [[1]] }
 */
export function azureFrame(body: unknown): Frame {
  if (!isObject(body)) throw new InputError(`the body must be a JSON object: ${SHAPES}`);
  if (body.input_data !== undefined) {
    const input = body.input_data;
    if (Array.isArray(input)) return listFrame(input);
    if (!isObject(input)) throw new InputError(`input_data must be an object or a list: ${SHAPES}`);
    if (input.data !== undefined) {
      if (!Array.isArray(input.data)) throw new InputError('input_data.data must be a list of rows');
      if (input.columns !== undefined && !Array.isArray(input.columns)) {
        throw new InputError('input_data.columns must be a list of column names');
      }
      return listFrame(input.data, input.columns as string[] | undefined);
    }
    return { kind: 'columns', columns: input as Record<string, unknown[]> };
  }
  if (body.data !== undefined) {
    if (!Array.isArray(body.data)) throw new InputError(`data must be a list of rows: ${SHAPES}`);
    return listFrame(body.data);
  }
  throw new InputError(`the body has neither input_data nor data: ${SHAPES}`);
}

const INPUT_DATA = ['input_data'] as const;
const INPUT_DATA_ROWS = ['input_data', 'data'] as const;
const DATA = ['data'] as const;

/**
 * Where azureFrame found the rows in a body, as keys from its top object (for the data
 * collector, which copies rows from the body's text; see ServeContext.score).
 *
 * @example
 * azureRowsPath({ input_data: { columns: ['x'], data: [[1]] } }); // ['input_data', 'data']
 */
export function azureRowsPath(body: unknown): readonly string[] | undefined {
  if (!isObject(body)) return undefined;
  if (body.input_data === undefined) return DATA;
  return Array.isArray(body.input_data) ? INPUT_DATA : INPUT_DATA_ROWS;
}

/** Whether an Azure request asks for probabilities: `?proba=true`, `?predict_proba=true` or params. */
function wantsProba(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown>;
  const body = request.body;
  const params = isObject(body) && isObject(body.params) ? body.params : {};
  return isTrue(query.proba) || isTrue(query.predict_proba) || isTrue(params.predict_proba);
}

/**
 * Registers `POST /score` on an endpoint's routes.
 *
 * @example
 * registerAzure(app, context);
 */
export function registerAzure(app: FastifyInstance, context: ServeContext): void {
  addRoute(app, 'POST', '/score', 'azure', async (request, reply) => {
    const endpoint = context.endpoint(request);
    const runtime = context.deployment(request, reply, endpoint, pinnedDeployment(request));
    if (runtime.hasScript) {
      const answer = await context.run(request, endpoint, runtime, request.body);
      context.mirror(endpoint, runtime.name, { body: request.body, protocol: 'azure' });
      reply.type('application/json');
      return JSON.stringify(answer ?? null);
    }
    if (typeof request.body === 'string') {
      throw new HttpError(
        415,
        `/score takes application/json, not ${request.headers['content-type']}`,
        'E_SERVE_MEDIA',
      );
    }
    const frame = azureFrame(request.body);
    const proba = wantsProba(request);
    const raw = await context.score(request, endpoint, runtime, frame, proba, azureRowsPath(request.body));
    context.mirror(endpoint, runtime.name, { body: request.body, frame, protocol: 'azure' });
    return proba ? probaRecords(raw, runtime.schema) : labelsOf(raw, runtime.schema);
  });
}
