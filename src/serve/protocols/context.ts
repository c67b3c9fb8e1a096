/**
 * What a protocol's routes need from the server: find the endpoint a request names, check
 * its credentials, choose the deployment (traffic split or pin), score a frame, run a
 * scoring module, and mirror a copy. The server (server.ts) implements it; each protocol
 * (azure.ts, mlflow.ts, oip.ts) only translates between its wire shapes and these calls.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Frame } from '../input.ts';
import type { DeploymentRuntime } from '../pool.ts';
import type { ServedEndpoint } from '../types.ts';

/** The protocols of the routes, as metrics and error bodies name them. */
export type Protocol = 'azure' | 'mlflow' | 'oip' | 'probe' | 'metrics';

/** Route config: which protocol a route speaks (for errors and metrics) and whether it is a probe. */
export interface RouteConfig {
  readonly protocol: Protocol;
  /** The route's path relative to its endpoint, matched against the server's open paths. */
  readonly path: string;
}

/** An endpoint as it is served now: its spec and its running deployments. */
export interface LiveEndpoint {
  readonly served: ServedEndpoint;
  readonly runtimes: ReadonlyMap<string, DeploymentRuntime>;
}

/** What the request was for, filled in as routing goes, read by metrics. */
export interface RequestTarget {
  endpoint?: string;
  deployment?: string;
}

/** A copy of a request for mirrored deployments. */
export interface MirrorCopy {
  /** The raw body (given to a scoring module's `run` by Azure's /score). */
  readonly body: unknown;
  /** The rows, when the protocol read them (absent: read from `body` by Azure's rules). */
  readonly frame?: Frame;
  readonly protocol: Protocol;
}

/** The server's side of every protocol. */
export interface ServeContext {
  /** The endpoint of the request (from `/endpoints/{name}`, or the only one at `/`), credentials checked. */
  endpoint(request: FastifyRequest): LiveEndpoint;
  /**
   * The deployment that serves the request: `pinned` (the `azureml-model-deployment`
   * header, an OIP model name) or one drawn by the live traffic split; sets the response
   * header naming it and checks the body size against its limit.
   */
  deployment(
    request: FastifyRequest,
    reply: FastifyReply,
    endpoint: LiveEndpoint,
    pinned?: string,
  ): DeploymentRuntime;
  /**
   * Raw predictions of a frame's rows (400 for rows the model cannot use, or probabilities
   * of a regression). `rowsPath`: the keys leading from the JSON body's top object to the
   * list of rows (`['input_data', 'data']`), when the frame's rows are such a list, so that
   * the data collector copies them from the body's text.
   */
  score(
    request: FastifyRequest,
    endpoint: LiveEndpoint,
    runtime: DeploymentRuntime,
    frame: Frame,
    proba: boolean,
    rowsPath?: readonly string[],
  ): Promise<Float64Array>;
  /** A scoring module's answer to the raw body. */
  run(
    request: FastifyRequest,
    endpoint: LiveEndpoint,
    runtime: DeploymentRuntime,
    body: unknown,
  ): Promise<unknown>;
  /** Sends copies to the endpoint's mirrored deployments, after the answer and without waiting. */
  mirror(endpoint: LiveEndpoint, serving: string, copy: MirrorCopy): void;
  /** Whether the server is ready for traffic (false once closing). */
  ready(): boolean;
  /** The deployment that describes an endpoint in metadata: the one with the most traffic. */
  primary(endpoint: LiveEndpoint): DeploymentRuntime;
  /** mlsweep's version. */
  readonly version: string;
}

/**
 * The routing target recorded on a request (for metrics).
 *
 * @example
 * targetOf(request).deployment = 'blue';
 */
export function targetOf(request: FastifyRequest): RequestTarget {
  const holder = request as FastifyRequest & { mlsweepTarget?: RequestTarget };
  holder.mlsweepTarget ??= {};
  return holder.mlsweepTarget;
}
