// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sweep files quote Azure's ${{...}} placeholders
/**
 * Hostile YAML given to the sweep-file loader: alias bombs, merge keys, and random
 * documents, none of which may end in anything but a ConfigError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadSweepFile, parseSweep } from '../../src/config/index.ts';
import { ConfigError, MlsweepError } from '../../src/core/errors.ts';
import { MAX_ALIAS_NODES } from '../../src/data/yaml-source.ts';

const corpus = (name: string) => fileURLToPath(new URL(`../config/corpus/yaml/${name}`, import.meta.url));

/** Parses `text` as a sweep file; returns the error it throws (undefined when it parses). */
function attempt(text: string): unknown {
  try {
    parseSweep(text, { file: 'hostile.yml' });
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The error (if any) is an MlsweepError with a message naming the file: never a bare stack trace. */
function isCleanFailure(error: unknown): boolean {
  if (error === undefined) return true;
  if (!(error instanceof MlsweepError)) {
    throw new Error(`threw ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
  }
  return error instanceof ConfigError ? error.message.startsWith('hostile.yml:') : true;
}

const MINIMAL = [
  'type: sweep',
  'trial:',
  '  command: python train.py --lr ${{search_space.lr}}',
  'search_space:',
  '  lr: { type: uniform, min_value: 0.001, max_value: 0.1 }',
  'sampling_algorithm: random',
  'objective:',
  '  goal: maximize',
  '  primary_metric: accuracy',
].join('\n');

describe('aliases are limited', () => {
  // The timeout is a safety net for the old behaviour (minutes or out of memory), not a measurement.
  it('billion laughs is a ConfigError naming the line where the expansion passes the limit', {
    timeout: 5000,
  }, () => {
    const file = corpus('alias-bomb.yml');
    assert.throws(
      () => loadSweepFile(file),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.equal(
          e.message,
          `${file}:line 7: the YAML expands aliases to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?)`,
        );
        assert.equal(e.file, file);
        assert.equal(e.line, 7);
        return true;
      },
    );
  });

  it('a bomb hidden in the search space is stopped before the space is read', { timeout: 5000 }, () => {
    const levels = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${`*${prev}, `.repeat(9)}*${prev}]`,
      );
    }
    const text = MINIMAL.replace(
      '  lr: {',
      `  k:\n    type: choice\n    values:\n      - { ${levels.join(', ')} }\n  lr: {`,
    );
    const error = attempt(text);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /^hostile\.yml:line 8: the YAML expands aliases to more than \d+ nodes/);
  });

  it('a few aliases well under the limit are read as their anchors', () => {
    const spec = parseSweep(
      MINIMAL.replace(
        '  lr: {',
        '  k: { type: choice, values: &ks [1, 2, 3] }\n  j: { type: choice, values: *ks }\n  lr: {',
      ),
    );
    assert.deepEqual(
      spec.searchSpace.parameters.map((p) => p.path),
      ['k', 'j', 'lr'],
    );
  });

  it('an alias inside its own anchor, or with no anchor, is a ConfigError with the line', () => {
    const cycle = attempt(`${MINIMAL}\ntags: &t\n  x: *t\n`);
    assert.ok(cycle instanceof ConfigError, String(cycle));
    assert.equal(cycle.message, 'hostile.yml:line 11: the alias *t sits inside its own anchor &t (a cycle)');
    const dangling = attempt(`${MINIMAL}\ntags: { x: *nowhere }\n`);
    assert.ok(dangling instanceof ConfigError, String(dangling));
    assert.equal(
      dangling.message,
      'hostile.yml:line 10: the alias *nowhere names no anchor (&nowhere) before it',
    );
  });
});

