// @ts-check
/**
 * Every page of the studio, in the order the navigation lists them. A page module
 * exports default `{ route, title, nav, render(container, params) → cleanup | void }`.
 */
import audit from './audit.js';
import automl from './automl.js';
import compare from './compare.js';
import endpoint from './endpoint.js';
import endpoints from './endpoints.js';
import experiments from './experiments.js';
import model from './model.js';
import models from './models.js';
import pipeline from './pipeline.js';
import pipelines from './pipelines.js';
import run from './run.js';
import runs from './runs.js';
import schedules from './schedules.js';
import sweep from './sweep.js';
import sweeps from './sweeps.js';

/** @type {Array<import('../app.js').Page>} */
export const PAGES = [
  experiments,
  runs,
  run,
  compare,
  sweeps,
  sweep,
  automl,
  models,
  model,
  endpoints,
  endpoint,
  pipelines,
  pipeline,
  schedules,
  audit,
];
