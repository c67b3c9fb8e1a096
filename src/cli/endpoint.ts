// `mlsweep endpoint …` and `mlsweep deployment …`: online endpoints and their deployments
// in the tracking store, in the shapes of `az ml online-endpoint` / `az ml online-deployment`.
// A server started with `mlsweep serve --store` picks every change up while it runs.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ConfigError, DataError, MlsweepError, ValidationError } from '../core/errors.ts';
import {
  type DeploymentRecord,
  type EndpointRecord,
  EndpointStore,
  type KeyType,
} from '../registry/endpoint-store.ts';
import type { SpecRecord } from '../registry/endpoint-tables.ts';
import { parseTrafficAssignments } from '../registry/endpoint-traffic.ts';
import { ModelRegistry } from '../registry/model-registry.ts';
import { issueToken } from '../serve/auth.ts';
import { checkDeploymentFiles, loadServeConfig } from '../serve/catalog.ts';
import { readDeploymentFile, readEndpointFile } from '../serve/endpoint-spec.ts';
import { readDeploymentLog } from '../serve/logs/deployment-logs.ts';
import { deploymentLogRoot } from '../serve/store-server.ts';
import { defaultStoreDir } from '../tracking/sqlite-store.ts';
import { registerEndpointPackage } from './endpoint-package.ts';
import { type StoreOption, table, when, withCliStore, withStoreOptions } from './experiments.ts';
import { choiceOption, integerOption } from './options.ts';
import { log, printResult } from './output.ts';

export interface JsonOption extends StoreOption {
  readonly json?: boolean;
}

interface EndpointUpdateOptions extends JsonOption {
  readonly file?: string;
  readonly traffic?: string;
  readonly mirrorTraffic?: string;
}

interface InvokeOptions extends JsonOption {
  readonly requestFile: string;
  readonly deploymentName?: string;
}

interface DeploymentOptions extends JsonOption {
  readonly file: string;
  readonly name?: string;
  readonly endpointName?: string;
  readonly allTraffic?: boolean;
}

/**
 * Registers `mlsweep endpoint create|update|list|show|delete|get-credentials|regenerate-keys|invoke`
 * (and `package`, serve/package's command); returns the `endpoint` command group.
 *
 * @example
 * registerEndpoints(program); // then: mlsweep endpoint create -f endpoint.yml
 */
