import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.ts';
import { escapeHtml, scriptJson } from '../../src/report/html.ts';
import { MIN_TRIALS_FOR_IMPORTANCE, parameterImportance } from '../../src/report/importance.ts';
import { readReportInput } from '../../src/report/load.ts';
import { paramScales } from '../../src/report/param-scales.ts';
import { renderReport } from '../../src/report/render.ts';
import { bestSoFar } from '../../src/report/sweep-charts.ts';
import { formatNumber } from '../../src/report/tables.ts';
import type { TrialResult } from '../../src/sweep/types.ts';
import { SPACE, sampleAutomlInput, sampleSweepInput } from './sample-inputs.ts';

const trial = (id: number, value: number | undefined, status: TrialResult['status'] = 'completed') =>
  ({ id, value, status, params: {}, intermediate: [], metrics: {} }) as unknown as TrialResult;

describe('report building blocks', () => {
  it('tracks the best completed value so far, for both goals', () => {
    const trials = [trial(0, 0.5), trial(1, 0.7, 'early_terminated'), trial(2, 0.6), trial(3, 0.4)];
    assert.deepEqual(bestSoFar(trials, 'maximize'), [
      [0, 0.5],
      [1, 0.5],
      [2, 0.6],
      [3, 0.6],
    ]);
    assert.deepEqual(bestSoFar(trials, 'minimize').at(-1), [3, 0.4]);
  });

  it('never takes a NaN value as the best so far (the one NaN rule of core/goal.ts)', () => {
    const trials = [trial(0, Number.NaN), trial(1, 0.3), trial(2, Number.NaN), trial(3, 0.2)];
    assert.deepEqual(bestSoFar(trials, 'minimize'), [
      [1, 0.3],
      [2, 0.3],
      [3, 0.2],
    ]);
  });

  it('uses log axes for log-distributions, categories for strings, linear otherwise', () => {
    const trials = [
      { ...trial(0, 1), params: { lr: 0.01, depth: 3, kind: 'b' } },
      { ...trial(1, 1), params: { lr: 0.001, depth: 5, kind: 'a' } },
    ] as TrialResult[];
    assert.deepEqual(paramScales(trials, SPACE), {
      depth: { kind: 'linear' },
      kind: { kind: 'category', values: ['a', 'b'] },
      lr: { kind: 'log' },
    });
    assert.deepEqual(paramScales(trials).lr, { kind: 'linear' });
  });

  it('finds log-distributions inside conditional sub-spaces and in expression strings', () => {
    const space = {
      model: { type: 'choice', values: [{ name: 'gbm', lr: 'loguniform(-7, -1)' }, { name: 'rf' }] },
    } as const;
    const trials = [{ ...trial(0, 1), params: { model: 0, 'model.lr': 0.01 } }] as TrialResult[];
    assert.deepEqual(paramScales(trials, space as never)['model.lr'], { kind: 'log' });
  });

  it('ranks the parameter that drives the objective first, and needs enough trials', () => {
    const trials = Array.from({ length: 40 }, (_, i) => {
      const a = (i * 37) % 40;
      const b = (i * 11) % 7;
      return { ...trial(i, Math.sin(a / 6) * 10 + (b % 2) * 0.01), params: { a, b, c: i % 2 ? 'x' : 'y' } };
    }) as TrialResult[];
    const result = parameterImportance(trials, paramScales(trials))!;
    const [top, ...rest] = [...result.values].sort((x, y) => y.importance - x.importance);
    assert.equal(top!.name, 'a');
    assert.ok(top!.importance > 0.8, `a explains the objective, got ${top!.importance}`);
    assert.ok(Math.abs(result.values.reduce((s, v) => s + v.importance, 0) - 1) < 1e-9);
    assert.ok(rest.every((v) => v.importance < 0.2));
    assert.match(result.method, /random forest fitted to the 40 completed trials/);
    assert.equal(
      parameterImportance(trials.slice(0, MIN_TRIALS_FOR_IMPORTANCE - 1), paramScales(trials)),
      undefined,
    );
  });

  it('formats numbers for people', () => {
    assert.equal(formatNumber(12), '12');
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(0.0000123), '1.230e-5');
  });

  it('keeps embedded data from closing the script element', () => {
    assert.equal(scriptJson({ a: '</script><b>' }), '{"a":"\\u003c/script>\\u003cb>"}');
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
  });
});

describe('renderReport', () => {
  it('writes one self-contained page with every sweep section and the chart library inlined', async () => {
    const html = renderReport(await sampleSweepInput());
    for (const title of [
      'Summary',
      'Optimization history',
      'Intermediate values',
      'Parallel coordinates',
      'Slice: lr',
      'All trials (30)',
    ]) {
      assert.ok(html.includes(title), `missing ${title}`);
    }
    assert.ok(html.includes('echarts'), 'ECharts is inlined');
    assert.ok(!/<script[^>]+src=/i.test(html), 'no external script');
    assert.ok(!/<link[^>]+href=/i.test(html), 'no external stylesheet');
    assert.ok(Buffer.byteLength(html) < 3 * 1024 * 1024, 'under 3 MB');
  });

  it('adds the AutoML sections: leaderboard, confusion matrix, curves and feature importances', async () => {
    const html = renderReport(await sampleAutomlInput());
    for (const title of [
      'Leaderboard',
      'Confusion matrix',
      'ROC curve',
      'Precision-recall curve',
      'Calibration',
      'Feature importances',
    ]) {
      assert.ok(html.includes(title), `missing ${title}`);
    }
  });

  it('escapes parameter values and errors in the trials table', async () => {
    const input = await sampleSweepInput();
    const first = input.sweep.trials[0]!;
    const tampered = {
      ...input,
      sweep: { ...input.sweep, trials: [{ ...first, error: '<img src=x onerror=alert(1)>' }] },
    };
    const html = renderReport(tampered);
    assert.ok(!html.includes('<img src=x'));
    assert.ok(html.includes('&#60;img src=x'));
  });
});

describe('readReportInput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-report-'));

  it('reads a bare sweep result and a report input', async () => {
    const input = await sampleSweepInput();
    writeFileSync(join(dir, 'bare.json'), JSON.stringify(input.sweep));
    writeFileSync(join(dir, 'full.json'), JSON.stringify(input));
    assert.equal(readReportInput(join(dir, 'bare.json')).sweep.trials.length, 30);
    assert.deepEqual(readReportInput(join(dir, 'full.json')).space, SPACE);
  });

  it('names the file and the problem for unreadable, malformed and foreign JSON', () => {
    writeFileSync(join(dir, 'bad.json'), '{"sweep": ');
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    assert.throws(() => readReportInput(join(dir, 'missing.json')), /cannot read .*missing\.json/);
    assert.throws(
      () => readReportInput(join(dir, 'bad.json')),
      (e: unknown) => e instanceof DataError && /bad\.json is not valid JSON/.test(e.message),
    );
    assert.throws(() => readReportInput(join(dir, 'other.json')), /other\.json holds neither a sweep result/);
  });
});
