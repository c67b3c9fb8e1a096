import type { FastifyInstance } from 'fastify';
import type { MlflowContext } from './context.ts';

/**
 * Stub: the routes of this part are written by another helper.
 *
 * @example
 * registerLoggedModelRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerLoggedModelRoutes(
  _app: FastifyInstance,
  _prefix: string,
  _context: MlflowContext,
): void {}