export function registerEndpoints(program: Command): Command {
  const endpoint = program
    .command('endpoint')
    .description('online endpoints (Azure ML v2 managedOnlineEndpoint) kept in the store');

  withStoreOptions(endpoint.command('create').description('create an endpoint from its YAML, with new keys'))
    .requiredOption('-f, --file <yaml>', 'endpoint YAML (name, auth_mode: key | aml_token, ...)')
    .option('--name <name>', "the endpoint's name (default: the file's)")
    .action((options: JsonOption & { file: string; name?: string }) => {
      const file = readEndpointFile(options.file);
      notices(file.notices);
      withEndpoints(options, true, (store) => {
        const spec = { ...file.spec, name: options.name ?? file.spec.name };
        const record = store.createOrUpdateEndpoint(spec, { mode: 'create', changedBy: who() });
        printResult(options.json === true, endpointJson(store, record), () =>
          [
            `created endpoint ${spec.name} (auth ${spec.authMode})`,
            `  add a deployment: mlsweep deployment create -f blue.yml --endpoint-name ${spec.name} --all-traffic`,
            `  its credentials:  mlsweep endpoint get-credentials ${spec.name}`,
          ].join('\n'),
        );
      });
    });

  withStoreOptions(
    endpoint
      .command('update')
      .description("change an endpoint's traffic, mirror traffic, or its YAML (keys are kept)"),
  )
    .argument('<name>', 'endpoint name')
    .option('-f, --file <yaml>', 'endpoint YAML; without traffic there, the traffic is kept')
    .option('--traffic <split>', 'live traffic, e.g. blue=90,green=10 (unnamed deployments get 0)')
    .option(
      '--mirror-traffic <split>',
      'traffic copied to deployments whose answers are dropped, e.g. green=10',
    )
    .action((name: string, options: EndpointUpdateOptions) => {
      if (
        options.file === undefined &&
        options.traffic === undefined &&
        options.mirrorTraffic === undefined
      ) {
        throw new ValidationError('endpoint update needs --traffic, --mirror-traffic or -f FILE', {
          path: '--traffic',
        });
      }
      const file = options.file === undefined ? undefined : readEndpointFile(options.file);
      if (file) notices(file.notices);
      const traffic =
        options.traffic === undefined ? undefined : parseTrafficAssignments(options.traffic, '--traffic');
      const mirror =
        options.mirrorTraffic === undefined
          ? undefined
          : parseTrafficAssignments(options.mirrorTraffic, '--mirror-traffic');
      withEndpoints(options, false, (store) => {
        const changedBy = who();
        // One transaction: the file's spec and the traffic options land together or not at all.
        const record = store.store.write(() => {
          if (file) {
            store.createOrUpdateEndpoint(
              { ...file.spec, name },
              { mode: 'update', keepTraffic: !file.setsTraffic, changedBy },
            );
          }
          return traffic !== undefined || mirror !== undefined
            ? store.updateTraffic(name, traffic, mirror, { changedBy })
            : store.getEndpoint(name);
        });
        printResult(options.json === true, endpointJson(store, record), () => showEndpoint(store, record));
      });
    });

  registerListShowDelete(endpoint, {
    noun: 'endpoint',
    open: (options, fn) => withEndpoints(options, false, fn),
    list: (store) => store.listEndpoints(),
    get: (store, name) => store.getEndpoint(name),
    json: endpointJson,
    show: showEndpoint,
    deployments: (store, name) => store.listDeployments(name).map((d) => d.spec.name),
    remove: (store, name) => store.deleteEndpoint(name, { changedBy: who() }),
    columns: ['name', 'auth', 'traffic', 'mirror', 'updated'],
    row: (_store, r) => [
      r.spec.name,
      r.spec.authMode,
      split(r.spec.traffic),
      split(r.spec.mirrorTraffic),
      when(r.updatedAt),
    ],
    describe: {
      list: 'endpoints with their traffic',
      show: 'an endpoint, its traffic and deployments',
      delete: 'delete an endpoint and all its deployments',
    },
  });

  withStoreOptions(
    endpoint
      .command('get-credentials')
      .description('the keys (key auth) or a new one-hour token (aml_token auth) of an endpoint'),
  )
    .argument('<name>', 'endpoint name')
    .action((name: string, options: JsonOption) =>
      withEndpoints(options, false, (store) => {
        const { spec } = store.getEndpoint(name);
        const credentials = store.getCredentials(name);
        if (spec.authMode === 'key') {
          const keys = { primaryKey: credentials.primaryKey, secondaryKey: credentials.secondaryKey };
          printResult(options.json === true, keys, () =>
            [`primaryKey   ${keys.primaryKey}`, `secondaryKey ${keys.secondaryKey}`].join('\n'),
          );
          return;
        }
        const token = issueToken(name, credentials, Date.now());
        printResult(options.json === true, token, () =>
          [
            `accessToken   ${token.accessToken}`,
            `expiryTimeUtc ${token.expiryTimeUtc} (${new Date(token.expiryTimeUtc * 1000).toISOString()})`,
            `tokenType     ${token.tokenType}`,
          ].join('\n'),
        );
      }),
    );

  withStoreOptions(
    endpoint
      .command('regenerate-keys')
      .description('replace one key of an endpoint (the other keeps working meanwhile)'),
  )
    .argument('<name>', 'endpoint name')
    .requiredOption(
      '--key-type <type>',
      'primary or secondary',
      choiceOption(['primary', 'secondary'] as const),
    )
    .action((name: string, options: JsonOption & { keyType: KeyType }) =>
      withEndpoints(options, false, (store) => {
        store.regenerateKey(name, options.keyType, { changedBy: who() });
        printResult(
          options.json === true,
          { name, keyType: options.keyType, regenerated: true },
          () =>
            `regenerated the ${options.keyType} key of ${name}; see it with mlsweep endpoint get-credentials ${name}`,
        );
      }),
    );

  endpoint
    .command('invoke')
    .description("score a request with an endpoint's deployments, in this process, without a server")
    .argument('<name>', 'endpoint name')
    .requiredOption(
      '--request-file <json>',
      'the body of POST /score, e.g. {"input_data": {"columns", "data"}}',
    )
    .option('--deployment-name <name>', 'the deployment to use (default: by the traffic split)')
    .option('--store <dir>', 'store folder (default: $MLSWEEP_STORE or ./mlruns)')
    .option('--json', 'print {deployment, answer} as one JSON document')
    .action((name: string, options: InvokeOptions) => invoke(name, options));

  registerEndpointPackage(endpoint);
  return endpoint;
}

