import type { Command } from 'commander';
import { loadSweepFile } from '../config/load.ts';
import type { SamplingSpec } from '../config/types.ts';
import type { ParamSet } from '../core/trial.ts';
import { previewSuggestions, samplerFromSpec } from '../samplers/index.ts';
import { integerOption } from './options.ts';
import { log, printResult } from './output.ts';

function withSeed(sampling: SamplingSpec, seed: number | undefined): SamplingSpec {
  return seed === undefined || sampling.type === 'grid' ? sampling : { ...sampling, seed };
}

/** A fixed-width text table of parameter sets; a parameter of an inactive branch shows as '-'. */
function table(sets: readonly ParamSet[]): string {
  const keys = [...new Set(sets.flatMap((s) => Object.keys(s)))];
  const rows = sets.map((s, i) => [String(i), ...keys.map((k) => (k in s ? String(s[k]) : '-'))]);
  const header = ['#', ...keys];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * `mlsweep sample <sweep.yml> [-n N] [--seed S] [--json]`: the parameter sets the sweep
 * file's sampler would suggest, without running any trial.
 *
 * @example
 * registerSample(program); // then: mlsweep sample examples/random-sobol.yml -n 8 --json
 */
export function registerSample(program: Command): void {
  program
    .command('sample')
    .description("print the parameter sets a sweep file's sampler would suggest, without running trials")
    .argument('<sweep>', 'sweep file (YAML or JSON, Azure ML v2 sweep job schema)')
    .option('-n, --count <N>', 'how many parameter sets', integerOption({ min: 1 }), 10)
    .option('--seed <S>', "override the sampler's seed", integerOption())
    .option('--json', 'print one JSON document')
    .action((file: string, options: { count: number; seed?: number; json?: boolean }) => {
      const spec = loadSweepFile(file);
      for (const notice of spec.notices) log(`notice: ${notice}`);
      if (options.seed !== undefined && spec.sampling.type === 'grid')
        log('notice: grid sampling has no seed; --seed is ignored');
      const sampling = withSeed(spec.sampling, options.seed);
      const sampler = samplerFromSpec({ searchSpace: spec.searchSpace, sampling });
      const params = previewSuggestions(sampler, options.count, spec.objective);
      const seed = (sampler as { seed?: unknown }).seed;
      const result = {
        file: spec.file,
        sampler: sampler.name,
        seed: typeof seed === 'number' ? seed : null,
        count: params.length,
        exhausted: params.length < options.count,
        params,
      };
      printResult(options.json === true, result, () => {
        const seedText = result.seed === null ? '' : ` (seed ${result.seed})`;
        const end = result.exhausted ? `; the ${sampler.name} sampler has no more` : '';
        return `${params.length} parameter sets from the ${sampler.name} sampler${seedText}${end}\n${table(params)}`;
      });
    });
}
