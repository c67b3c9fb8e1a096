import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { choice, loguniform, parseExpression, randint, searchSpace, uniform } from '../../src/space/index.ts';

const conditional = () =>
  searchSpace({
    lr: 'loguniform(-9, -2)',
    model: choice([
      { name: 'rf', trees: randint(500), depth: 'choice(4, 8, 16)' },
      { name: 'lr', C: { type: 'loguniform', min_value: -5, max_value: 5 } },
      'none',
    ]),
  });

describe('search space forms', () => {
  it('reads the object, expression and instance forms alike', () => {
    const a = searchSpace({
      x: { type: 'uniform', min_value: 0, max_value: 2 },
      k: { type: 'choice', values: [1, 2] },
    });
    const b = searchSpace({ x: 'uniform(0, 2)', k: 'choice(1, 2)' });
    const c = searchSpace({ x: uniform(0, 2), k: choice([1, 2]) });
    assert.deepEqual(a.toJSON(), b.toJSON());
    assert.deepEqual(b.toJSON(), c.toJSON());
  });

  it('parses expressions by position, by name, with lists, quotes and booleans', () => {
    assert.deepEqual(parseExpression('uniform(0.0001, 0.01)', 'x'), {
      type: 'uniform',
      min_value: 0.0001,
      max_value: 0.01,
    });
    assert.deepEqual(parseExpression('quniform(min_value=1, max_value=5, q=0.5)', 'x'), {
      type: 'quniform',
      min_value: 1,
      max_value: 5,
      q: 0.5,
    });
    assert.deepEqual(parseExpression('choice(\'sgd\', "adam", relu, True, -1e-3)', 'x'), {
      type: 'choice',
      values: ['sgd', 'adam', 'relu', true, -0.001],
    });
    assert.deepEqual(parseExpression('choice([16, 32])', 'x'), { type: 'choice', values: [16, 32] });
  });

  it('keeps non-expression strings, numbers and booleans as constants', () => {
    const s = searchSpace({ name: 'rf', n: 3, flag: false, x: 'uniform(0, 1)' });
    assert.equal(s.dimensions, 1);
    assert.deepEqual(s.fromUnit([0.25]), { name: 'rf', n: 3, flag: false, x: 0.25 });
  });

  it('round-trips through toJSON', () => {
    const s = conditional();
    assert.deepEqual(searchSpace(JSON.parse(JSON.stringify(s.toJSON()))).toJSON(), s.toJSON());
  });
});

describe('conditional spaces', () => {
  it('number every distribution of every branch as one unit-cube coordinate', () => {
    const s = conditional();
    assert.equal(s.dimensions, 5);
    assert.deepEqual(
      s.parameters.map((p) => [p.path, p.dimension, p.condition?.option ?? null]),
      [
        ['lr', 0, null],
        ['model', 1, null],
        ['model.name', -1, 0],
        ['model.trees', 2, 0],
        ['model.depth', 3, 0],
        ['model.name', -1, 1],
        ['model.C', 4, 1],
      ],
    );
  });

  it('record the chosen option index and only the active branch', () => {
    const s = conditional();
    assert.deepEqual(s.fromUnit([0, 0.1, 0.5, 0.99, 0.5]), {
      lr: Math.exp(-9),
      model: 0,
      'model.name': 'rf',
      'model.trees': 250,
      'model.depth': 16,
    });
    assert.deepEqual(s.fromUnit([0, 0.5, 0.5, 0.5, 0.5]), {
      lr: Math.exp(-9),
      model: 1,
      'model.name': 'lr',
      'model.C': 1,
    });
    assert.deepEqual(s.fromUnit([0, 0.9, 0.5, 0.5, 0.5]), { lr: Math.exp(-9), model: 2 });
  });

  it('nest() gives the chosen sub-object or value', () => {
    const s = conditional();
    assert.deepEqual(s.nest({ lr: 0.1, model: 1, 'model.name': 'lr', 'model.C': 2 }), {
      lr: 0.1,
      model: { name: 'lr', C: 2 },
    });
    assert.deepEqual(s.nest({ lr: 0.1, model: 2 }), { lr: 0.1, model: 'none' });
  });

  it('contains() accepts exactly the sets the space produces', () => {
    const s = conditional();
    const rng = seedrandom('contains');
    for (let i = 0; i < 200; i++) assert.ok(s.contains(s.sample(rng)));
    assert.equal(s.contains({ lr: 0.001, model: 2 }), true);
    assert.equal(s.contains({ lr: 0.001, model: 2, 'model.C': 1 }), false, 'extra key of an inactive branch');
    assert.equal(s.contains({ lr: 0.001, model: 1, 'model.name': 'lr' }), false, 'missing key');
    assert.equal(s.contains({ lr: 0.5, model: 2 }), false, 'lr above exp(-2)');
    assert.equal(s.contains({ lr: 0.001, model: 3 }), false, 'no option 3');
  });

  it('sample is deterministic for a seed', () => {
    const s = conditional();
    const a = Array.from(
      { length: 20 },
      (
        (rng) => () =>
          s.sample(rng)
      )(seedrandom('7')),
    );
    const b = Array.from(
      { length: 20 },
      (
        (rng) => () =>
          s.sample(rng)
      )(seedrandom('7')),
    );
    assert.deepEqual(a, b);
  });
});