/**
 * `endpoint invoke`: the endpoint's deployments loaded by the same server code as
 * `mlsweep serve` (one scoring thread each), the request passed through fastify's inject,
 * the answer printed on stdout. No credentials are asked: whoever reads the store has the keys.
 */
async function invoke(name: string, options: InvokeOptions): Promise<void> {
  let body: string;
  try {
    body = readFileSync(options.requestFile, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the request: ${(error as Error).message}`, {
      file: options.requestFile,
    });
  }
  const storeDir = options.store ?? defaultStoreDir();
  // Loaded when the command runs: the server (fastify, the thread pool) is not every command's cost.
  const serverModule = import.meta.url.endsWith('.ts') ? '../serve/server.ts' : '../serve/server.js';
  const [{ createServer }, config] = await Promise.all([
    import(serverModule) as Promise<typeof import('../serve/server.ts')>,
    Promise.resolve(loadServeConfig(storeDir)),
  ]);
  const endpoint = config.endpoints.find((e) => e.spec.name === name);
  if (endpoint === undefined) {
    const known = config.endpoints.map((e) => e.spec.name);
    throw new ValidationError(
      `no endpoint named '${name}'; known: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
      { path: 'name', code: 'E_NOT_FOUND' },
    );
  }
  const server = await createServer({
    config: { endpoints: [endpoint] },
    logger: false,
    threads: 1,
    authenticate: () => true,
  });
  try {
    const response = await server.app.inject({
      method: 'POST',
      url: `/endpoints/${encodeURIComponent(name)}/score`,
      headers: {
        'content-type': 'application/json',
        ...(options.deploymentName !== undefined
          ? { 'azureml-model-deployment': options.deploymentName }
          : {}),
      },
      payload: body,
    });
    const deployment = response.headers['azureml-model-deployment'];
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (options.json === true) {
        printResult(true, { deployment: deployment ?? null, answer: parseAnswer(response.body) }, () => '');
        return;
      }
      if (typeof deployment === 'string') log(`answered by deployment ${deployment}`);
      process.stdout.write(`${response.body}\n`);
      return;
    }
    const message = `endpoint ${name} answered ${response.statusCode}: ${oneLine(response.body)}`;
    throw response.statusCode < 500
      ? new DataError(message, 'E_INVOKE')
      : new MlsweepError(message, 'E_INVOKE');
  } finally {
    await server.close();
  }
}

function parseAnswer(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/** A response body on one line, its JSON `message` (or `error`) when it has one. */
function oneLine(body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; error?: unknown };
    const text = json.message ?? json.error;
    if (typeof text === 'string') return text;
  } catch {
    // not JSON: the text itself
  }
  return body.replace(/\s+/g, ' ').slice(0, 500);
}

/**
 * Registers `mlsweep deployment create|update|list|show|get-logs|delete`.
 *
 * @example
 * registerDeployments(program); // then: mlsweep deployment create -f blue.yml --all-traffic
 */
