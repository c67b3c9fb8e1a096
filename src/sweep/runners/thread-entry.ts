/**
 * The code a module trial's thread runs, as plain JavaScript evaluated by the thread
 * (`new Worker(THREAD_ENTRY, { eval: true })`): a thread needs no loader (tsx) to start,
 * whether mlsweep runs from its TypeScript sources or from dist/, so a thread costs only
 * Node's own start and the trial module's import. Only a TypeScript trial module makes
 * the thread register tsx first (`TS_THREAD_ENTRY`).
 *
 * The thread imports `workerData.module` at once and says `loaded`, then
 * runs one trial per `run` message, relaying `ctx.report` calls and the outcome; an
 * `abort` message aborts the running trial's signal.
 */

/** The thread's code for a JavaScript trial module (CommonJS, as an `eval` worker runs it). */
export const THREAD_ENTRY = `
const { parentPort, workerData } = require('node:worker_threads');
let controller;
const loaded = import(workerData.module).then((mod) => {
  const fn = mod[workerData.exportName];
  if (typeof fn !== 'function') {
    throw new TypeError(workerData.module + " has no function export '" + workerData.exportName + "'");
  }
  return fn;
});
const fail = (error) => {
  const e = error instanceof Error ? error : new Error(String(error));
  return { type: 'error', name: e.name, message: e.message, stack: e.stack };
};
// Told once the module is imported (a failed import fails each trial, with its error).
loaded.then(() => parentPort.postMessage({ type: 'loaded' }), () => parentPort.postMessage({ type: 'loaded' }));
parentPort.on('message', (message) => {
  if (message.type === 'abort') {
    controller?.abort(new Error(message.reason));
    return;
  }
  controller = new AbortController();
  const signal = controller.signal;
  loaded
    .then((fn) =>
      fn(message.params, {
        trialId: message.trialId,
        signal,
        report: (name, value, step) => parentPort.postMessage({ type: 'report', name, value, step }),
      }),
    )
    .then((result) => parentPort.postMessage({ type: 'done', result }), (error) => parentPort.postMessage(fail(error)));
});
`;

/**
 * The thread's code for a TypeScript trial module: tsx registered first (`tsx` is the URL
 * of its `tsx/esm/api`), since threads do not inherit the parent's `--import` hooks.
 *
 * @example
 * new Worker(TS_THREAD_ENTRY(import.meta.resolve('tsx/esm/api')), { eval: true, workerData });
 */
export function TS_THREAD_ENTRY(tsx: string): string {
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); ${THREAD_ENTRY} });`;
}
