// The worker side of moduleRunner: imports the trial module once, then runs one trial
// per 'run' message, relaying ctx.report calls and the outcome to the parent.
import { parentPort } from 'node:worker_threads';
import type { TrialFunction } from '../types.ts';

type Inbound =
  | { type: 'run'; module: string; exportName: string; trialId: number; params: Record<string, never> }
  | { type: 'abort'; reason: string };

let controller: AbortController | undefined;
const port = parentPort!;

port.on('message', (message: Inbound) => {
  if (message.type === 'abort') {
    controller?.abort(new Error(message.reason));
    return;
  }
  controller = new AbortController();
  void runTrial(message, controller.signal);
});

async function runTrial(message: Extract<Inbound, { type: 'run' }>, signal: AbortSignal) {
  try {
    const mod = (await import(message.module)) as Record<string, unknown>;
    const fn = mod[message.exportName];
    if (typeof fn !== 'function') {
      throw new TypeError(`${message.module} has no function export '${message.exportName}'`);
    }
    const result = await (fn as TrialFunction)(message.params, {
      trialId: message.trialId,
      signal,
      report: (name, value, step) => port.postMessage({ type: 'report', name, value, step }),
    });
    port.postMessage({ type: 'done', result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: 'error', name: e.name, message: e.message, stack: e.stack });
  }
}
