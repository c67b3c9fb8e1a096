/**
 * The Open Inference Protocol v2 (KServe, Triton, MLServer): `GET /v2`,
 * `/v2/health/live`, `/v2/health/ready`, `/v2/models/{name}[/versions/{v}]` (metadata),
 * `/v2/models/{name}[/versions/{v}]/ready`, and `POST /v2/models/{name}[/versions/{v}]/infer`.
 * `{name}` is the endpoint (traffic split) or one of its deployments (pinned); `{v}` is a
 * deployment. Inputs are named tensors, one per column, or one 2-D tensor whose columns
 * are named by a `columns` parameter (of the tensor or of the request) or, without one,
 * are the model's inputs in order. Outputs: `predict` (labels or values) and, when asked
 * (`outputs: [{"name": "predict_proba"}]` or `parameters.predict_proba`), `predict_proba`
 * (FP64, [rows, classes]). Errors are `{"error": "..."}`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ColumnKind } from '../../data/table.ts';
import { HttpError } from '../errors.ts';
import { type Frame, InputError, isObject } from '../input.ts';
import type { DeploymentRuntime } from '../pool.ts';
import type { ModelSchema } from '../schema.ts';
import type { LiveEndpoint, ServeContext } from './context.ts';
import { isTrue, labelsOf } from './results.ts';
import { addRoute, type Handler } from './route.ts';

/**
 * The OIP datatype of a column kind.
 *
 * @example
 * tensorType('numeric'); // 'FP64'
 */
export function tensorType(kind: ColumnKind): string {
  if (kind === 'numeric') return 'FP64';
  if (kind === 'boolean') return 'BOOL';
  return 'BYTES';
}

/** Flattens nested lists (OIP allows row-major nested data). */
function flat(data: unknown[]): unknown[] {
  return data.some(Array.isArray) ? (data.flat(Number.POSITIVE_INFINITY) as unknown[]) : data;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/**
 * The rows of an OIP inference request.
 *
 * @example
 * oipFrame({ inputs: [{ name: 'x', shape: [2], datatype: 'FP64', data: [1, 2] }] }); // columns { x: [1, 2] }
 */
export function oipFrame(body: unknown): Frame {
  if (!isObject(body) || !Array.isArray(body.inputs) || body.inputs.length === 0) {
    throw new InputError('the body must be {"inputs": [{"name", "shape", "datatype", "data"}, ...]}');
  }
  const tensors = body.inputs.map((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string' || !Array.isArray(t.data)) {
      throw new InputError(`inputs[${i}] must be {"name", "shape", "datatype", "data": [...]}`);
    }
    const shape = t.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new InputError(`inputs[${i}] ('${t.name}'): shape must be a list of non-negative integers`);
    }
    const data = flat(t.data);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new InputError(
        `inputs[${i}] ('${t.name}'): shape [${shape.join(', ')}] holds ${size} values, but data has ${data.length}`,
      );
    }
    return {
      name: t.name,
      shape: shape as number[],
      data,
      parameters: isObject(t.parameters) ? t.parameters : {},
    };
  });
  const requestParams = isObject(body.parameters) ? body.parameters : {};
  const single = tensors.length === 1 ? tensors[0]! : undefined;
  if (
    single &&
    single.shape.length === 2 &&
    (single.shape[1]! > 1 || single.parameters.columns !== undefined)
  ) {
    const width = single.shape[1]!;
    const columns = stringList(single.parameters.columns) ?? stringList(requestParams.columns);
    if (columns !== undefined && columns.length !== width) {
      throw new InputError(
        `the columns parameter names ${columns.length} columns, but the tensor has ${width}`,
      );
    }
    const rows = Array.from({ length: single.shape[0]! }, (_, r) =>
      single.data.slice(r * width, (r + 1) * width),
    );
    return columns === undefined ? { kind: 'rows', rows } : { kind: 'rows', columns, rows };
  }
  const columns: Record<string, unknown[]> = {};
  for (const t of tensors) {
    if (t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1)) {
      throw new InputError(
        `input '${t.name}' is a column: its shape must be [rows] or [rows, 1], got [${t.shape.join(', ')}]`,
      );
    }
    columns[t.name] = t.data;
  }
  return { kind: 'columns', columns };
}

/** The outputs an inference request asks for (default: `predict`). */
function requestedOutputs(body: Record<string, unknown>): { predict: boolean; proba: boolean } {
  const params = isObject(body.parameters) ? body.parameters : {};
  const names = Array.isArray(body.outputs)
    ? body.outputs.map((o) => (isObject(o) ? o.name : undefined))
    : undefined;
  for (const name of names ?? []) {
    if (name !== 'predict' && name !== 'predict_proba') {
      throw new InputError(
        `unknown output ${JSON.stringify(name)}; the outputs are predict and predict_proba`,
      );
    }
  }
  const proba = names?.includes('predict_proba') === true || isTrue(params.predict_proba);
  return { predict: names === undefined || names.includes('predict'), proba };
}

