import type { Runner, TrialFunction } from '../types.ts';
import { untilAborted } from './abort.ts';

/**
 * Runs trials as a function in this thread. A function that ignores `ctx.signal` keeps
 * running in the background after it is stopped, but the sweep moves on without it.
 *
 * @example
 * const runner = functionRunner(async (params, ctx) => { ctx.report('loss', 1); });
 */
export function functionRunner(fn: TrialFunction): Runner {
  return {
    run(ctx) {
      let out: ReturnType<TrialFunction>;
      try {
        out = fn(ctx.params, ctx);
      } catch (error) {
        return Promise.reject(error);
      }
      if (!(out instanceof Promise)) return Promise.resolve(out);
      return untilAborted(out, ctx.signal);
    },
  };
}