describe('search space errors name the parameter path and the value', () => {
  const cases: Array<[unknown, string]> = [
    [
      { lr: { type: 'unifrom', min_value: 0, max_value: 1 } },
      "search_space.lr.type: unknown distribution type 'unifrom'; did you mean 'uniform'?",
    ],
    [
      { lr: { type: 'gaussian', mu: 0 } },
      "search_space.lr.type: unknown distribution type 'gaussian'; expected one of choice, randint, uniform, loguniform, quniform, qloguniform, normal, lognormal, qnormal, qlognormal",
    ],
    [
      { lr: { min_value: 0, max_value: 1 } },
      'search_space.lr: needs a type (one of choice, randint, uniform, loguniform, quniform, qloguniform, normal, lognormal, qnormal, qlognormal), got a mapping with keys min_value, max_value',
    ],
    [
      { lr: 'uniform(0.1, 0.01)' },
      'search_space.lr: uniform needs min_value < max_value, got min_value 0.1 and max_value 0.01',
    ],
    [
      { lr: { type: 'uniform', min_value: 0, max_valeu: 1 } },
      "search_space.lr.max_valeu: uniform has no parameter 'max_valeu'; did you mean 'max_value'?",
    ],
    [{ lr: { type: 'uniform', min_value: 0 } }, 'search_space.lr: uniform needs max_value, which is missing'],
    [{ k: { type: 'choice', values: 5 } }, 'search_space.k.values: choice needs a list of values, got 5'],
    [
      { k: { type: 'choice', values: [] } },
      'search_space.k: choice needs at least one value, got an empty list',
    ],
    [
      { k: [1, 2, 3] },
      'search_space.k: got the list [1,2,3]; a list of options is written {type: choice, values: [...]}',
    ],
    [{ k: null }, 'search_space.k: expected a distribution or a value, got nothing'],
    [{ s: { type: 'normal', mu: 0, sigma: 0 } }, 'search_space.s: normal needs sigma > 0, got sigma 0'],
    [
      { n: { type: 'randint', upper: 0 } },
      'search_space.n: randint needs an integer upper >= 1, got upper 0',
    ],
    [
      { n: { type: 'randint', upper: '5' } },
      "search_space.n: randint needs a finite number for upper, got '5'",
    ],
    [
      { m: { type: 'choice', values: [{ a: { type: 'qnormal', mu: 0, sigma: 1, q: 0 } }] } },
      'search_space.m.values[0].a: qnormal needs q > 0, got q 0',
    ],
    [
      { m: { type: 'choice', values: [[1, 2]] } },
      'search_space.m.values[0]: a choice option is a number, string, boolean or sub-space mapping, got the list [1,2]',
    ],
    [
      { x: 'uniform(0, 1' },
      `search_space.x: cannot read the expression "uniform(0, 1": expected ')' at column 13`,
    ],
    [
      { x: 'unifrom(0, 1)' },
      "search_space.x.type: unknown distribution type 'unifrom'; did you mean 'uniform'?",
    ],
    [
      { x: 'uniform(0, 1, 2)' },
      'search_space.x: uniform takes 2 arguments (min_value, max_value), got 3 in "uniform(0, 1, 2)"',
    ],
    [
      { 'a.b': 'uniform(0, 1)' },
      "search_space.a.b: parameter names must be non-empty and contain no '.', got 'a.b'",
    ],
    [5, 'search_space: a search space is a mapping of parameter names to distributions, got 5'],
  ];
  for (const [definition, message] of cases) {
    it(message, () => {
      assert.throws(
        () => searchSpace(definition, 'search_space'),
        (e: Error & { path?: string }) => {
          assert.equal(e.message, message);
          assert.ok(e.path?.startsWith('search_space'));
          return true;
        },
      );
    });
  }

  it('fromUnit checks the point has every coordinate', () => {
    assert.throws(
      () => searchSpace({ a: loguniform(0, 1), b: uniform(0, 1) }).fromUnit([0.5]),
      /needs a point with 2 coordinates, got 1/,
    );
  });
});
