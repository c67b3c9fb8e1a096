/**
 * The MLflow tracking REST API on a fastify app: every route group mounted under
 * `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow` (the prefix MLflow's own UI calls), with
 * MLflow's error body `{"error_code", "message"}` for every failure inside them.
 */
import { join } from 'node:path';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlsweepError, ValidationError } from '../../core/errors.ts';
import { ModelRegistry } from '../../registry/model-registry.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import { registerArtifactRoutes } from './artifact-routes.ts';
import { carriesKey } from './auth.ts';
import { type LoggedEvent, MlflowApiError, type MlflowContext, mlflowError } from './context.ts';
import { registerExperimentRoutes } from './experiments.ts';
import { registerLoggedModelRoutes } from './logged-model-routes.ts';
import { registerRegistryRoutes } from './registry-routes.ts';
import { registerRunRoutes } from './runs.ts';

/** The prefixes every route is mounted under: the REST API's and the one MLflow's UI uses. */
export const MLFLOW_PREFIXES: readonly string[] = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'];

/** What {@link registerMlflowApi} serves. */
export interface MlflowApiOptions {
  readonly store: SqliteStore;
  /** Default: a registry over the same store. */
  readonly registry?: ModelRegistry;
  /** Default: `<store dir>/artifacts`. */
  readonly artifactRoot?: string;
  /** Called after metrics, params or tags are stored. */
  readonly onLogged?: (event: LoggedEvent) => void;
  /**
   * When given, every route of the API answers 401 unless the request carries it
   * (`Authorization: Bearer KEY`, or Basic with KEY as the password); routes of the app
   * outside the API (health probes) are not affected.
   */
  readonly key?: string;
}

/**
 * Mounts the MLflow tracking API (experiments, runs, metrics, registry, artifacts, logged
 * models) on `app`, in an encapsulated scope so its error handler answers only its routes.
 * Each group is called once per prefix in MLFLOW_PREFIXES with `prefix` such as
 * `/api/2.0/mlflow`; the artifact group serves MLflow's artifact proxy under
 * `${prefix}-artifacts` (`/api/2.0/mlflow-artifacts/...`) from the same call.
 *
 * @example
 * const app = Fastify();
 * registerMlflowApi(app, { store: new SqliteStore({ dir: 'mlruns' }) });
 * await app.listen({ port: 5000 });
 */
export function registerMlflowApi(app: FastifyInstance, options: MlflowApiOptions): MlflowContext {
  const context: MlflowContext = {
    store: options.store,
    registry: options.registry ?? new ModelRegistry({ store: options.store }),
    artifactRoot: options.artifactRoot ?? join(options.store.dir, 'artifacts'),
    ...(options.onLogged ? { onLogged: options.onLogged } : {}),
  };
  // MLflow clients log to experiment 0 when none is set, as MLflow's server creates it.
  options.store.defaultExperiment();
  const key = options.key;
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => answerError(error, request, reply));
    if (key !== undefined) {
      scope.addHook('onRequest', async (request, reply) => {
        if (carriesKey(request.headers.authorization, key)) return;
        reply.header('www-authenticate', 'Bearer realm="mlsweep", Basic realm="mlsweep"');
        return mlflowError(
          reply,
          401,
          'UNAUTHENTICATED',
          'send Authorization: Bearer <key> (MLFLOW_TRACKING_TOKEN)',
        );
      });
    }
    for (const prefix of MLFLOW_PREFIXES) {
      registerExperimentRoutes(scope, prefix, context);
      registerRunRoutes(scope, prefix, context);
      registerRegistryRoutes(scope, prefix, context);
      registerArtifactRoutes(scope, prefix, context);
      registerLoggedModelRoutes(scope, prefix, context);
    }
  });
  return context;
}

/**
 * Turns any error of a route into MLflow's error body: MlflowApiError as it says; a
 * ValidationError from the store as INVALID_PARAMETER_VALUE (RESOURCE_DOES_NOT_EXIST when
 * it is a lookup that found nothing); fastify's own (bad JSON, body too large) as
 * BAD_REQUEST / INVALID_PARAMETER_VALUE; anything else INTERNAL_ERROR, logged.
 */
function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof MlflowApiError)
    return mlflowError(reply, error.status, error.errorCode, error.message);
  if (error instanceof ValidationError) {
    return error.code === 'E_NOT_FOUND'
      ? mlflowError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', error.message)
      : error.code === 'E_EXISTS'
        ? mlflowError(reply, 400, 'RESOURCE_ALREADY_EXISTS', error.message)
        : mlflowError(reply, 400, 'INVALID_PARAMETER_VALUE', error.message);
  }
  if (error instanceof MlsweepError) return mlflowError(reply, 400, 'INVALID_PARAMETER_VALUE', error.message);
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return mlflowError(
      reply,
      400,
      'INVALID_PARAMETER_VALUE',
      `the request body is too large: ${fastifyError.message}`,
    );
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return mlflowError(reply, fastifyError.statusCode, 'BAD_REQUEST', fastifyError.message ?? 'bad request');
  }
  request.log.error({ err: error }, 'MLflow API request failed');
  return mlflowError(reply, 500, 'INTERNAL_ERROR', 'internal error: see the server log');
}
