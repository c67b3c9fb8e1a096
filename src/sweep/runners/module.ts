import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TrialError } from '../../core/errors.ts';
import type { ModuleTrial, RunContext, Runner, TrialFunction, TrialReturn } from '../types.ts';
import { abortError } from './abort.ts';
import { functionRunner } from './function.ts';
import { THREAD_ENTRY, TS_THREAD_ENTRY } from './thread-entry.ts';

type Outbound =
  | { type: 'loaded' }
  | { type: 'report'; name: string; value: number; step?: number }
  | { type: 'done'; result: TrialReturn }
  | { type: 'error'; name: string; message: string; stack?: string };

/** A module trial's URL (a path or a URL) and export name. */
function target(trial: ModuleTrial): { module: string; exportName: string } {
  return {
    module: typeof trial.module === 'string' ? pathToFileURL(trial.module).href : trial.module.href,
    exportName: trial.export ?? 'default',
  };
}

/**
 * Runs trials as a module's exported function in worker threads, for CPU-bound trials:
 * real parallelism, one thread per concurrent trial, reused across trials. A stopped
 * trial gets its signal aborted; a thread that has not finished `graceMs` later is
 * terminated. `warm(n)` starts n threads and imports the module in each ahead of the
 * first trial (a worker does it before it claims anything). TypeScript modules work when
 * tsx is installed; a JavaScript module's thread needs no loader.
 *
 * @example
 * const runner = moduleRunner({ module: new URL('./train.ts', import.meta.url) }, 5000);
 * await runner.warm(4);
 */
export function moduleRunner(
  trial: ModuleTrial,
  graceMs: number,
): Runner & { warm(threads: number): Promise<void> } {
  const { module, exportName } = target(trial);
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  /** Settles once a thread has imported the module (or died trying). */
  const loaded = new WeakMap<Worker, Promise<void>>();

  const spawn = (): Worker => {
    const worker = spawnThread(module, exportName);
    all.add(worker);
    loaded.set(
      worker,
      new Promise<void>((resolve) => {
        const onLoaded = (m: Outbound) => {
          if (m.type !== 'loaded') return;
          worker.off('message', onLoaded);
          resolve();
        };
        worker.on('message', onLoaded);
        worker.once('exit', () => resolve());
        worker.once('error', () => resolve());
      }),
    );
    worker.once('exit', () => {
      all.delete(worker);
      const i = idle.indexOf(worker);
      if (i >= 0) idle.splice(i, 1);
    });
    return worker;
  };
  const take = (): Worker => idle.pop() ?? spawn();

  return {
    async warm(threads: number): Promise<void> {
      const fresh: Worker[] = [];
      while (all.size < threads) fresh.push(spawn());
      idle.push(...fresh);
      await Promise.all(fresh.map((w) => loaded.get(w)));
    },
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
          if (m.type === 'loaded') return;
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
        worker.postMessage({ type: 'run', trialId: ctx.trialId, params: ctx.params });
      });
    },
    async close() {
      await Promise.all([...all].map((w) => w.terminate()));
      idle.length = 0;
    },
  };
}

/**
 * Runs a module's trial function in this thread (imported once, on the first trial or
 * `warm`): no thread start and no message per trial, for trials that are cheap or that
 * mostly wait (a request to a service). What isolation threads give is lost: a trial that
 * computes for long blocks this thread (a worker's heartbeat with it), and one that
 * ignores its signal runs on after it is stopped.
 *
 * @example
 * const runner = inProcessModuleRunner({ module: '/shared/probe.mjs' });
 */
export function inProcessModuleRunner(trial: ModuleTrial): Runner & { warm(threads: number): Promise<void> } {
  const { module, exportName } = target(trial);
  let runner: Promise<Runner> | undefined;
  const load = (): Promise<Runner> =>
    (runner ??= import(module).then((mod: Record<string, unknown>) => {
      const fn = mod[exportName];
      if (typeof fn !== 'function') {
        throw new TrialError(`TypeError: ${module} has no function export '${exportName}'`);
      }
      return functionRunner(fn as TrialFunction);
    }));
  return {
    async warm(): Promise<void> {
      await load().catch(() => undefined); // a failing import fails each trial, with its error
    },
    async run(ctx: RunContext): Promise<TrialReturn> {
      return (await load()).run(ctx);
    },
  };
}

function spawnThread(module: string, exportName: string): Worker {
  const workerData = { module, exportName };
  if (!module.endsWith('.ts') && !module.endsWith('.mts') && !module.endsWith('.cts'))
    return new Worker(THREAD_ENTRY, { eval: true, workerData });
  // Threads do not inherit the parent's --import hooks: register tsx in the thread first.
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch (error) {
    throw new TrialError(
      `the trial module ${module} is TypeScript: install tsx to run it in a worker`,
      'E_TRIAL',
      { cause: error },
    );
  }
  return new Worker(TS_THREAD_ENTRY(tsx), { eval: true, workerData });
}
