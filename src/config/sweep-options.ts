// The sweep file's translation into the engine's terms: config/ turns YAML into a
// SweepSpec (load.ts), and this turns a SweepSpec into the options of `sweep()`.
import { ConfigError } from '../core/errors.ts';
import { samplerFromSpec } from '../samplers/factory.ts';
import { placeholders } from '../sweep/substitute.ts';
import type { SweepOptions } from '../sweep/types.ts';
import type { SweepSpec } from './types.ts';

/** What the command line may change in a sweep file. */
export interface SpecOverrides {
  readonly maxTotalTrials?: number;
  readonly maxConcurrentTrials?: number;
  /** Replaces the sampling seed (random and bayesian sampling; grid has none). */
  readonly seed?: number;
  /** Keep each trial's stdout, stderr and metrics file in outputDir/trial-N/. */
  readonly outputDir?: string;
  /** Sweeps to warm start from, added to the file's `warm_start`. */
  readonly warmStart?: readonly string[];
  /** The store the warm start sweeps are read from (default: $MLSWEEP_STORE or ./mlruns). */
  readonly store?: string;
}

/**
 * The options of `sweep()` for a loaded sweep file: its sampler, objective, limits,
 * early termination and command trial. Every placeholder of the command must name a
 * parameter of the search space or an input, else a ConfigError names it.
 *
 * @example
 * const result = await sweep(sweepOptionsFromSpec(loadSweepFile('sweep.yml'), { seed: 1 }));
 */
export function sweepOptionsFromSpec(spec: SweepSpec, overrides: SpecOverrides = {}): SweepOptions {
  const paths = new Set(spec.searchSpace.parameters.map((p) => p.path));
  for (const { kind, name } of placeholders(spec.trial.command)) {
    const known = kind === 'search_space' ? paths.has(name) : name in spec.inputs;
    if (!known) {
      const have = kind === 'search_space' ? [...paths] : Object.keys(spec.inputs);
      throw new ConfigError(
        `\${{${kind}.${name}}} names no ${kind === 'search_space' ? 'parameter of search_space' : 'entry of inputs'} (${have.length > 0 ? `have: ${have.join(', ')}` : 'there are none'})`,
        { file: spec.file, keyPath: 'trial.command' },
      );
    }
  }
  const { sampling } = spec;
  const seeded =
    overrides.seed !== undefined && sampling.type !== 'grid'
      ? { ...sampling, seed: overrides.seed }
      : sampling;
  const maxTotalTrials = overrides.maxTotalTrials ?? spec.limits.maxTotalTrials;
  const warm = [...new Set([...(spec.warmStart ?? []), ...(overrides.warmStart ?? [])])];
  return {
    sampler: samplerFromSpec({ searchSpace: spec.searchSpace, sampling: seeded }),
    ...(spec.objectives !== undefined ? { objectives: spec.objectives } : { objective: spec.objective }),
    ...(spec.constraints !== undefined ? { constraints: spec.constraints } : {}),
    ...(spec.tradeOff !== undefined ? { tradeOff: spec.tradeOff } : {}),
    ...(spec.hypervolumeReference !== undefined ? { hypervolumeReference: spec.hypervolumeReference } : {}),
    ...(warm.length > 0
      ? { warmStart: { sweeps: warm, ...(overrides.store !== undefined ? { store: overrides.store } : {}) } }
      : {}),
    limits: {
      maxTotalTrials,
      maxConcurrentTrials:
        overrides.maxConcurrentTrials ?? Math.min(spec.limits.maxConcurrentTrials, maxTotalTrials),
      ...(spec.limits.timeout !== undefined ? { timeout: spec.limits.timeout } : {}),
      ...(spec.limits.trialTimeout !== undefined ? { trialTimeout: spec.limits.trialTimeout } : {}),
    },
    ...(spec.earlyTermination ? { earlyTermination: spec.earlyTermination } : {}),
    trial: {
      command: spec.trial.command,
      ...(spec.trial.code !== undefined ? { code: spec.trial.code } : {}),
      environmentVariables: spec.trial.environmentVariables,
      inputs: spec.inputs,
      ...(overrides.outputDir !== undefined ? { outputDir: overrides.outputDir } : {}),
    },
  };
}
