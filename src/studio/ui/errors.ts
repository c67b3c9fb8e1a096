/**
 * The studio API's error body `{ error: { code, message } }`, and the error a route throws
 * to be answered with it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MlsweepError, ValidationError } from '../../core/errors.ts';

/**
 * An error a studio route throws to answer `status` with `{ error: { code, message } }`.
 *
 * @example
 * throw new StudioApiError(404, 'NOT_FOUND', `no run ${id}`);
 */
export class StudioApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'StudioApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Answers `{ error: { code, message } }` with `status`.
 *
 * @example
 * return studioError(reply, 403, 'FORBIDDEN', 'writes need the header X-Mlsweep-Studio: 1');
 */
export function studioError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}

/**
 * The studio API's error handler: StudioApiError as it says; a ValidationError from the
 * store 404 (not found), 409 (exists) or 400; any other MlsweepError 400; fastify's own
 * client errors with their status; anything else 500, logged.
 *
 * @example
 * scope.setErrorHandler(answerStudioError);
 */
export function answerStudioError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof StudioApiError) return studioError(reply, error.status, error.code, error.message);
  if (error instanceof ValidationError) {
    if (error.code === 'E_NOT_FOUND') return studioError(reply, 404, 'NOT_FOUND', error.message);
    if (error.code === 'E_EXISTS') return studioError(reply, 409, 'CONFLICT', error.message);
    return studioError(reply, 400, 'INVALID_VALUE', error.message);
  }
  if (error instanceof MlsweepError) return studioError(reply, 400, 'INVALID_VALUE', error.message);
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return studioError(reply, fastifyError.statusCode, 'BAD_REQUEST', fastifyError.message ?? 'bad request');
  }
  request.log.error({ err: error }, 'studio API request failed');
  return studioError(reply, 500, 'INTERNAL_ERROR', 'internal error: see the server log');
}
