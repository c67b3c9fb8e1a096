import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import { checkOutputFolder } from '../core/files.ts';
import { isLoopbackHost } from '../serve/auth.ts';
import { createTrackingServer } from '../studio/mlflow/server.ts';
import { isPostgresUrl } from '../tracking/pg-url.ts';
import { displayStoreLocation, resolveStoreLocation } from '../tracking/sqlite-store.ts';
import { choiceOption, integerOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals } from './signals.ts';

/** The options `mlsweep server` and `mlsweep studio` share. */
export interface ServerCliOptions {
  store?: string;
  port: number;
  host: string;
  key?: string;
  json?: boolean;
  logLevel: string;
  studio?: boolean;
}

/**
 * Checks `mlsweep server`'s options before anything starts: a key of at least 8
 * characters, and a key whenever the host is beyond loopback (the API writes to the
 * store). A ValidationError (exit 2) naming the option otherwise.
 *
 * @example
 * checkServerOptions({ host: '0.0.0.0', port: 5000 }); // throws: --host 0.0.0.0 needs --key
 */
export function checkServerOptions(o: Pick<ServerCliOptions, 'host' | 'key'>): void {
  if (o.key !== undefined && o.key.trim().length < 8) {
    throw new ValidationError('--key must be at least 8 characters', { path: '--key' });
  }
  if (o.key === undefined && !isLoopbackHost(o.host)) {
    throw new ValidationError(
      `--host ${o.host}: the tracking API writes to the store; beyond loopback give --key (callers send Authorization: Bearer KEY)`,
      { path: '--host' },
    );
  }
}

/**
 * `mlsweep server [--store DIR] [--port 5000] [--host 127.0.0.1] [--key K] [--json]`: the
 * MLflow-compatible tracking server over a store (`/api/2.0/mlflow/...`, the registry,
 * `mlflow-artifacts`), so MLflow clients log into mlsweep runs and read them back. Prints
 * `listening on http://HOST:PORT` on stderr (with --json also `{"url", "store"}` on
 * stdout); bound beyond loopback only with --key. SIGTERM or SIGINT close it (requests in
 * flight finish) and it exits 0; a second signal exits at once.
 *
 * @example
 * registerServer(program); // then: mlsweep server --store mlruns --port 5000
 */
export function registerServer(program: Command): void {
  serverOptions(
    program
      .command('server')
      .description('run the MLflow-compatible tracking server (REST API, registry, artifacts) over a store'),
    { port: 5000, key: 'callers must send Authorization: Bearer K (at least 8 characters)' },
  )
    .option('--studio', 'also serve the studio (the web UI) at /studio/ on the same port')
    .action(async (o: ServerCliOptions) => {
      await runTrackingServer(o, {
        studio: o.studio === true,
        banner: (url) =>
          o.studio ? `listening on ${url} (studio at ${url}/studio/)` : `listening on ${url}`,
      });
    });
}

/**
 * Adds the options `mlsweep server` and `mlsweep studio` share: --store, --port (default
 * `port`), --host, --key (described by `key`), --json, --log-level.
 *
 * @example
 * serverOptions(program.command('studio'), { port: 5050, key: 'API callers send Authorization: Bearer K' });
 */
export function serverOptions(command: Command, defaults: { port: number; key: string }): Command {
  return command
    .option(
      '--store <DIR>',
      'tracking store folder or postgresql:// URL (default: $MLSWEEP_STORE or ./mlruns)',
    )
    .option(
      '--port <P>',
      'port to listen on (0: a free one)',
      integerOption({ min: 0, max: 65535 }),
      defaults.port,
    )
    .option('--host <HOST>', 'address to bind; beyond loopback --key is required', '127.0.0.1')
    .option('--key <K>', defaults.key)
    .option('--json', 'print {"url", "store"} as JSON on stdout once listening')
    .option(
      '--log-level <level>',
      'JSON logs on stderr from this level (info logs every request)',
      choiceOption(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
      'warn',
    );
}

/**
 * Starts the tracking server (optionally with the studio) from CLI options and waits
 * until SIGTERM or SIGINT has closed it: checks the options (exit 2 before anything
 * starts), prints `banner(url)` on stderr once listening (and `{"url", "store"}` on stdout
 * with --json), finishes requests in flight on the first signal, exits at once on a second.
 *
 * @example
 * await runTrackingServer({ port: 5050, host: '127.0.0.1', logLevel: 'warn' }, { studio: true, banner: (url) => `studio at ${url}/studio/` });
 */
export async function runTrackingServer(
  o: ServerCliOptions & { artifacts?: string },
  how: { studio: boolean; banner: (url: string) => string },
): Promise<void> {
  checkServerOptions(o);
  const storeDir = resolveStoreLocation(o.store);
  if (!isPostgresUrl(storeDir)) checkOutputFolder(storeDir, '--store');
  const server = createTrackingServer({
    storeDir,
    host: o.host,
    port: o.port,
    ...(o.key !== undefined ? { key: o.key } : {}),
    ...(o.artifacts !== undefined ? { artifactsDir: o.artifacts } : {}),
    logger: { level: o.logLevel },
    studio: how.studio,
  });
  try {
    await server.listen();
  } catch (error) {
    await server.close();
    throw new ValidationError(`cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`, {
      path: '--port',
    });
  }
  const stopped = new Promise<void>((done) => {
    const stop = onStopSignals({
      graceful: () => {
        log('stopping: finishing requests in flight');
        server.close().then(
          () => {
            stop.dispose();
            done();
          },
          (error: unknown) => {
            log(`mlsweep: ${(error as Error).message}`);
            process.exit(1);
          },
        );
      },
      immediate: () => process.exit(1),
    });
  });
  log(how.banner(server.url));
  if (o.json) printResult(true, { url: server.url, store: displayStoreLocation(storeDir) }, () => server.url);
  await stopped;
  log('stopped');
}
