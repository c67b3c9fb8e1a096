/**
 * Every module of the studio's JSON API. Each registers its routes with their full paths
 * under `/studio/api/` (e.g. `app.get('/studio/api/runs', ...)`) on the API scope, where
 * the guard (key, write header) and the error body `{ error: { code, message } }` apply.
 */
import type { FastifyInstance } from 'fastify';
import type { StudioContext } from '../context.ts';
import { registerAuditApi } from './audit.ts';
import { registerAutomlApi } from './automl.ts';
import { registerCompareApi } from './compare.ts';
import { registerEndpointsApi } from './endpoints.ts';
import { registerExperimentsApi } from './experiments.ts';
import { registerModelsApi } from './models.ts';
import { registerPipelinesApi } from './pipelines.ts';
import { registerRunDetailApi } from './run-detail.ts';
import { registerRunsApi } from './runs.ts';
import { registerSchedulesApi } from './schedules.ts';
import { registerSweepsApi } from './sweeps.ts';

/** The API modules, in the order they are registered (one line each). */
export const STUDIO_API: ReadonlyArray<(app: FastifyInstance, ctx: StudioContext) => void> = [
  registerExperimentsApi,
  registerRunsApi,
  registerRunDetailApi,
  registerCompareApi,
  registerAuditApi,
  registerSweepsApi,
  registerAutomlApi,
  registerModelsApi,
  registerEndpointsApi,
  registerPipelinesApi,
  registerSchedulesApi,
];
