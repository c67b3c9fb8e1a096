/**
 * Registers a protocol route, and answers 405 (with `Allow`) for the other methods on the
 * same path, as MLflow's and Azure's servers do, instead of a bare 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import type { Protocol, RouteConfig } from './context.ts';

/** A route handler: its resolved value is the answer (sent as JSON, or as set on the reply). */
export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/**
 * Adds `method path` speaking `protocol`, and 405 for the other methods.
 *
 * @example
 * addRoute(app, 'POST', '/score', 'azure', async (request) => score(request));
 */
export function addRoute(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  path: string,
  protocol: Protocol,
  handler: Handler,
): void {
  const config: RouteConfig = { protocol, path };
  app.route({ method, url: path, config, handler });
  const allow = method === 'GET' ? 'GET, HEAD' : method;
  app.route({
    method: METHODS.filter((m) => m !== method),
    url: path,
    config,
    handler: async (request) => {
      throw new HttpError(405, `${request.method} is not allowed here; use ${method}`, 'E_SERVE_METHOD', {
        allow,
      });
    },
  });
}
