/**
 * What every MLflow REST route shares: the tracking store, the model registry, where
 * artifacts live, a hook called after data is logged, and MLflow's error body.
 */
import type { FastifyReply } from 'fastify';
import type { ModelRegistry } from '../../registry/model-registry.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';

/** One metric point as the MLflow API logs it. */
export interface LoggedMetric {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

/** What was just stored for a run (metrics, params or tags), for live views and tests. */
export interface LoggedEvent {
  readonly runId: string;
  readonly metrics?: readonly LoggedMetric[];
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The state every route group of the MLflow API works with. */
export interface MlflowContext {
  readonly store: SqliteStore;
  readonly registry: ModelRegistry;
  /** Absolute folder under which run artifacts are kept (the store's `artifacts/`). */
  readonly artifactRoot: string;
  /** Called after metrics, params or tags are stored (never before the write commits). */
  readonly onLogged?: (event: LoggedEvent) => void;
}

/** MLflow's error codes and the HTTP status each is answered with. */
export const MLFLOW_ERROR_STATUS = {
  RESOURCE_DOES_NOT_EXIST: 404,
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  BAD_REQUEST: 400,
  INVALID_STATE: 400,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  ENDPOINT_NOT_FOUND: 404,
  INTERNAL_ERROR: 500,
} as const;

/** An MLflow error code. */
export type MlflowErrorCode = keyof typeof MLFLOW_ERROR_STATUS;

/**
 * Answers with MLflow's error body `{"error_code", "message"}` and the given status.
 *
 * @example
 * return mlflowError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Run '${id}' not found`);
 */
export function mlflowError(
  reply: FastifyReply,
  status: number,
  errorCode: MlflowErrorCode | string,
  message: string,
): FastifyReply {
  return reply.code(status).type('application/json').send({ error_code: errorCode, message });
}

/**
 * An error a route throws to be answered as MLflow's error body (api.ts's error handler
 * turns it into `{"error_code", "message"}` with its status).
 *
 * @example
 * throw new MlflowApiError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'");
 */
export class MlflowApiError extends Error {
  readonly errorCode: MlflowErrorCode;
  readonly status: number;

  constructor(errorCode: MlflowErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'MlflowApiError';
    this.errorCode = errorCode;
    this.status = status ?? MLFLOW_ERROR_STATUS[errorCode];
  }
}