/** The model's metadata, as `GET /v2/models/{name}` answers it. */
function metadata(name: string, versions: readonly string[], schema: ModelSchema) {
  const outputs: Array<{ name: string; datatype: string; shape: number[] }> = [
    { name: 'predict', datatype: schema.task === 'classification' ? 'BYTES' : 'FP64', shape: [-1] },
  ];
  if (schema.task === 'classification') {
    outputs.push({ name: 'predict_proba', datatype: 'FP64', shape: [-1, schema.classes.length] });
  }
  return {
    name,
    versions,
    platform: 'mlsweep',
    inputs: schema.inputs.map((c) => ({
      name: c.name,
      datatype: tensorType(c.kind),
      shape: [-1],
      parameters: { kind: c.kind, ...(c.categories ? { categories: c.categories } : {}) },
    })),
    outputs,
    parameters: {
      task: schema.task,
      target: schema.target,
      ...(schema.task === 'classification' ? { classes: schema.classes } : {}),
    },
  };
}

interface ModelParams {
  model: string;
  version?: string;
}

/** The deployment a model name (and version) pins, or undefined for the endpoint's split. */
function pinOf(endpoint: LiveEndpoint, params: ModelParams): string | undefined {
  const name = endpoint.served.spec.name;
  if (params.model !== name && !endpoint.runtimes.has(params.model)) {
    throw new HttpError(
      404,
      `no model '${params.model}' here; the models are ${[name, ...endpoint.runtimes.keys()].join(', ')}`,
      'E_SERVE_NOT_FOUND',
    );
  }
  const pinned = params.model === name ? undefined : params.model;
  if (params.version === undefined) return pinned;
  if (!endpoint.runtimes.has(params.version) || (pinned !== undefined && pinned !== params.version)) {
    throw new HttpError(
      404,
      `model '${params.model}' has no version '${params.version}'; its versions are ${pinned ?? [...endpoint.runtimes.keys()].join(', ')}`,
      'E_SERVE_NOT_FOUND',
    );
  }
  return params.version;
}

/**
 * Registers the OIP routes on an endpoint's routes.
 *
 * @example
 * registerOip(app, context);
 */
export function registerOip(app: FastifyInstance, context: ServeContext): void {
  addRoute(app, 'GET', '/v2', 'probe', async (request) => {
    context.endpoint(request);
    return { name: 'mlsweep', version: context.version, extensions: [] };
  });
  addRoute(app, 'GET', '/v2/health/live', 'probe', async (request) => {
    context.endpoint(request);
    return { live: true };
  });
  addRoute(app, 'GET', '/v2/health/ready', 'probe', async (request) => {
    context.endpoint(request);
    if (!context.ready()) throw new HttpError(503, 'the server is shutting down', 'E_SERVE_CLOSING');
    return { ready: true };
  });
  const describe: Handler = async (request) => {
    const endpoint = context.endpoint(request);
    const params = request.params as ModelParams;
    const pinned = pinOf(endpoint, params);
    const runtime: DeploymentRuntime = pinned ? endpoint.runtimes.get(pinned)! : context.primary(endpoint);
    return metadata(params.model, pinned ? [pinned] : [...endpoint.runtimes.keys()], runtime.schema);
  };
  addRoute(app, 'GET', '/v2/models/:model', 'oip', describe);
  addRoute(app, 'GET', '/v2/models/:model/versions/:version', 'oip', describe);
  const ready: Handler = async (request) => {
    const endpoint = context.endpoint(request);
    const params = request.params as ModelParams;
    pinOf(endpoint, params);
    if (!context.ready()) throw new HttpError(503, 'the server is shutting down', 'E_SERVE_CLOSING');
    return { name: params.model, ready: true };
  };
  addRoute(app, 'GET', '/v2/models/:model/ready', 'probe', ready);
  addRoute(app, 'GET', '/v2/models/:model/versions/:version/ready', 'probe', ready);
  const infer: Handler = async (request: FastifyRequest, reply) => {
    const endpoint = context.endpoint(request);
    const params = request.params as ModelParams;
    const runtime = context.deployment(request, reply, endpoint, pinOf(endpoint, params));
    if (typeof request.body === 'string') {
      throw new HttpError(
        415,
        `infer takes application/json, not ${request.headers['content-type']}`,
        'E_SERVE_MEDIA',
      );
    }
    const frame = oipFrame(request.body);
    const body = request.body as Record<string, unknown>;
    const wanted = requestedOutputs(body);
    const raw = await context.score(request, endpoint, runtime, frame, wanted.proba);
    context.mirror(endpoint, runtime.name, { body, frame, protocol: 'oip' });
    const schema = runtime.schema;
    const labels = labelsOf(raw, schema);
    const outputs: unknown[] = [];
    if (wanted.predict) {
      outputs.push({
        name: 'predict',
        datatype: schema.task === 'classification' ? 'BYTES' : 'FP64',
        shape: [labels.length],
        data: labels,
      });
    }
    if (wanted.proba) {
      outputs.push({
        name: 'predict_proba',
        datatype: 'FP64',
        shape: [labels.length, schema.classes.length],
        data: Array.from(raw),
        parameters: { classes: schema.classes },
      });
    }
    return {
      model_name: params.model,
      model_version: runtime.name,
      ...(body.id !== undefined ? { id: body.id } : {}),
      outputs,
    };
  };
  addRoute(app, 'POST', '/v2/models/:model/infer', 'oip', infer);
  addRoute(app, 'POST', '/v2/models/:model/versions/:version/infer', 'oip', infer);
}
