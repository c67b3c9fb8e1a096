import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import { createServer } from '../serve/server.ts';
import { singleModelConfig } from '../serve/single.ts';
import { modelFileFor } from './model-ref.ts';
import { choiceOption, integerOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals } from './signals.ts';

interface ServeCliOptions {
  model: string;
  name: string;
  port: number;
  host: string;
  workers?: number;
  store?: string;
  key?: string;
  json?: boolean;
  logLevel: string;
}

/** Hosts that only this machine can reach: served without a key unless one is given. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * `mlsweep serve --model M`: serves one model as one endpoint (`--name`) with one
 * deployment, over Azure's /score, MLflow's /invocations and the Open Inference
 * Protocol's /v2, plus /metrics. Prints `listening on http://HOST:PORT` on stderr when
 * ready (with --json, also a JSON document on stdout). Beyond loopback it needs a key:
 * `--key`, or one is generated and printed. SIGTERM or SIGINT drains (in-flight
 * requests finish, new ones get 503) and exits 0; a second signal exits at once.
 *
 * @example
 * registerServe(program); // then: mlsweep serve --model models:/iris@production --port 5001
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve a saved AutoML pipeline over HTTP (Azure /score, MLflow /invocations, OIP /v2, /metrics)',
    )
    .requiredOption(
      '--model <model>',
      'a pipeline saved by mlsweep automl: a JSON file, or models:/NAME/VERSION, models:/NAME@ALIAS',
    )
    .option('--name <name>', 'the endpoint name (in /endpoints/NAME/… and /v2/models/NAME)', 'model')
    .option('--port <port>', 'TCP port (0: any free port)', integerOption({ min: 0, max: 65535 }), 5001)
    .option(
      '--host <host>',
      'address to bind; beyond loopback a key is required (generated when absent)',
      '127.0.0.1',
    )
    .option('--workers <n>', 'scoring threads (default: one per core)', integerOption({ min: 1, max: 1024 }))
    .option('--store <dir>', 'tracking store of models:/ references (default: $MLSWEEP_STORE or ./mlruns)')
    .option('--key <key>', 'callers must send Authorization: Bearer KEY')
    .option('--json', 'print {"url", "endpoint", "key"} as JSON on stdout once listening')
    .option(
      '--log-level <level>',
      'JSON logs on stderr from this level (info logs every request)',
      choiceOption(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
      'info',
    )
    .action(async (o: ServeCliOptions) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(o.name)) {
        throw new ValidationError(
          `--name must be letters, digits, '-', '_' or '.', starting with a letter or digit (at most 64), got ${JSON.stringify(o.name)}`,
          { path: '--name' },
        );
      }
      if (o.key !== undefined && o.key.trim().length < 8) {
        throw new ValidationError('--key must be at least 8 characters', { path: '--key' });
      }
      const modelFile = modelFileFor(o.model, o.store);
      if (!existsSync(modelFile) || !statSync(modelFile).isFile()) {
        throw new ValidationError(`--model: the model file ${modelFile} does not exist`, { path: '--model' });
      }
      const loopback = LOOPBACK.has(o.host);
      const generated = o.key === undefined && !loopback;
      const key = o.key ?? (generated ? randomBytes(24).toString('base64url') : undefined);
      const server = await createServer({
        config: singleModelConfig({
          modelFile,
          name: o.name,
          model: o.model,
          ...(o.workers !== undefined ? { instanceCount: o.workers } : {}),
          ...(key !== undefined ? { key } : {}),
        }),
        host: o.host,
        port: o.port,
        logger: { level: o.logLevel },
      });
      let address: { host: string; port: number };
      try {
        address = await server.listen();
      } catch (error) {
        await server.close();
        throw new ValidationError(`cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`, {
          path: '--port',
        });
      }
      const host = address.host.includes(':') ? `[${address.host}]` : address.host;
      const url = `http://${host}:${address.port}`;
      const stopped = new Promise<void>((resolve) => {
        const stop = onStopSignals({
          graceful: () => {
            log('stopping: finishing requests in flight');
            server.close().then(
              () => {
                stop.dispose();
                resolve();
              },
              (error: unknown) => {
                log(`mlsweep serve: ${(error as Error).message}`);
                process.exit(1);
              },
            );
          },
          immediate: () => process.exit(1),
        });
      });
      if (generated) log(`key: ${key} (generated; callers send Authorization: Bearer <key>)`);
      log(`listening on ${url}`);
      if (o.json)
        printResult(true, { url, endpoint: o.name, ...(key !== undefined ? { key } : {}) }, () => url);
      await stopped;
      log('stopped');
    });
}
