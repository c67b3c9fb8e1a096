// Opens generated reports in headless Chromium (Debian's /usr/bin/chromium, installed by
// .ci/run) and checks what a person would see: every chart drawn with the expected
// series and points, no console error, and no network request at all.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { renderReport } from '../../src/report/render.ts';
import type { ReportInput } from '../../src/report/types.ts';
import { RandomSampler } from '../../src/samplers/random.ts';
import { searchSpace } from '../../src/space/parse.ts';
import { sweep } from '../../src/sweep/engine.ts';
import { browserSkip, launchBrowser } from '../helpers/browser.ts';
import { sampleAutomlInput, sampleSweepInput } from './sample-inputs.ts';

const skip = browserSkip;
const screenshots = process.env.MLSWEEP_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'mlsweep-screens-'));

interface ChartState {
  id: string;
  series: Array<{ type: string; points: number }>;
  inkedPixels: number;
}

describe('HTML reports in a browser', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(input: ReportInput, name: string) {
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-report-'));
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderReport(input));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-rendered]');
    const charts: ChartState[] = await page.evaluate(() => {
      // runs in the page; typed structurally since this project compiles without the DOM lib
      interface Canvas {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      }
      interface Chart {
        getOption(): { series: Array<{ type: string; data?: unknown[] }> };
        getDom(): { querySelector(selector: string): Canvas };
      }
      const all = (globalThis as unknown as { mlsweepCharts: Record<string, Chart> }).mlsweepCharts;
      return Object.entries(all).map(([id, chart]) => {
        const canvas = chart.getDom().querySelector('canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
        return {
          id,
          series: chart.getOption().series.map((s) => ({ type: s.type, points: s.data?.length ?? 0 })),
          inkedPixels: inked,
        };
      });
    });
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    await page.close();
    return { charts, errors, requests };
  }

  it('draws every chart of a sweep report, offline and without errors', async () => {
    const input = await sampleSweepInput();
    const { charts, errors, requests } = await open(input, 'sweep-report');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
    const trials = input.sweep.trials;
    const completed = trials.filter((t) => t.status === 'completed').length;
    const stopped = trials.filter((t) => t.status === 'early_terminated').length;
    assert.ok(completed > 0 && stopped > 0, 'the sample sweep has completed and stopped trials');
    // history: one scatter per status present, plus the best-so-far line
    const history = byId.history!.series;
    assert.equal(history.length, 3);
    assert.equal(
      history.filter((s) => s.type === 'scatter').reduce((n, s) => n + s.points, 0),
      trials.length,
    );
    // intermediate values: one line per trial that reported
    assert.equal(byId.intermediate!.series.length, trials.length);
    // parallel coordinates: one line per completed trial
    assert.deepEqual(byId.parallel!.series, [{ type: 'parallel', points: completed }]);
    // a slice plot per parameter, each with every completed trial
    for (const id of ['slice-0', 'slice-1', 'slice-2'])
      assert.deepEqual(byId[id]!.series, [{ type: 'scatter', points: completed }]);
    for (const c of charts)
      assert.ok(c.inkedPixels > 2000, `chart ${c.id} drew nothing (${c.inkedPixels} pixels)`);
  });

  it('draws the Pareto front (scatter for two objectives, parallel coordinates for three) and the hypervolume', async () => {
    const run = (m: number) =>
      sweep({
        sampler: new RandomSampler(
          searchSpace({ x: { type: 'uniform', min_value: 0, max_value: 1 } }, 'search_space'),
          { seed: 4 },
        ),
        objectives: Array.from({ length: m }, (_, j) => ({
          goal: 'minimize' as const,
          primaryMetric: `f${j}`,
        })),
        constraints: ['size <= 0.9'],
        limits: { maxTotalTrials: 30, maxConcurrentTrials: 1 },
        trial: (p) => {
          const x = Number(p['x']);
          const f = [x, 1 - Math.sqrt(x), (x - 0.5) ** 2];
          return { ...Object.fromEntries(f.slice(0, m).map((v, j) => [`f${j}`, v])), size: x };
        },
      });
    const two = await run(2);
    const infeasible = two.trials.filter((t) => t.constraints![0]! > 0).length;
    assert.ok(infeasible > 0, 'the sample has infeasible trials');
    const { charts, errors, requests } = await open({ sweep: two }, 'pareto-2d');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
    assert.deepEqual(byId['pareto-front']!.series, [
      { type: 'scatter', points: 30 - infeasible - two.paretoFront!.length },
      { type: 'scatter', points: infeasible },
      { type: 'line', points: two.paretoFront!.length },
    ]);
    assert.deepEqual(byId.hypervolume!.series, [{ type: 'line', points: 30 }]);
    const three = await open({ sweep: await run(3) }, 'pareto-3d');
    assert.deepEqual(three.errors, []);
    const parallel = three.charts.find((c) => c.id === 'pareto-front')!;
    assert.deepEqual(
      parallel.series.map((s) => s.type),
      ['parallel', 'parallel'],
    );
    for (const c of [...charts, ...three.charts])
      assert.ok(c.inkedPixels > 2000, `chart ${c.id} drew nothing (${c.inkedPixels} pixels)`);
  });

  it('draws the AutoML charts: confusion heatmap, curves per class, feature importances', async () => {
    const input = await sampleAutomlInput();
    const { charts, errors, requests } = await open(input, 'automl-report');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
    assert.deepEqual(byId.confusion!.series, [{ type: 'heatmap', points: 9 }]);
    assert.equal(byId.roc!.series.length, 4, 'three classes and the diagonal');
    assert.equal(byId.pr!.series.length, 3);
    assert.equal(byId.calibration!.series.length, 4);
    assert.deepEqual(byId['feature-importance']!.series, [{ type: 'bar', points: 3 }]);
    for (const c of charts) assert.ok(c.inkedPixels > 2000, `chart ${c.id} drew nothing`);
  });
});