describe('merge keys (<<)', () => {
  it('in search_space entries, choice branches and the trial give the spec of the expanded file', () => {
    const merged = loadSweepFile(corpus('merge.yml'));
    const expanded = loadSweepFile(corpus('merge-expanded.yml'));
    assert.deepEqual({ ...merged, file: undefined }, { ...expanded, file: undefined });
    assert.deepEqual(merged.trial.environmentVariables, {
      SEED: '7',
      TEAM: 'vision',
      OMP_NUM_THREADS: '1',
      CUDA_VISIBLE_DEVICES: '0',
    });
    assert.deepEqual(
      merged.searchSpace.parameters.map((p) => p.path),
      [
        'lr',
        'wd',
        'model',
        'model.algorithm',
        'model.max_depth',
        'model.n_estimators',
        'model.algorithm',
        'model.max_depth',
        'model.n_estimators',
      ],
    );
  });

  it('an error in a merged trial value names the line where the value is written', () => {
    const file = corpus('merge-env-list.yml');
    assert.throws(() => loadSweepFile(file), {
      name: 'ConfigError',
      message: `${file}:line 4: trial.environment_variables.layers: expected a string, number or boolean, got a list ([64,32])`,
    });
  });

  it('an error in a merged search_space value names the line where the value is written', () => {
    const file = corpus('merge-space-param.yml');
    assert.throws(() => loadSweepFile(file), {
      name: 'ConfigError',
      message: `${file}:line 9: search_space.wd.q: loguniform has no parameter 'q'; its parameters are min_value, max_value`,
    });
  });

  it('merging something that is not a mapping is a ConfigError at the merge key', () => {
    const error = attempt(MINIMAL.replace('  lr: {', '  lr:\n    <<: [1, 2]\n  x: {'));
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(
      error.message,
      'hostile.yml:line 6: a merge key (<<) takes a mapping, an alias of one or a list of them',
    );
  });
});

