// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the messages quote Azure's ${{...}} placeholders
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSweepFile } from '../../src/config/index.ts';
import { ConfigError } from '../../src/core/errors.ts';

const corpus = (name: string) => fileURLToPath(new URL(`corpus/${name}`, import.meta.url));

// Each invalid file of the corpus and the exact message (after "<file>:") it gets.
const INVALID: Record<string, string> = {
  'asha-grace': 'line 10: early_termination.grace_period: must be <= max_t (10), got 50',
  'bandit-both':
    'line 10: early_termination: bandit needs exactly one of slack_factor and slack_amount, got both',
  'bandit-neither':
    'line 10: early_termination: bandit needs exactly one of slack_factor and slack_amount, got neither',
  'choice-number': 'line 5: search_space.lr.values: choice needs a list of values, got 5',
  'conditional-inner': 'line 11: search_space.model.values[1].C: lognormal needs sigma > 0, got sigma -1',
  'duplicate-key': 'line 10: cannot parse the file: Map keys must be unique',
  'empty-command': 'line 3: trial.command: must not be empty',
  'env-list':
    'line 5: trial.environment_variables.PATHS: expected a string, number or boolean, got a list (["a","b"])',
  expression:
    'line 5: search_space.lr: cannot read the expression "uniform(0.001, 0.1": expected \')\' at column 19',
  goal: "line 8: objective.goal: expected 'maximize' or 'minimize', got 'maximise'; did you mean 'maximize'?",
  'grid-conditional':
    'line 11: search_space.model.values[1].C: grid sampling needs finite values, but loguniform(-3, 3) is continuous; use choice, randint, quniform or qloguniform, or random sampling',
  'grid-continuous':
    'line 5: search_space.lr: grid sampling needs finite values, but uniform(0.001, 0.1) is continuous; use choice, randint, quniform or qloguniform, or random sampling',
  'input-key': "line 11: inputs.data.pth: unknown key 'pth'; did you mean 'path'? (and 1 more problem)",
  'missing-sampling': "line 1: sampling_algorithm: missing required key 'sampling_algorithm'",
  'missing-trial': "line 1: trial: missing required key 'trial'",
  'misspelt-limit':
    "line 11: limits.max_total_trails: unknown key 'max_total_trails'; did you mean 'max_total_trials'?",
  'misspelt-top-key':
    "line 4: serach_space: unknown key 'serach_space'; did you mean 'search_space'? (and 1 more problem)",
  'negative-timeout': 'line 11: limits.timeout: must be > 0, got -5',
  'not-a-mapping':
    'line 1: a sweep file is a mapping of keys (type, trial, search_space, ...), got a list ([{"type":"sweep"},{"trial":"x"}])',
  'placeholder-input': 'line 3: trial.command: ${{inputs.data}} names no input; the file has no inputs',
  'placeholder-scope':
    'line 3: trial.command: ${{outputs.model}} is not a placeholder a local sweep fills; use ${{search_space.NAME}} or ${{inputs.NAME}}',
  placeholder:
    "line 3: trial.command: ${{search_space.lrr}} names no search_space parameter; did you mean 'lr'?",
  'policy-key':
    "line 12: early_termination.evaluation_intervall: unknown key 'evaluation_intervall'; did you mean 'evaluation_interval'?",
  'policy-type':
    "line 11: early_termination.type: unknown early termination type 'banditt'; did you mean 'bandit'?",
  'sampling-key': "line 8: sampling_algorithm.sed: unknown key 'sed'; did you mean 'seed'?",
  'sampling-list':
    'line 6: sampling_algorithm: expected grid, random, bayesian, nsga2, motpe or a mapping with a type, got a list (["random"])',
  'sampling-rule': "line 6: sampling_algorithm.rule: expected 'random' or 'sobol', got 'halton'",
  'sampling-seed': 'line 8: sampling_algorithm.seed: expected an integer, got 1.5',
  'sampling-string': "line 6: sampling_algorithm: unknown sampling algorithm 'randm'; did you mean 'random'?",
  'truncation-percentage': 'line 12: early_termination.truncation_percentage: must be <= 99, got 100',
  'uniform-bounds':
    'line 5: search_space.lr: uniform needs min_value < max_value, got min_value 0.1 and max_value 0.001',
  'unknown-distribution':
    "line 5: search_space.lr.type: unknown distribution type 'unifrom'; did you mean 'uniform'?",
  'wrong-type': "line 1: type: expected 'sweep', got 'sweeep'; did you mean 'sweep'?",
  'zero-trials': 'line 11: limits.max_total_trials: must be >= 1, got 0',
};

describe('invalid sweep files: each error names the file, line and key path', () => {
  it('every file of the corpus has its expected message', () => {
    assert.deepEqual(
      readdirSync(corpus('invalid'))
        .map((f) => f.replace(/\.yml$/, ''))
        .sort(),
      Object.keys(INVALID).sort(),
    );
  });

  for (const [name, expected] of Object.entries(INVALID)) {
    it(name, () => {
      const file = corpus(`invalid/${name}.yml`);
      assert.throws(
        () => loadSweepFile(file),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.equal(e.message, `${file}:${expected}`);
          assert.equal(e.file, file);
          assert.equal(`line ${e.line}`, expected.split(':')[0]);
          return true;
        },
      );
    });
  }

  it('a YAML syntax error names the line (kept out of the corpus, which the linter parses)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mlsweep-')), 'syntax.yml');
    writeFileSync(file, 'type: sweep\nobjective:\n  goal: maximize\n  primary_metric: [accuracy\n');
    assert.throws(
      () => loadSweepFile(file),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        // The flow sequence is unterminated, so the parser stops at the end of the text.
        assert.equal(
          e.message,
          `${file}:line 5: cannot parse the file: Flow sequence in block collection must be sufficiently indented and end with a ]`,
        );
        return true;
      },
    );
  });

  it('a missing file is a ConfigError naming it', () => {
    assert.throws(() => loadSweepFile('no/such/sweep.yml'), {
      name: 'ConfigError',
      message: 'no/such/sweep.yml: cannot read the sweep file: no such file',
    });
  });
});