export function registerDeployments(program: Command): void {
  const deployment = program
    .command('deployment')
    .description('deployments of online endpoints (Azure ML v2 managedOnlineDeployment)');

  const write = (command: Command, mode: 'create' | 'update') =>
    withStoreOptions(command)
      .requiredOption('-f, --file <yaml>', 'deployment YAML (name, endpoint_name, model, ...)')
      .option('--name <name>', "the deployment's name (default: the file's)")
      .option('--endpoint-name <name>', "the endpoint (default: the file's endpoint_name)")
      .action((options: DeploymentOptions) => {
        const file = readDeploymentFile(options.file);
        notices(file.notices);
        const spec = {
          ...file.spec,
          name: options.name ?? file.spec.name,
          endpointName: options.endpointName ?? file.spec.endpointName,
        };
        withEndpoints(options, false, (store) => {
          // The model and scoring module are checked before anything is stored.
          checkDeploymentFiles(spec, new ModelRegistry({ store: store.store }));
          const record = store.createOrUpdateDeployment(spec, {
            mode,
            changedBy: who(),
            ...(options.allTraffic ? { allTraffic: true } : {}),
          });
          const traffic = percent(store.getEndpoint(spec.endpointName).spec.traffic, spec.name);
          printResult(options.json === true, deploymentJson(record), () =>
            [
              `${mode === 'create' ? 'created' : 'updated'} deployment ${spec.name} of endpoint ${spec.endpointName} (${traffic}% of its traffic)`,
              ...(traffic === 0
                ? [
                    `  send it traffic: mlsweep endpoint update ${spec.endpointName} --traffic ${spec.name}=100`,
                  ]
                : []),
            ].join('\n'),
          );
        });
      });

  write(deployment.command('create').description('add a deployment to an endpoint'), 'create').option(
    '--all-traffic',
    "send it 100% of the endpoint's live traffic",
  );
  write(deployment.command('update').description('replace a deployment from its YAML'), 'update');

  withStoreOptions(deployment.command('list').description('the deployments of an endpoint'))
    .requiredOption('--endpoint-name <name>', 'the endpoint')
    .action((options: JsonOption & { endpointName: string }) =>
      withEndpoints(options, false, (store) => {
        const traffic = store.getEndpoint(options.endpointName).spec;
        const list = store.listDeployments(options.endpointName);
        printResult(options.json === true, list.map(deploymentJson), () =>
          table(
            ['name', 'traffic', 'mirror', 'model', 'instances', 'updated'],
            list.map((d) => [
              d.spec.name,
              `${percent(traffic.traffic, d.spec.name)}%`,
              `${percent(traffic.mirrorTraffic, d.spec.name)}%`,
              d.spec.model,
              String(d.spec.instanceCount),
              when(d.updatedAt),
            ]),
          ),
        );
      }),
    );

  withStoreOptions(deployment.command('show').description('a deployment'))
    .argument('<name>', 'deployment name')
    .requiredOption('--endpoint-name <name>', 'the endpoint')
    .action((name: string, options: JsonOption & { endpointName: string }) =>
      withEndpoints(options, false, (store) => {
        const record = store.getDeployment(options.endpointName, name);
        printResult(options.json === true, deploymentJson(record), () => showDeployment(record));
      }),
    );

  withStoreOptions(
    deployment
      .command('get-logs')
      .description(
        "a deployment's log: the JSON lines a server (mlsweep serve --store) wrote about its requests and failures",
      ),
  )
    .requiredOption('--endpoint-name <name>', 'the endpoint')
    .requiredOption('-n, --name <name>', 'the deployment')
    .option('-l, --lines <n>', 'the last this many lines (default 5000)', integerOption({ min: 1 }), 5000)
    .action(async (options: JsonOption & { endpointName: string; name: string; lines: number }) => {
      // an unknown endpoint or deployment is a user mistake, named as `deployment show` names it
      withEndpoints(options, false, (store) => store.getDeployment(options.endpointName, options.name));
      const root = deploymentLogRoot(options.store ?? defaultStoreDir(), options.artifactsDir);
      const lines = await readDeploymentLog(root, options.endpointName, options.name, options.lines);
      printResult(
        options.json === true,
        {
          endpointName: options.endpointName,
          name: options.name,
          // each line as the JSON it is (a line that is not JSON, as text)
          lines: lines.map((line) => {
            try {
              return JSON.parse(line) as unknown;
            } catch {
              return line;
            }
          }),
        },
        () =>
          lines.length > 0
            ? lines.join('\n')
            : `(no log lines yet for deployment ${options.name} of endpoint ${options.endpointName}: a server started with mlsweep serve --store writes them)`,
      );
    });

  withStoreOptions(
    deployment.command('delete').description('delete a deployment (it must have no traffic left)'),
  )
    .argument('<name>', 'deployment name')
    .requiredOption('--endpoint-name <name>', 'the endpoint')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, options: JsonOption & { endpointName: string; yes?: boolean }) => {
      withEndpoints(options, false, (store) => store.getDeployment(options.endpointName, name));
      const what = `deployment ${name} of endpoint ${options.endpointName}`;
      if (!(await confirmed(options.yes === true, what))) return;
      withEndpoints(options, false, (store) => {
        store.deleteDeployment(options.endpointName, name, { changedBy: who() });
        printResult(
          options.json === true,
          { deleted: name, endpointName: options.endpointName },
          () => `deleted ${what}`,
        );
      });
    });
}

