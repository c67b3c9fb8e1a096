// The studio's domain pages in headless Chromium over a real server: each page loads with
// no console error and no request leaving the machine; a sweep page shows a trial told by
// another writer without a reload; moving an alias asks first (cancel leaves it, confirm
// moves it and the audit log says who and when); traffic edits are confirmed and refused
// when they do not sum to 100; the pipeline graph shows each step's status. With
// MLSWEEP_SCREENSHOTS=docs/studio the main pages are saved there (1280x800 PNG).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { SqliteSweepStore } from '../../../src/store/sqlite-sweep-store.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import {
  browserSkip,
  launchBrowser,
  pageReady,
  startStudio,
  UI_WAIT_MS,
  type WatchedPage,
  watchedPage,
} from '../../helpers/browser.ts';
import { openEvents } from '../../helpers/event-stream.ts';
import { sqliteSkip } from '../../helpers/sqlite.ts';
import { type DomainStudio, startDomainStudio, startGatedPipeline } from './domain-fixture.ts';

const SCREENSHOTS = process.env.MLSWEEP_SCREENSHOTS;
/** Screenshots of a long page start at this element. */
const SHOT_FOCUS: Readonly<Record<string, string>> = { 'study-pareto': '[data-part="pareto"]' };
const TELLER = fileURLToPath(new URL('./fixtures/domain-tell.ts', import.meta.url));
const execFileAsync = promisify(execFile);

