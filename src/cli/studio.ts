/**
 * `mlsweep studio`: the web UI over a store, with the MLflow-compatible tracking API on the
 * same port, so MLflow clients and mlsweep sweeps log into it and the pages show it live.
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { choiceOption, integerOption } from './options.ts';
import { log } from './output.ts';
import { runTrackingServer, type ServerCliOptions } from './server.ts';

interface StudioCliOptions extends ServerCliOptions {
  artifacts?: string;
  openBrowser: 'yes' | 'no';
}

/** The studio's default port (MLflow's UI takes 5000). */
export const STUDIO_PORT = 5050;

/**
 * Registers `mlsweep studio --store S [--port 5050] [--host 127.0.0.1] [--key K]
 * [--artifacts DIR] [--open-browser no] [--json]`: prints `studio at
 * http://HOST:PORT/studio/` on stderr once listening; beyond loopback only with --key
 * (browsers log in at /studio/login); SIGTERM or SIGINT close it cleanly.
 *
 * @example
 * registerStudio(program); // then: mlsweep studio --store mlruns
 */
export function registerStudioCommand(program: Command): void {
  program
    .command('studio')
    .description(
      'run the studio (web UI: runs, sweeps, models, endpoints, live) with the MLflow tracking API',
    )
    .option(
      '--store <DIR>',
      'tracking store folder or postgresql:// URL (default: $MLSWEEP_STORE or ./mlruns)',
    )
    .option(
      '--port <P>',
      'port to listen on (0: a free one)',
      integerOption({ min: 0, max: 65535 }),
      STUDIO_PORT,
    )
    .option('--host <HOST>', 'address to bind; beyond loopback --key is required', '127.0.0.1')
    .option(
      '--key <K>',
      'API callers send Authorization: Bearer K; browsers log in once (at least 8 characters)',
    )
    .option('--artifacts <DIR>', 'with a postgresql:// store: the shared artifacts folder')
    .option(
      '--open-browser <yes|no>',
      'open the studio in the default browser',
      choiceOption(['yes', 'no'] as const),
      'no',
    )
    .option('--json', 'print {"url", "store"} as JSON on stdout once listening')
    .option(
      '--log-level <level>',
      'JSON logs on stderr from this level (info logs every request)',
      choiceOption(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
      'warn',
    )
    .action(async (o: StudioCliOptions) => {
      await runTrackingServer(o, {
        studio: true,
        banner: (url) => {
          if (o.openBrowser === 'yes') openBrowser(`${url}/studio/`);
          return `studio at ${url}/studio/`;
        },
      });
    });
}

/** Opens a URL in the desktop's browser, if it has one; never fails the command. */
function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => log(`could not open a browser: open ${url} yourself`));
    child.unref();
  } catch {
    log(`could not open a browser: open ${url} yourself`);
  }
}