function withEndpoints<T>(options: StoreOption, create: boolean, fn: (store: EndpointStore) => T): T {
  return withCliStore(options, create, (store) => fn(new EndpointStore({ store })));
}

/**
 * Who runs the command, recorded with each change (the login name, when the system knows
 * it). The batch endpoint commands share it.
 *
 * @example
 * store.createOrUpdateEndpoint(spec, { changedBy: who() });
 */
export function who(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

function notices(lines: readonly string[]): void {
  for (const line of lines) log(`mlsweep: note: ${line}`);
}

/**
 * A deletion goes ahead with --yes, or when a person at a terminal says so; a script must
 * pass --yes. The batch endpoint commands share it.
 *
 * @example
 * if (!(await confirmed(options.yes === true, 'endpoint iris'))) return;
 */
export async function confirmed(yes: boolean, what: string): Promise<boolean> {
  if (yes) return true;
  if (process.stdin.isTTY !== true) {
    throw new ValidationError(`deleting the ${what} needs --yes (there is no terminal to confirm at)`, {
      path: '--yes',
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`delete the ${what}? [y/N] `);
    if (/^y(es)?$/i.test(answer.trim())) return true;
    log('nothing deleted');
    return false;
  } finally {
    rl.close();
  }
}

function endpointJson(store: EndpointStore, record: EndpointRecord): Record<string, unknown> {
  return recordJson(record, { deployments: store.listDeployments(record.spec.name).map((d) => d.spec.name) });
}

function deploymentJson(record: DeploymentRecord): Record<string, unknown> {
  return recordJson(record);
}

/**
 * A stored endpoint or deployment as `--json` prints it: its spec, `extra`, then its dates
 * and who changed it. The batch endpoint commands share it.
 *
 * @example
 * recordJson(record, { deployments: ['blue'] }); // { name: 'iris', …, deployments: ['blue'], createdAt, updatedAt, changedBy }
 */
export function recordJson(
  record: SpecRecord<object>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...record.spec,
    ...extra,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    changedBy: record.changedBy ?? null,
  };
}

/** How `list`, `show` and `delete` reach one kind of endpoint (online or batch). */
export interface EndpointKind<S, R extends SpecRecord<{ readonly name: string }>> {
  /** As messages name it: `endpoint`, `batch endpoint`. */
  readonly noun: string;
  readonly open: <T>(options: StoreOption, fn: (store: S) => T) => T;
  readonly list: (store: S) => R[];
  readonly get: (store: S, name: string) => R;
  readonly json: (store: S, record: R) => Record<string, unknown>;
  readonly show: (store: S, record: R) => string;
  readonly deployments: (store: S, name: string) => string[];
  readonly remove: (store: S, name: string) => { deployments: string[] };
  /** The list table's header and each endpoint's row. */
  readonly columns: readonly string[];
  readonly row: (store: S, record: R) => string[];
  readonly describe: { readonly list: string; readonly show: string; readonly delete: string };
}

/**
 * Registers `list`, `show NAME` and `delete NAME [--yes]` under an endpoint command: the
 * one piece of code behind `mlsweep endpoint` and `mlsweep batch-endpoint` for them.
 *
 * @example
 * registerListShowDelete(program.command('batch-endpoint'), batchKind);
 */
export function registerListShowDelete<S, R extends SpecRecord<{ readonly name: string }>>(
  parent: Command,
  kind: EndpointKind<S, R>,
): void {
  withStoreOptions(parent.command('list').description(kind.describe.list)).action((options: JsonOption) =>
    kind.open(options, (store) => {
      const list = kind.list(store);
      printResult(
        options.json === true,
        list.map((r) => kind.json(store, r)),
        () =>
          table(
            [...kind.columns],
            list.map((r) => kind.row(store, r)),
          ),
      );
    }),
  );

  withStoreOptions(parent.command('show').description(kind.describe.show))
    .argument('<name>', 'endpoint name')
    .action((name: string, options: JsonOption) =>
      kind.open(options, (store) => {
        const record = kind.get(store, name);
        printResult(options.json === true, kind.json(store, record), () => kind.show(store, record));
      }),
    );

  withStoreOptions(parent.command('delete').description(kind.describe.delete))
    .argument('<name>', 'endpoint name')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, options: JsonOption & { yes?: boolean }) => {
      const deployments = kind.open(options, (store) => kind.deployments(store, name));
      const what = `${kind.noun} ${name}${deployments.length > 0 ? ` and its deployments ${deployments.join(', ')}` : ''}`;
      if (!(await confirmed(options.yes === true, what))) return;
      kind.open(options, (store) => {
        const removed = kind.remove(store, name);
        printResult(
          options.json === true,
          { deleted: name, deployments: removed.deployments },
          () => `deleted ${what}`,
        );
      });
    });
}