describe('any document is a spec or a ConfigError', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const cases: Record<string, string> = {
    'bad syntax': 'type: sweep\ntrial: [unclosed\n',
    'duplicate keys': `${MINIMAL}\ntype: sweep\n`,
    'a list at the top': '- type: sweep\n',
    'a scalar at the top': '42',
    'an empty file': '',
    'a comment only': '# nothing\n',
    'two documents': `${MINIMAL}\n---\n${MINIMAL}\n`,
    'huge numbers': MINIMAL.replace('0.1 }', '1e999 }').replace('random', '{ type: random, seed: 1e400 }'),
    'a huge integer': MINIMAL.replace('0.1 }', '123456789012345678901234567890123456789 }'),
    'not-a-numbers': MINIMAL.replace('0.001', '.nan').replace('0.1 }', '.inf }'),
    'a js/function tag': `${MINIMAL.replace('python train.py', '!!js/function "function () {}"')}`,
    'a binary tag': MINIMAL.replace('sampling_algorithm: random', 'sampling_algorithm: !!binary aGVsbG8='),
    'a set tag': MINIMAL.replace('primary_metric: accuracy', 'primary_metric: !!set { a, b }'),
    'a custom tag': MINIMAL.replace('type: sweep', 'type: !Ref sweep'),
    'a mapping as a key': `${MINIMAL}\n? [a, b]\n: 1\n`,
    'a __proto__ key': MINIMAL.replace('lr: {', '__proto__: { polluted: true }\n  lr: {'),
    'nesting 50000 deep': `type: sweep\ntrial: ${deep(50_000)}\n`,
    'nesting 150 deep': `type: sweep\ntrial: ${deep(150)}\n`,
    'a merge of a scalar': `${MINIMAL}\ntags: { <<: 5 }\n`,
    'a merge of a dangling alias': `${MINIMAL}\ntags: { <<: *nowhere }\n`,
    'a NUL byte and a BOM': `\uFEFF${MINIMAL}\u0000`,
    'a lone surrogate': MINIMAL.replace('accuracy', 'acc\uD800'),
    directives: `%YAML 1.1\n%TAG ! tag:evil.com,2000:\n---\n${MINIMAL}\n`,
    'an anchor on an alias key': `${MINIMAL}\ntags: { &k a: 1, *k : 2 }\n`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, { timeout: 5000 }, () => {
      assert.ok(isCleanFailure(attempt(text)));
    });
  }

  it('the problems only YAML has get messages a person can act on', () => {
    const expected: Array<[string, string]> = [
      [
        `${MINIMAL}\n---\n${MINIMAL}\n`,
        'hostile.yml:line 10: cannot parse the file: the file holds more than one YAML document (a second ---); one is expected',
      ],
      [`type: sweep\ntrial: ${deep(150)}\n`, 'hostile.yml:line 2: the YAML nests deeper than 100 levels'],
      [
        `${MINIMAL}\n? [a, b]\n: 1\n`,
        'hostile.yml:line 10: a mapping key must be a single value, not a mapping or a list',
      ],
      [
        MINIMAL.replace('sampling_algorithm: random', 'sampling_algorithm: !!binary aGVsbG8='),
        'hostile.yml:line 6: binary data (!!binary) is not a value these files take',
      ],
    ];
    for (const [text, message] of expected) {
      const error = attempt(text);
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.message, message);
    }
    const deepest = attempt(`type: sweep\ntrial: ${deep(50_000)}\n`);
    assert.ok(deepest instanceof ConfigError, String(deepest));
    assert.match(
      deepest.message,
      /^hostile\.yml:line 2: cannot parse the file: the YAML nests too deeply to read/,
    );
  });

  // YAML's own punctuation, indentation and a few words, so that the parser gets far.
  const yamlish = fc.string({
    unit: fc.constantFrom(
      ...'-:{}[],&*!|>\'"%@`#?<=~. \n\t\r\\0123456789aeknx'.split(''),
      'type: sweep\n',
      '<<: ',
      '*a',
      '&a ',
      '!!binary ',
      '!!js/function ',
      '\n  ',
      '\n- ',
      '---\n',
      'search_space:',
      'trial:',
    ),
    maxLength: 80,
  });
  const params = { seed: 42, numRuns: 300 };

  it('random documents: YAML-ish text, Unicode text, JSON values and values the YAML stringifier writes', () => {
    const written = fc.anything({ withMap: true, withSet: true, withNullPrototype: true }).map((value) => {
      try {
        return stringify(value, { aliasDuplicateObjects: true }) ?? '';
      } catch {
        return String(value);
      }
    });
    const json = fc.jsonValue().map((value) => JSON.stringify(value) ?? '');
    for (const texts of [yamlish, fc.string({ unit: 'binary' }), json, written]) {
      fc.assert(
        fc.property(texts, (text) => isCleanFailure(attempt(text))),
        params,
      );
    }
  });

  it('a valid sweep file with one value replaced by a random one, anchors and merges included', () => {
    const slots = [
      'type',
      'trial',
      'trial.command',
      'trial.environment_variables',
      'search_space',
      'search_space.lr',
      'search_space.lr.min_value',
      'search_space.k',
      'search_space.k.values',
      'sampling_algorithm',
      'objective',
      'objective.goal',
      'limits',
      'limits.max_total_trials',
      'early_termination',
      'inputs',
      'tags',
    ];
    const base = () => ({
      type: 'sweep',
      tags: { team: 'x' },
      trial: { command: 'run ${{search_space.lr}}', environment_variables: { A: 1 } },
      search_space: {
        lr: { type: 'uniform', min_value: 0.001, max_value: 0.1 },
        k: { type: 'choice', values: [1, { depth: { type: 'randint', upper: 5 } }] },
      },
      sampling_algorithm: { type: 'random', seed: 1 },
      objective: { goal: 'maximize', primary_metric: 'accuracy' },
      limits: { max_total_trials: 5 },
      early_termination: { type: 'bandit', slack_factor: 0.1 },
      inputs: { data: { type: 'uri_file', path: 'data.csv' } },
    });
    const replacement = fc.oneof(
      fc.jsonValue(),
      fc.anything(),
      fc.constantFrom('*a', '<<', '.inf', '-.inf', '.nan', '1e999', '!!binary aGVsbG8='),
    );
    const doc = fc
      .record({ slot: fc.constantFrom(...slots), value: replacement, alias: fc.boolean() })
      .map(({ slot, value, alias }) => {
        const root = base() as Record<string, unknown>;
        const keys = slot.split('.');
        let holder = root;
        for (const key of keys.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
        holder[keys.at(-1) as string] = value;
        // Writing the same object twice with aliasDuplicateObjects gives anchors and aliases.
        if (alias && value !== null && typeof value === 'object') root.tags = value;
        try {
          return stringify(root, { aliasDuplicateObjects: true }) ?? '';
        } catch {
          return JSON.stringify(base());
        }
      });
    fc.assert(
      fc.property(doc, (text) => isCleanFailure(attempt(text))),
      params,
    );
  });
});
