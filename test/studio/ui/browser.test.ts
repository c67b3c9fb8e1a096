// The studio's core pages in headless Chromium over the sample store: each loads with no
// console error and no request leaving the machine; runs and metric points written by
// another process appear without a reload; filter, sort and compare work by keyboard and
// by mouse. With MLSWEEP_SCREENSHOTS=DIR, each page is saved there as PAGE.png (1280x800).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkip,
  launchBrowser,
  pageReady,
  startStudio,
  type TestStudio,
  type WatchedPage,
  watchedPage,
} from '../../helpers/browser.ts';
import { startLiveLogger } from './live-process.ts';
import { fillSampleStore, SAMPLE_RUNS, type SampleStore } from './sample-store.ts';

const screenshots = process.env.MLSWEEP_SCREENSHOTS;

describe('studio core pages in Chromium', { skip: browserSkip }, () => {
  let browser: Browser;
  let studio: TestStudio;
  let sample: SampleStore;
  const opened: WatchedPage[] = [];

  before(async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mlsweep-studio-browser-'));
    studio = await startStudio({
      watch: { intervalMs: 250 },
      prepare: (store) => {
        sample = fillSampleStore(store, scratch);
      },
    });
    browser = await launchBrowser();
    if (screenshots) mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
  });

  async function open(hash: string, name: string): Promise<WatchedPage> {
    const watched = await watchedPage(browser);
    opened.push(watched);
    await watched.page.goto(`${studio.url}/studio/#${hash}`);
    await pageReady(watched.page, name);
    return watched;
  }

  async function clean(watched: WatchedPage, shot?: string): Promise<void> {
    if (screenshots && shot) await watched.page.screenshot({ path: join(screenshots, `${shot}.png`) });
    assert.deepEqual(watched.errors, [], 'no console error');
    assert.deepEqual(watched.foreignRequests, [], 'no request leaves the machine');
    await watched.close();
  }

  const rowNames = (page: Page) =>
    page.$$eval('[data-page="runs"] tbody tr td:nth-child(2) a', (links) =>
      links.map((a) => a.textContent ?? ''),
    );

  it('experiments: every experiment with its run count', async () => {
    const watched = await open('/experiments', 'experiments');
    const text = await watched.page.textContent('[data-page="experiments"] table');
    assert.match(text ?? '', /iris/);
    assert.match(text ?? '', new RegExp(String(SAMPLE_RUNS)));
    assert.equal(await watched.page.title(), 'Experiments · mlsweep studio');
    await clean(watched, 'experiments');
  });

  it('runs: the first page, the total, the chosen columns', async () => {
    const watched = await open(`/runs?experiment=${sample.irisId}`, 'runs');
    const { page } = watched;
    await page.waitForFunction(
      `document.querySelector('.pager .count')?.textContent === '1–30 of ${SAMPLE_RUNS}'`,
    );
    assert.equal((await rowNames(page))[0], 'run-29');
    const headers = await page.$$eval('[data-page="runs"] thead th', (ths) =>
      ths.map((th) => th.textContent),
    );
    assert.ok(headers.includes('metric acc') && headers.includes('param depth'), headers.join(','));
    await clean(watched, 'runs');
  });

  it('run: parameters, a chart per metric, lineage, artifacts and the log', async () => {
    const watched = await open(`/run?id=${sample.richRun}`, 'run');
    const { page } = watched;
    await page.waitForSelector('[data-metric="acc"][data-points="5"] canvas');
    await page.waitForSelector('[data-metric="loss"][data-points="5"] canvas');
    assert.match((await page.textContent('[data-region="params"]')) ?? '', /depth/);
    assert.match((await page.textContent('[data-region="lineage"]')) ?? '', /iris-train[\s\S]*iris-rf v1/);
    const href = await page.getAttribute('[data-region="artifacts"] a[download="model.json"]', 'href');
    assert.equal(href, `/studio/api/runs/${sample.richRun}/artifacts/file?path=model%2Fmodel.json`);
    assert.match((await page.textContent('[data-region="logs"] pre')) ?? '', /epoch 2 loss 0\.5/);
    await clean(watched, 'run');
  });

  it('compare: overlay, parallel coordinates and parameter importance', async () => {
    const watched = await open(`/compare?runs=${sample.runIds.join(',')}&metric=acc`, 'compare');
    const { page } = watched;
    await page.waitForSelector('[data-chart="compare:acc"] canvas');
    await page.waitForSelector('[data-chart="compare:parallel"] canvas');
    await page.waitForSelector('[data-chart="compare:importance"] canvas');
    const series = await page.evaluate(() => {
      const charts = (
        globalThis as unknown as { mlsweepCharts: Record<string, { getOption(): { series: unknown[] } }> }
      ).mlsweepCharts;
      return {
        overlay: charts['compare:acc']!.getOption().series.length,
        parallel: (charts['compare:parallel']!.getOption().series[0] as { data: unknown[] }).data.length,
      };
    });
    assert.deepEqual(series, { overlay: SAMPLE_RUNS, parallel: SAMPLE_RUNS });
    await clean(watched, 'compare');
  });

  it('audit: the writes made through the studio', async () => {
    const done = await studio.api('PATCH', `/runs/${sample.runIds[1]}`, {
      body: { tags: { reviewed: 'yes' } },
      headers: { 'x-mlsweep-studio': '1' },
    });
    assert.equal(done.status, 200);
    const watched = await open('/audit', 'audit');
    assert.match((await watched.page.textContent('[data-page="audit"] tbody')) ?? '', /run\.update/);
    await clean(watched, 'audit');
  });

  it('filter, sort and compare by keyboard', async () => {
    const watched = await open(`/runs?experiment=${sample.irisId}`, 'runs');
    const { page } = watched;
    await page.focus('input[name="filter"]');
    await page.keyboard.type("params.kind = 'gb'");
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-page="runs"][data-ready="true"]');
    await page.waitForFunction("document.querySelector('.pager .count')?.textContent === '1–10 of 10'");
    assert.ok(page.url().includes('filter='), 'the filter is in the URL');
    await page.focus('button[data-sort-key="name"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('th[aria-sort="descending"] button[data-sort-key="name"]');
    await page.waitForSelector('[data-page="runs"][data-ready="true"]');
    await page.keyboard.press('Space');
    await page.waitForSelector('th[aria-sort="ascending"] button[data-sort-key="name"]');
    await page.waitForSelector('[data-page="runs"][data-ready="true"]');
    assert.deepEqual((await rowNames(page)).slice(0, 3), ['run-00', 'run-03', 'run-06']);
    await page.focus('[data-page="runs"] tbody tr');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    assert.equal(await page.isEnabled('button[data-action="compare"]'), true);
    await page.focus('button[data-action="compare"]');
    await page.keyboard.press('Enter');
    await pageReady(page, 'compare');
    assert.equal(
      await page.$$eval('[data-region="values"] thead th a', (links) =>
        links.map((a) => a.textContent).join(','),
      ),
      'run-00,run-03',
    );
    // Enter on a focused row opens the run
    await page.goBack();
    await pageReady(page, 'runs');
    await page.focus('[data-page="runs"] tbody tr');
    await page.keyboard.press('Enter');
    await pageReady(page, 'run');
    await clean(watched);
  });

  it('filter, sort and compare by mouse', async () => {
    const watched = await open(`/runs?experiment=${sample.irisId}`, 'runs');
    const { page } = watched;
    await page.fill('input[name="filter"]', 'metrics.acc > 0.7');
    await page.press('input[name="filter"]', 'Enter');
    await page.waitForSelector('[data-page="runs"][data-ready="true"]');
    await page.click('button[data-sort-key="metrics.acc"]');
    await page.waitForSelector('th[aria-sort="descending"] button[data-sort-key="metrics.acc"]');
    await page.waitForSelector('[data-page="runs"][data-ready="true"]');
    const header = await page.$$eval('[data-page="runs"] thead th', (ths) =>
      ths.map((th) => th.textContent ?? ''),
    );
    const column = header.findIndex((text) => text.startsWith('metric acc'));
    const cells = await page.$$eval('[data-page="runs"] tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
    const accs = cells.map((row) => Number(row[column]));
    assert.ok(accs.length > 0);
    assert.deepEqual(
      accs,
      [...accs].sort((a, b) => b - a),
    );
    assert.ok(accs.every((v) => v > 0.7));
    // the column chooser: add the tag column, drop a param column
    await page.click('.chooser summary');
    await page.click('.chooser input[value="tags.team"]');
    await page.click('.chooser input[value="params.lr"]');
    await page.waitForSelector('[data-page="runs"] thead button[data-sort-key="tags.team"]');
    assert.equal(await page.$('[data-page="runs"] thead button[data-sort-key="params.lr"]'), null);
    assert.match(page.url(), /cols=/);
    await page.click('.chooser summary');
    const boxes = await page.$$('[data-page="runs"] tbody input[type="checkbox"]');
    await boxes[0]!.click();
    await boxes[1]!.click();
    await boxes[2]!.click();
    await page.click('button[data-action="compare"]');
    await pageReady(page, 'compare');
    assert.equal(await page.$$eval('[data-region="values"] thead th a', (links) => links.length), 3);
    await clean(watched);
  });

  it('shows a run and its metric points written by another process, without a reload', async () => {
    const watched = await open('/runs', 'runs');
    const { page } = watched;
    const logger = await startLiveLogger(studio.storeDir, 'live-from-elsewhere');
    try {
      await page.waitForSelector('[data-page="runs"] tbody a:text("live-from-elsewhere")');
      await page.click('[data-page="runs"] tbody a:text("live-from-elsewhere")');
      await pageReady(page, 'run');
      await page.waitForSelector('[data-metric="loss"][data-points="1"]');
      await logger.step();
      await page.waitForSelector('[data-metric="loss"][data-points="2"]');
      await logger.step();
      await page.waitForSelector('[data-metric="loss"][data-points="3"]');
      await logger.finish();
    } finally {
      logger.kill();
    }
    await clean(watched);
  });
});

describe('studio behind a key, in Chromium', { skip: browserSkip }, () => {
  it('sends a browser without the session to the login form, and in with the right key', async () => {
    const key = 'browser-key-4321';
    const studio = await startStudio({ key, watch: false });
    const browser = await launchBrowser();
    try {
      const watched = await watchedPage(browser);
      const { page } = watched;
      await page.goto(`${studio.url}/studio/#/runs`);
      await page.waitForURL(`${studio.url}/studio/login`);
      await page.fill('input[name="key"]', 'not-the-key');
      await page.press('input[name="key"]', 'Enter');
      await page.waitForSelector('p[role="alert"]');
      await page.fill('input[name="key"]', key);
      await page.click('button[type="submit"]');
      await page.waitForURL(`${studio.url}/studio/`);
      await page.goto(`${studio.url}/studio/#/runs`);
      await pageReady(page, 'runs');
      await page.waitForSelector('#live-state.on');
      assert.deepEqual(watched.foreignRequests, []);
      // the wrong key's 401 and the first API call's 401 are the only errors the console saw
      assert.ok(
        watched.errors.every((e) => /401/.test(e)),
        watched.errors.join('\n'),
      );
      await watched.close();
    } finally {
      await browser.close();
      await studio.close();
    }
  });
});
