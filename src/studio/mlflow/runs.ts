import type { FastifyInstance } from 'fastify';
import type { MlflowContext } from './context.ts';

/**
 * The runs routes (being written).
 *
 * @example
 * registerRunRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerRunRoutes(_app: FastifyInstance, _prefix: string, _context: MlflowContext): void {}
