// Headless Chromium for the studio's browser tests and benchmark (Debian's
// /usr/bin/chromium through playwright-core: no browser download), and a studio on
// 127.0.0.1 port 0 over a temporary store. Pages opened here record their console errors
// and every request to a host other than 127.0.0.1 (nothing may leave the machine).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createTrackingServer, type TrackingServer } from '../../src/studio/mlflow/server.ts';
import type { StoreWatcherOptions } from '../../src/studio/ui/watcher.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';

/** The Chromium binary (MLSWEEP_CHROMIUM overrides Debian's). */
export const CHROMIUM = process.env.MLSWEEP_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests are skipped here, or false when Chromium is present. */
export const browserSkip: string | false = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set MLSWEEP_CHROMIUM)`;

/**
 * Launches headless Chromium with nothing that phones home.
 *
 * @example
 * const browser = await launchBrowser();
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A page being watched: what went wrong in it and where it tried to go. */
export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors and uncaught exceptions. */
  readonly errors: string[];
  /** Requests to any host other than 127.0.0.1 (and any non-http(s) request but data:/blob:). */
  readonly foreignRequests: string[];
  close(): Promise<void>;
}

/**
 * How long a browser test waits for what a page will do: a bound against a hang, never a
 * measure of speed (on a loaded CI machine a page that takes 1 s here can take 20 s).
 */
export const UI_WAIT_MS = 120_000;

/**
 * Opens a new page (1280x800) in its own context, recording console errors and foreign
 * requests.
 *
 * @example
 * const { page, errors, foreignRequests } = await watchedPage(browser);
 * await page.goto(`${studio.url}/studio/#/runs`);
 */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(UI_WAIT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.hostname !== '127.0.0.1') foreignRequests.push(request.url());
  });
  return { page, context, errors, foreignRequests, close: () => context.close() };
}

/**
 * Waits until the page marked `data-page=NAME` says its data is drawn.
 *
 * @example
 * await pageReady(page, 'runs');
 */
export async function pageReady(page: Page, name: string, timeout = UI_WAIT_MS): Promise<void> {
  await page.waitForSelector(`[data-page="${name}"][data-ready="true"]`, { timeout });
}

/** A studio started for a test. */
export interface TestStudio {
  readonly server: TrackingServer;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly storeDir: string;
  /** GET or write under `/studio/api`: status, JSON and headers. */
  api(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; json: Json; headers: Headers }>;
  /** Stops the server and removes the store folder. */
  close(): Promise<void>;
}

/** A JSON answer, read field by field by the tests. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions, not types
export type Json = any;

/**
 * Starts `createTrackingServer({ studio: true })` on 127.0.0.1 port 0 over a new store,
 * optionally filled first by `prepare` (a separate handle, closed before the server opens).
 *
 * @example
 * const studio = await startStudio({ prepare: (store) => store.createRun({ experiment: 'iris' }) });
 * const { json } = await studio.api('GET', '/runs');
 */
export async function startStudio(
  options: { key?: string; prepare?: (store: SqliteStore) => void; watch?: StoreWatcherOptions | false } = {},
): Promise<TestStudio> {
  const root = mkdtempSync(join(tmpdir(), 'mlsweep-studio-'));
  const storeDir = join(root, 'mlruns');
  if (options.prepare) {
    const store = new SqliteStore({ dir: storeDir });
    try {
      options.prepare(store);
    } finally {
      store.close();
    }
  }
  const server = createTrackingServer({
    storeDir,
    port: 0,
    logger: false,
    ...(options.key !== undefined ? { key: options.key } : {}),
    studio: options.watch === undefined ? true : { watch: options.watch },
  });
  await server.listen();
  const url = server.url;
  return {
    server,
    url,
    storeDir,
    async api(method, path, call = {}) {
      const response = await fetch(`${url}/studio/api${path}`, {
        method,
        headers: {
          ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...call.headers,
        },
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      });
      const text = await response.text();
      let json: Json = null;
      try {
        json = text === '' ? null : JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json, headers: response.headers };
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
