import type { FastifyInstance } from 'fastify';
import type { MlflowContext } from './context.ts';

/**
 * Stub: the routes of this part are written by another helper.
 *
 * @example
 * registerRegistryRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerRegistryRoutes(
  _app: FastifyInstance,
  _prefix: string,
  _context: MlflowContext,
): void {}
