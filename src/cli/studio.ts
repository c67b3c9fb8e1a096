/**
 * `mlsweep studio`: the web UI over a store, with the MLflow-compatible tracking API on the
 * same port, so MLflow clients and mlsweep sweeps log into it and the pages show it live.
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { choiceOption } from './options.ts';
import { log } from './output.ts';
import { runTrackingServer, type ServerCliOptions, serverOptions } from './server.ts';

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
 * registerStudioCommand(program); // then: mlsweep studio --store mlruns
 */
export function registerStudioCommand(program: Command): void {
  serverOptions(
    program
      .command('studio')
      .description(
        'run the studio (web UI: runs, sweeps, models, endpoints, live) with the MLflow tracking API',
      ),
    {
      port: STUDIO_PORT,
      key: 'API callers send Authorization: Bearer K; browsers log in once (at least 8 characters)',
    },
  )
    .option('--artifacts <DIR>', 'with a postgresql:// store: the shared artifacts folder')
    .option(
      '--open-browser <yes|no>',
      'open the studio in the default browser',
      choiceOption(['yes', 'no'] as const),
      'no',
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
