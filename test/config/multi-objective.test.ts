// The extensions beyond Azure in sweep files: `objectives`, `constraints`, `warm_start`,
// their translation into sweep() options, and errors that name the file, line and column.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSweepFile, parseSweep } from '../../src/config/load.ts';
import { sweepOptionsFromSpec } from '../../src/config/sweep-options.ts';
import { sweep } from '../../src/sweep/engine.ts';

const base = `type: sweep
trial:
  command: echo \${{search_space.x}}
search_space:
  x: { type: uniform, min_value: 0, max_value: 1 }
sampling_algorithm: random
`;

describe('sweep files: objectives, constraints, warm_start', () => {
  it('reads several objectives (the first is the objective), constraints and warm_start', () => {
    const spec = parseSweep(
      `${base}objectives:
  - { primary_metric: accuracy, goal: maximize }
  - { primary_metric: latency_ms, goal: Minimize }
constraints: ["model_size_mb <= 50", "accuracy >= 0.5"]
warm_start: [abc123, def456]
`,
      { file: 'mo.yml' },
    );
    assert.deepEqual(spec.objective, { goal: 'maximize', primaryMetric: 'accuracy' });
    assert.deepEqual(spec.objectives, [
      { goal: 'maximize', primaryMetric: 'accuracy' },
      { goal: 'minimize', primaryMetric: 'latency_ms' },
    ]);
    assert.deepEqual(
      spec.constraints?.map((c) => [c.metric, c.op, c.bound]),
      [
        ['model_size_mb', '<=', 50],
        ['accuracy', '>=', 0.5],
      ],
    );
    assert.deepEqual(spec.warmStart, ['abc123', 'def456']);
    const options = sweepOptionsFromSpec(spec, { warmStart: ['abc123', 'x9'], store: '/tmp/store' });
    assert.equal(options.objective, undefined);
    assert.equal(options.objectives?.length, 2);
    assert.equal(options.constraints?.length, 2);
    assert.deepEqual(options.warmStart, { sweeps: ['abc123', 'def456', 'x9'], store: '/tmp/store' });
  });

  it('trade_off and hypervolume_reference: one number per objective, only with objectives', () => {
    const two = `${base}objectives:\n  - { primary_metric: a, goal: maximize }\n  - { primary_metric: b, goal: minimize }\n`;
    const spec = parseSweep(
      `${two}trade_off: { rule: weighted, weights: [0.7, 0.3] }\nhypervolume_reference: [0, 10]\n`,
    );
    assert.deepEqual(spec.tradeOff, { rule: 'weighted', weights: [0.7, 0.3] });
    assert.deepEqual(spec.hypervolumeReference, [0, 10]);
    const options = sweepOptionsFromSpec(spec);
    assert.deepEqual([options.tradeOff, options.hypervolumeReference], [spec.tradeOff, [0, 10]]);
    assert.deepEqual(parseSweep(`${two}trade_off: Ideal\n`).tradeOff, { rule: 'ideal' });
    assert.throws(
      () => parseSweep(`${two}trade_off: { rule: weighted, weights: [1] }\n`, { file: 't.yml' }),
      /t\.yml:line 10: trade_off\.weights: needs one weight per objective \(2\), got 1/,
    );
    assert.throws(
      () => parseSweep(`${two}hypervolume_reference: [1, 2, 3]\n`, { file: 't.yml' }),
      /t\.yml:line 10: hypervolume_reference: needs one coordinate per objective \(2\), got 3/,
    );
    assert.throws(
      () =>
        parseSweep(`${base}objective: { primary_metric: a, goal: maximize }\ntrade_off: knee\n`, {
          file: 't.yml',
        }),
      /t\.yml:line 8, column 12: trade_off: applies to several objectives/,
    );
    assert.throws(
      () => parseSweep(`${two}trade_off: elbow\n`, { file: 't.yml' }),
      /t\.yml:line 10, column 12: trade_off: unknown rule 'elbow'; expected knee, ideal, or \{ rule: weighted/,
    );
  });

  it('a single objective file is as before', () => {
    const spec = parseSweep(`${base}objective: { primary_metric: loss, goal: minimize }\n`);
    assert.equal(spec.objectives, undefined);
    assert.equal(spec.constraints, undefined);
    assert.equal(spec.warmStart, undefined);
    const options = sweepOptionsFromSpec(spec);
    assert.deepEqual(options.objective, { goal: 'minimize', primaryMetric: 'loss' });
    assert.equal('objectives' in options, false);
  });

  it('a bad constraint names the file, line and the column where the problem starts', () => {
    const text = `${base}objective: { primary_metric: loss, goal: minimize }
constraints:
  - model_size_mb <= 50
  - "latency =< 3"
`;
    assert.throws(
      () => parseSweep(text, { file: 'c.yml' }),
      (e: Error) => {
        assert.equal(
          e.message,
          "c.yml:line 10, column 14: constraints[1]: 'latency =< 3': expected <= or >= after 'latency', got '=<'",
        );
        return true;
      },
    );
    assert.throws(
      () =>
        parseSweep(
          `${base}objective: { primary_metric: loss, goal: minimize }\nconstraints: [size <= big]\n`,
          { file: 'c.yml' },
        ),
      /c\.yml:line 8, column 23: constraints\[0\]: 'size <= big': expected a number after '<=', got 'big'$/,
    );
    assert.throws(
      () =>
        parseSweep(`${base}objective: { primary_metric: loss, goal: minimize }\nconstraints: [3]\n`, {
          file: 'c.yml',
        }),
      /c\.yml:line 8, column 15: constraints\[0\]: a constraint is a string/,
    );
  });

  it('objective and objectives together, neither, a bad goal, or a metric twice are ConfigErrors with the place', () => {
    assert.throws(
      () =>
        parseSweep(
          `${base}objective: { primary_metric: loss, goal: minimize }\nobjectives: [{ primary_metric: loss, goal: minimize }]\n`,
          { file: 'o.yml' },
        ),
      /o\.yml:line 8: objectives: give objective or objectives/,
    );
    assert.throws(
      () => parseSweep(base, { file: 'o.yml' }),
      /o\.yml:line 1: objective: missing required key 'objective'/,
    );
    assert.throws(
      () => parseSweep(`${base}objectives:\n  - { primary_metric: a, goal: maximise }\n`, { file: 'o.yml' }),
      /o\.yml:line 8, column 32: objectives\[0\]\.goal: expected 'maximize' or 'minimize', got 'maximise'/,
    );
    assert.throws(
      () =>
        parseSweep(
          `${base}objectives:\n  - { primary_metric: a, goal: maximize }\n  - { primary_metric: a, goal: minimize }\n`,
          {
            file: 'o.yml',
          },
        ),
      /o\.yml:line 9, column 23: objectives\[1\]\.primary_metric: 'a' is already an objective$/,
    );
    assert.throws(
      () =>
        parseSweep(`${base}objective: { primary_metric: a, goal: maximize }\nwarm_start: abc\n`, {
          file: 'w.yml',
        }),
      /w\.yml:line 8, column 13: warm_start: expected a list, got 'abc'/,
    );
  });

  it('examples/multi-objective.yml runs: a Pareto front of feasible trials and its hypervolume', async () => {
    const file = fileURLToPath(new URL('../../examples/multi-objective.yml', import.meta.url));
    const result = await sweep(sweepOptionsFromSpec(loadSweepFile(file), { maxTotalTrials: 8 }));
    assert.equal(result.counts.completed, 8, result.trials.find((t) => t.error)?.error);
    assert.ok(result.paretoFront!.length >= 1);
    for (const t of result.paretoFront!) {
      assert.equal(t.constraints![0]! <= 0, true);
      assert.equal(t.values!.length, 2);
    }
    assert.ok(result.hypervolume!.value > 0);
  });
});