/** Waits until `check` holds (polling every 50 ms), failing after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs = UI_WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('studio domain pages in Chromium', { skip: sqliteSkip || browserSkip }, () => {
  let studio: DomainStudio;
  let browser: Browser;
  const pages: WatchedPage[] = [];

  before(async () => {
    studio = await startDomainStudio('pages', { watch: { intervalMs: 200 } });
    browser = await launchBrowser();
  });
  // every open page reloads on each event: closing them keeps a slow machine's load down
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
  });

  /** Answers of 400 and above, by URL (to name what a console error is about). */
  const failed: string[] = [];

  /** Opens `#<hash>` in a new watched page and waits until `name` is drawn. */
  async function open(hash: string, name: string): Promise<WatchedPage> {
    const watched = await watchedPage(browser);
    pages.push(watched);
    watched.page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await watched.page.goto(`${studio.url}/studio/#${hash}`);
    await pageReady(watched.page, name);
    return watched;
  }

  /** Saves the page as docs/studio/<file>.png when screenshots are asked for. */
  async function shot(page: Page, file: string): Promise<void> {
    if (SCREENSHOTS === undefined) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // the part worth showing of a long page, at the top of the view
    const focus = SHOT_FOCUS[file];
    if (focus !== undefined) await page.locator(focus).evaluate((e) => e.scrollIntoView({ block: 'start' }));
    // charts draw after the data; give ECharts its frame
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SCREENSHOTS, `${file}.png`) });
  }

  it('loads every domain page with no console error and no request leaving the machine, all linked from the navigation', async () => {
    const { ids } = studio;
    const visits: Array<[string, string, string]> = [
      ['/sweeps', 'sweeps', 'sweeps'],
      [`/sweep?id=${ids.sweepId}`, 'sweep', 'sweep'],
      [`/sweep?id=${ids.studyId}`, 'sweep', 'study-pareto'],
      ['/automl', 'automl', 'automl-jobs'],
      [`/automl?id=${ids.automlId}`, 'automl', 'automl'],
      ['/models', 'models', 'models'],
      ['/model?name=iris', 'model', 'model'],
      ['/endpoints', 'endpoints', 'endpoints'],
      ['/endpoint?name=iris', 'endpoint', 'endpoint'],
      ['/endpoint?batch=scores', 'endpoint', 'batch-endpoint'],
      ['/pipelines', 'pipelines', 'pipelines'],
      [`/pipeline?id=${ids.pipelineId}`, 'pipeline', 'pipeline'],
      ['/schedules', 'schedules', 'schedules'],
    ];
    for (const [hash, name, file] of visits) {
      const { page, errors, foreignRequests, close } = await open(hash, name);
      assert.deepEqual(errors, [], `${hash}: console errors (${failed.join(', ')})`);
      assert.deepEqual(foreignRequests, [], `${hash}: requests leaving the machine`);
      assert.equal(await page.locator('#banner').isHidden(), true, `${hash}: error banner`);
      if (['sweeps', 'study-pareto', 'automl', 'model', 'endpoint', 'pipeline', 'schedules'].includes(file)) {
        await shot(page, file);
      }
      await close();
    }
    const { page } = await open('/sweeps', 'sweeps');
    const nav = await page.locator('#nav-list a').allTextContents();
    for (const title of ['Sweeps', 'AutoML', 'Models', 'Endpoints', 'Pipelines', 'Schedules']) {
      assert.ok(nav.includes(title), `navigation lists ${title}: ${nav.join(', ')}`);
    }
    // links between pages: a sweep's trial to its run, a version to its source run, a step to its run
    const sweepPage = await open(`/sweep?id=${ids.sweepId}`, 'sweep');
    assert.ok((await sweepPage.page.locator('a[href^="#/run?id="]').count()) >= 3);
    const modelPage = await open('/model?name=iris', 'model');
    assert.equal(await modelPage.page.locator('[data-version="2"] a[href^="#/run?id="]').count(), 1);
  });

  it('shows each list page of an empty store without an error', async () => {
    const empty = await startStudio();
    try {
      for (const [hash, name] of [
        ['/sweeps', 'sweeps'],
        ['/automl', 'automl'],
        ['/models', 'models'],
        ['/endpoints', 'endpoints'],
        ['/pipelines', 'pipelines'],
        ['/schedules', 'schedules'],
      ] as const) {
        const watched = await watchedPage(browser);
        pages.push(watched);
        await watched.page.goto(`${empty.url}/studio/#${hash}`);
        await pageReady(watched.page, name);
        assert.deepEqual(watched.errors, [], hash);
        assert.equal(await watched.page.locator('#banner').isHidden(), true, hash);
      }
    } finally {
      await empty.close();
    }
  });

  it('shows on an open sweep page a trial told by another process, without a reload', async () => {
    const { page, errors } = await open(`/sweep?id=${studio.ids.studyId}`, 'sweep');
    assert.equal(await page.getAttribute('[data-page="sweep"]', 'data-trials'), '8');
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    // another writer: a process of its own that loads the study and tells one trial
    const { stdout } = await execFileAsync(process.execPath, [
      '--import',
      'tsx',
      TELLER,
      studio.storeDir,
      'tradeoff',
    ]);
    assert.equal(stdout.trim(), '8');
    await page.waitForSelector('table[aria-label="Trials"] tr[data-key="8"]');
    assert.equal(await page.getAttribute('[data-page="sweep"]', 'data-trials'), '9');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded),
      true,
    );
    assert.deepEqual(errors, []);
  });

  it('draws metric points of a running trial as they are written, without a reload', async () => {
    const { page, errors } = await open(`/sweep?id=${studio.ids.sweepId}`, 'sweep');
    const pointsOf = (trial: string) =>
      page.evaluate((name) => {
        const chart = (
          globalThis as unknown as {
            mlsweepCharts: Record<
              string,
              { getOption(): { series: Array<{ name: string; data: unknown[] }> } }
            >;
          }
        ).mlsweepCharts['sweep-curves'];
        return chart?.getOption().series.find((s) => s.name === name)?.data.length ?? 0;
      }, trial);
    // another writer: the sweep's store on a connection of its own, written as the engine writes it
    const writer = new SqliteStore({ dir: studio.storeDir });
    try {
      const sweepStore = SqliteSweepStore.open(writer, studio.ids.sweepId);
      sweepStore.startTrial(3, { x: 4 }, new Date().toISOString());
      await page.waitForSelector('table[aria-label="Trials"] tr[data-key="3"]');
      sweepStore.addMetric(3, 'acc', { step: 0, value: 0.3 });
      await until(async () => (await pointsOf('trial 3')) === 1);
      sweepStore.addMetric(3, 'acc', { step: 1, value: 0.4 });
      await until(async () => (await pointsOf('trial 3')) === 2);
      sweepStore.endTrial(3, { status: 'completed', value: 0.4, endedAt: new Date().toISOString() });
      await page.waitForSelector('table[aria-label="Trials"] tr[data-key="3"] [data-status="completed"]');
    } finally {
      writer.close();
    }
    assert.deepEqual(errors, []);
  });

  it('reloads a sweep page when its event stream opens: a trial started before the stream was open shows', async () => {
    // the page's events are held back until the trial's event has gone out to the clients then connected
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const watched = await watchedPage(browser);
    pages.push(watched);
    const { page, errors } = watched;
    await page.route('**/studio/api/events', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${studio.url}/studio/#/sweep?id=${studio.ids.sweepId}`);
    await pageReady(page, 'sweep');
    const stream = await openEvents(studio.url);
    const writer = new SqliteStore({ dir: studio.storeDir });
    try {
      SqliteSweepStore.open(writer, studio.ids.sweepId).startTrial(4, { x: 5 }, new Date().toISOString());
      await stream.waitFor('sweeps');
      assert.equal(await page.locator('table[aria-label="Trials"] tr[data-key="4"]').count(), 0);
      release();
      await page.waitForSelector('table[aria-label="Trials"] tr[data-key="4"]');
    } finally {
      release();
      stream.close();
      writer.close();
    }
    assert.deepEqual(errors, []);
  });

  it('asks before moving an alias: cancel leaves it, confirm moves it and the audit log says who and when', async () => {
    const { page, errors } = await open('/model?name=iris', 'model');
    const aliasOf = async () => (await studio.get('/models/iris')).model.aliases.champion;
    assert.equal(await aliasOf(), 1);
    await page.selectOption('select[data-alias="champion"]', '2');
    await page.click('button[data-action="move-alias"][data-alias="champion"]');
    await page.waitForSelector('dialog.confirm[open]');
    assert.match((await page.textContent('dialog.confirm')) ?? '', /from version 1 to version 2/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.confirm', { state: 'detached' });
    assert.equal(await aliasOf(), 1);
    assert.equal(await page.inputValue('select[data-alias="champion"]'), '1');

    await page.selectOption('select[data-alias="champion"]', '2');
    await page.click('button[data-action="move-alias"][data-alias="champion"]');
    await page.waitForSelector('dialog.confirm[open]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog.confirm', { state: 'detached' });
    await until(async () => (await page.inputValue('select[data-alias="champion"]')) === '2');
    assert.equal(await aliasOf(), 2);
    const [entry] = (await studio.get('/audit?action=model.alias')).items;
    assert.equal(entry.target, 'iris@champion');
    assert.deepEqual(entry.detail, { from: 1, to: 2 });
    assert.match(entry.actor, /127\.0\.0\.1/);
    // the audit page shows it
    const audit = await open('/audit', 'audit');
    const row = audit.page.locator('table tbody tr', { hasText: 'iris@champion' }).first();
    assert.match((await row.textContent()) ?? '', /model\.alias\.set/);
    assert.deepEqual(errors, []);
  });

  it('shows a stored value that looks like HTML as text, never as markup', async () => {
    const markup = '<img src="x" onerror="globalThis.injected = true">';
    assert.equal(
      (
        await studio.call('PUT', `/models/iris/versions/1/tags/${encodeURIComponent('note')}`, {
          value: markup,
        })
      ).status,
      200,
    );
    const { page, errors, foreignRequests } = await open('/model?name=iris', 'model');
    const card = page.locator('[data-version="1"]');
    assert.ok(((await card.textContent()) ?? '').includes(`note=${markup}`));
    assert.equal(await card.locator('img').count(), 0);
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { injected?: boolean }).injected),
      undefined,
    );
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(errors, []);
  });

  it('edits traffic with confirmation, and will not save a split that does not sum to 100', async () => {
    const { page, errors } = await open('/endpoint?name=iris', 'endpoint');
    await page.fill('input[data-traffic="blue"]', '70');
    assert.equal(await page.textContent('[data-traffic-sum]'), '70%');
    assert.equal(await page.isDisabled('button[data-action="save-traffic"]'), true);
    await page.fill('input[data-traffic="green"]', '30');
    assert.equal(await page.isDisabled('button[data-action="save-traffic"]'), false);
    await page.click('button[data-action="save-traffic"]');
    await page.waitForSelector('dialog.confirm[open]');
    await page.click('dialog.confirm button[type="submit"]');
    await page.waitForSelector('dialog.confirm', { state: 'detached' });
    await until(async () => (await studio.get('/endpoints/iris')).endpoint.traffic.green === 30);
    assert.deepEqual((await studio.get('/endpoints/iris')).endpoint.traffic, { blue: 70, green: 30 });
    assert.deepEqual(errors, []);
  });

  it('keeps a choice or text not yet saved through a live reload, unless the stored value under it changed', async () => {
    const { page, errors } = await open('/model?name=iris', 'model');
    const stageOf = (version: number) => `select[data-stage-of="${version}"]`;
    await page.selectOption(stageOf(1), 'Staging');
    await page.selectOption(stageOf(2), 'Production');
    await page.fill('input[aria-label="tag key for version 2"]', 'owner');
    // another writer moves version 1's stage: the page reloads
    assert.equal(
      (await studio.call('PUT', '/models/iris/versions/1/stage', { stage: 'Archived' })).status,
      200,
    );
    await until(async () => (await page.inputValue(stageOf(1))) === 'Archived');
    assert.equal(await page.inputValue(stageOf(2)), 'Production');
    assert.equal(await page.inputValue('input[aria-label="tag key for version 2"]'), 'owner');
    assert.equal(
      await page
        .locator('input[aria-label="tag key for version 2"]')
        .evaluate((e) => e === e.ownerDocument.activeElement),
      true,
    );
    assert.deepEqual(errors, []);
  });

  it('draws the pipeline graph with each step in its status, bindings as edges', async () => {
    const { page } = await open(`/pipeline?id=${studio.ids.pipelineId}`, 'pipeline');
    for (const step of ['left', 'right', 'both']) {
      assert.equal(
        await page.getAttribute(`[data-dag] g.node[data-step="${step}"]`, 'data-status'),
        'completed',
      );
    }
    assert.equal(await page.locator('[data-dag] path.edge').count(), 2);
    await page.click('button[data-logs-of="left"]');
    await page.waitForSelector('pre[data-log="stdout"]');
    assert.match((await page.textContent('pre[data-log="stdout"]')) ?? '', /copied left/);
  });

  it('follows a pipeline running in another connection: its graph goes from running and queued to completed without a reload', async () => {
    const gated = startGatedPipeline(studio, 'live-dag');
    try {
      await until(async () => gated.runId() !== undefined);
      const { page, errors } = await open(`/pipeline?id=${gated.runId()}`, 'pipeline');
      await page.waitForSelector('[data-dag] g.node[data-step="wait"][data-status="running"]');
      assert.equal(await page.getAttribute('[data-dag] g.node[data-step="after"]', 'data-status'), 'queued');
      gated.open();
      assert.equal(await gated.done, 'completed');
      await page.waitForSelector('[data-dag] g.node[data-step="after"][data-status="completed"]');
      assert.equal(
        await page.getAttribute('[data-dag] g.node[data-step="wait"]', 'data-status'),
        'completed',
      );
      assert.equal(await page.getAttribute('[data-page="pipeline"]', 'data-status'), 'completed');
      assert.deepEqual(errors, []);
    } finally {
      gated.open();
      await gated.done.catch(() => undefined);
    }
  });
});