/** A deployment's percent (a name like 'constructor' is not inherited from Object). */
function percent(map: Readonly<Record<string, number>>, name: string): number {
  return Object.hasOwn(map, name) ? map[name]! : 0;
}

function split(traffic: Readonly<Record<string, number>>): string {
  const entries = Object.entries(traffic).filter(([, v]) => v > 0);
  return entries.length > 0 ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '-';
}

function showEndpoint(store: EndpointStore, record: EndpointRecord): string {
  const { spec } = record;
  const deployments = store.listDeployments(spec.name);
  return [
    `endpoint ${spec.name}${spec.description ? ` - ${spec.description}` : ''}`,
    `  auth ${spec.authMode}`,
    `  traffic ${split(spec.traffic)}`,
    `  mirror traffic ${split(spec.mirrorTraffic)}`,
    ...Object.entries(spec.tags).map(([k, v]) => `  tag ${k} = ${v}`),
    `  updated ${when(record.updatedAt)}${record.changedBy ? ` by ${record.changedBy}` : ''}`,
    table(
      ['deployment', 'traffic', 'model'],
      deployments.map((d) => [d.spec.name, `${percent(spec.traffic, d.spec.name)}%`, d.spec.model]),
    ),
  ].join('\n');
}

function showDeployment(record: DeploymentRecord): string {
  const { spec } = record;
  const scale = spec.scaleSettings;
  return [
    `deployment ${spec.name} of endpoint ${spec.endpointName}${spec.description ? ` - ${spec.description}` : ''}`,
    `  model ${spec.model}`,
    ...(spec.codeConfiguration
      ? [`  scoring module ${spec.codeConfiguration.scoringScript} in ${spec.codeConfiguration.code}`]
      : []),
    ...(spec.environment ? [`  environment ${spec.environment}`] : []),
    `  instances ${spec.instanceCount}`,
    `  request timeout ${spec.requestSettings.requestTimeoutMs} ms, at most ${spec.requestSettings.maxConcurrentRequestsPerInstance} requests per instance`,
    `  scale ${scale.type === 'default' ? 'default' : `${scale.minInstances}-${scale.maxInstances} instances at ${scale.targetUtilizationPercentage}% utilization`}`,
    ...(spec.dataCollector
      ? [
          `  collects ${[spec.dataCollector.modelInputs ? 'inputs' : '', spec.dataCollector.modelOutputs ? 'outputs' : ''].filter(Boolean).join(' and ') || 'nothing'} every ${spec.dataCollector.rollingRate}`,
        ]
      : []),
    `  updated ${when(record.updatedAt)}${record.changedBy ? ` by ${record.changedBy}` : ''}`,
  ].join('\n');
}
