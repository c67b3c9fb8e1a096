import type { FastifyInstance } from 'fastify';
import type { MlflowContext } from './context.ts';

/**
 * The experiments routes (being written).
 *
 * @example
 * registerExperimentRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerExperimentRoutes(
  _app: FastifyInstance,
  _prefix: string,
  _context: MlflowContext,
): void {}
