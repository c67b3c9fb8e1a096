// @ts-check
/**
 * Every page of the studio, in the order the navigation lists them. A page module
 * exports default `{ route, title, nav, render(container, params) → cleanup | void }`.
 */
import audit from './audit.js';
import compare from './compare.js';
import experiments from './experiments.js';
import run from './run.js';
import runs from './runs.js';

/** @type {Array<import('../app.js').Page>} */
export const PAGES = [experiments, runs, run, compare, audit];
