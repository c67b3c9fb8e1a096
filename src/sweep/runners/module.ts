import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TrialError } from '../../core/errors.ts';
import type { ModuleTrial, RunContext, Runner, TrialReturn } from '../types.ts';
import { abortError } from './abort.ts';

type Outbound =
  | { type: 'report'; name: string; value: number; step?: number }
  | { type: 'done'; result: TrialReturn }
  | { type: 'error'; name: string; message: string; stack?: string };

/**
 * Runs trials as a module's exported function in worker threads, for CPU-bound trials:
 * real parallelism, one worker per concurrent trial, reused across trials. A stopped
 * trial gets its signal aborted; a worker that has not finished `graceMs` later is
 * terminated. TypeScript modules work when tsx is installed.
 *
 * @example
 * const runner = moduleRunner({ module: new URL('./train.ts', import.meta.url) }, 5000);
 */
export function moduleRunner(trial: ModuleTrial, graceMs: number): Runner {
  const module = typeof trial.module === 'string' ? pathToFileURL(trial.module).href : trial.module.href;
  const exportName = trial.export ?? 'default';
  const idle: Worker[] = [];
  const all = new Set<Worker>();

  const take = (): Worker => {
    const reused = idle.pop();
    if (reused) return reused;
    const worker = spawnWorker(module);
    all.add(worker);
    worker.once('exit', () => all.delete(worker));
    return worker;
  };

  return {
    run(ctx: RunContext): Promise<TrialReturn> {
      const worker = take();
      return new Promise<TrialReturn>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const finish = (reuse: boolean) => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          ctx.signal.removeEventListener('abort', onAbort);
          ctx.killSignal.removeEventListener('abort', onKill);
          clearTimeout(timer);
          if (reuse && !ctx.signal.aborted) idle.push(worker);
          else void worker.terminate();
        };
        const onMessage = (m: Outbound) => {
          if (m.type === 'report') {
            try {
              ctx.report(m.name, m.value, m.step);
            } catch (error) {
              // As the trial's own ctx.report would have thrown: the trial fails.
              finish(false);
              reject(error);
            }
          } else if (m.type === 'done') {
            finish(true);
            resolve(m.result);
          } else {
            finish(true);
            const error = new TrialError(`${m.name}: ${m.message}`);
            if (m.stack) error.stack = m.stack;
            reject(error);
          }
        };
        const onError = (error: Error) => {
          finish(false);
          reject(new TrialError(`worker error: ${error.message}`, 'E_TRIAL', { cause: error }));
        };
        const onExit = (code: number) => {
          finish(false);
          reject(
            ctx.signal.aborted ? abortError(ctx.signal) : new TrialError(`worker exited with code ${code}`),
          );
        };
        const onKill = () => {
          finish(false);
          reject(abortError(ctx.signal.aborted ? ctx.signal : ctx.killSignal));
        };
        const onAbort = () => {
          worker.postMessage({ type: 'abort', reason: String((ctx.signal.reason as Error)?.message) });
          timer = setTimeout(onKill, graceMs);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        ctx.killSignal.addEventListener('abort', onKill, { once: true });
        worker.postMessage({ type: 'run', module, exportName, trialId: ctx.trialId, params: ctx.params });
      });
    },
    async close() {
      await Promise.all([...all].map((w) => w.terminate()));
      idle.length = 0;
    },
  };
}

function spawnWorker(module: string): Worker {
  const self = import.meta.url;
  const entry = new URL(`./worker-entry${extname(new URL(self).pathname)}`, self).href;
  if (!entry.endsWith('.ts') && !module.endsWith('.ts')) return new Worker(new URL(entry));
  // Workers do not inherit the parent's --import hooks: register tsx in the worker first.
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch (error) {
    throw new TrialError(
      `the trial module ${module} is TypeScript: install tsx to run it in a worker`,
      'E_TRIAL',
      {
        cause: error,
      },
    );
  }
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true },
  );
}
