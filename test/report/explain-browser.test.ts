// The explanation sections of an AutoML report in headless Chromium (as browser.test.ts):
// the permutation-importance chart draws one interval box per input column, with no
// console error and no network request; the contributions table is on the page.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { renderReport } from '../../src/report/render.ts';
import { browserSkip, launchBrowser } from '../helpers/browser.ts';
import { sampleAutomlInput } from './sample-inputs.ts';

const skip = browserSkip;

describe('explanation sections in a browser', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('draws the importance intervals and lists the contributions', async () => {
    const base = await sampleAutomlInput();
    const input = {
      ...base,
      automl: {
        ...base.automl!,
        inputImportance: {
          method: 'Drop of accuracy on 30 held-out rows when one input column is shuffled.',
          metric: 'accuracy',
          baseline: 0.96,
          confidence: 0.95,
          columns: [
            { column: 'petal_width_cm', mean: 0.31, low: 0.25, high: 0.37 },
            { column: 'petal_length_cm', mean: 0.18, low: 0.12, high: 0.24 },
            { column: 'sepal_length_cm', mean: 0.01, low: -0.01, high: 0.03 },
          ],
        },
        contributionSample: {
          method: 'exact TreeSHAP',
          output: 'probability of the predicted class',
          rows: [
            {
              row: 1,
              prediction: 'setosa',
              expectedValue: 0.33,
              contributions: [{ column: 'petal_width_cm', value: '0.2', contribution: 0.41 }],
            },
          ],
        },
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-explain-report-'));
    const file = join(dir, 'report.html');
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
    const chart = await page.evaluate(() => {
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
      const c = (globalThis as unknown as { mlsweepCharts: Record<string, Chart> }).mlsweepCharts[
        'input-importance'
      ]!;
      const canvas = c.getDom().querySelector('canvas');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
      return {
        series: c.getOption().series.map((s) => ({ type: s.type, points: s.data?.length ?? 0 })),
        inked,
      };
    });
    const text = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { body: { textContent: string } } }).document.body.textContent,
    );
    if (process.env.MLSWEEP_SCREENSHOTS)
      await page.screenshot({
        path: join(process.env.MLSWEEP_SCREENSHOTS, 'explain-report.png'),
        fullPage: true,
      });
    await page.close();
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    assert.deepEqual(chart.series, [{ type: 'boxplot', points: 3 }]);
    assert.ok(chart.inked > 2000, `the chart drew nothing (${chart.inked} pixels)`);
    assert.ok(
      text.includes('Per-row contributions') && text.includes('petal_width_cm') && text.includes('0.41'),
    );
  });
});
