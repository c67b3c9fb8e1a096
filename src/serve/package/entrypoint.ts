/**
 * The entrypoint of a packaged endpoint (`entrypoint.mjs` in the build context), as text.
 * It is plain JavaScript so that `node entrypoint.mjs` runs it with no build step, in the
 * image and on any machine with Node 20.
 *
 * What it does: reads `serve-config.json` beside it, turns its relative paths into
 * absolute ones, takes the keys from the environment (never from a file of the image),
 * loads mlsweep and serves the same server `mlsweep serve` runs: `createServer({config,
 * host, port})`, `listen()`, and `close()` on SIGTERM or SIGINT.
 *
 * Where mlsweep comes from: `MLSWEEP_MODULE` when set (a path, absolute or relative to
 * the working folder, or a package name), else the package `mlsweep` that `npm ci`
 * installed beside it. The module must export `createServer`. A checkout runs the context
 * without installing anything: `MLSWEEP_MODULE=<checkout>/src/index.ts node --import tsx
 * entrypoint.mjs` (the tests do this with src/serve/server.ts).
 *
 * Environment: `HOST` (default 127.0.0.1, the image sets 0.0.0.0), `PORT` (default 8080;
 * 0 picks a free port), `MLSWEEP_DEPLOYMENT` (serve that deployment alone, with all the
 * traffic: one Kubernetes Deployment per mlsweep deployment), `MLSWEEP_INSTANCE_COUNT`
 * (scoring workers per deployment, replacing `instance_count` and any scale settings:
 * Kubernetes scales pods instead), `MLSWEEP_DATA_DIR` (where the data collector writes;
 * default `collected/` beside the entrypoint), and the keys `MLSWEEP_PRIMARY_KEY`,
 * `MLSWEEP_SECONDARY_KEY`, `MLSWEEP_TOKEN_SECRET` for an endpoint that has them (the
 * entrypoint refuses to start without them rather than serve the endpoint open).
 */

/** The file name of the entrypoint in a build context. */
export const ENTRYPOINT_FILE = 'entrypoint.mjs';

/** The file name of the served snapshot in a build context. */
export const SERVE_CONFIG_FILE = 'serve-config.json';

/**
 * The text of `entrypoint.mjs`.
 *
 * @example
 * writeFileSync(join(context, ENTRYPOINT_FILE), entrypointSource());
 */
export function entrypointSource(): string {
  return `#!/usr/bin/env node
// The entrypoint of an endpoint packaged by \`mlsweep endpoint package\`: it serves
// serve-config.json with mlsweep's server. Written by mlsweep; see README.md beside it.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fromHere = (path) => resolve(here, path);
const env = process.env;

function fail(message) {
  process.stderr.write(\`mlsweep: \${message}\\n\`);
  process.exit(2);
}

/** --host H / --port P on the command line win over HOST / PORT. */
function argument(name) {
  const at = process.argv.indexOf(\`--\${name}\`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const host = argument('host') ?? env.HOST ?? '127.0.0.1';
const portText = argument('port') ?? env.PORT ?? '8080';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(\`PORT must be an integer from 0 to 65535, got \${JSON.stringify(portText)}\`);
const only = env.MLSWEEP_DEPLOYMENT || undefined;
const instancesText = env.MLSWEEP_INSTANCE_COUNT || undefined;
const instances = instancesText === undefined ? undefined : Number(instancesText);
if (instances !== undefined && !(Number.isInteger(instances) && instances >= 1)) {
  fail(\`MLSWEEP_INSTANCE_COUNT must be an integer of at least 1, got \${JSON.stringify(instancesText)}\`);
}
const dataDir = env.MLSWEEP_DATA_DIR ? resolve(env.MLSWEEP_DATA_DIR) : fromHere('collected');

let packaged;
try {
  packaged = JSON.parse(readFileSync(fromHere('${SERVE_CONFIG_FILE}'), 'utf8'));
} catch (error) {
  fail(\`cannot read \${fromHere('${SERVE_CONFIG_FILE}')}: \${error.message}\`);
}

function deployment(served) {
  const spec = served.spec;
  return {
    ...served,
    modelFile: fromHere(served.modelFile),
    modelDir: fromHere(served.modelDir),
    ...(served.scoringScript === undefined ? {} : { scoringScript: fromHere(served.scoringScript) }),
    spec: {
      ...spec,
      model: fromHere(spec.model),
      ...(spec.codeConfiguration === undefined
        ? {}
        : { codeConfiguration: { ...spec.codeConfiguration, code: fromHere(spec.codeConfiguration.code) } }),
      ...(spec.dataCollector === undefined ? {} : { dataCollector: { ...spec.dataCollector, destination: dataDir } }),
      ...(instances === undefined ? {} : { instanceCount: instances, scaleSettings: { type: 'default' } }),
    },
  };
}

const endpoints = packaged.endpoints.map((served) => {
  let spec = served.spec;
  let deployments = served.deployments;
  if (only !== undefined) {
    deployments = deployments.filter((d) => d.spec.name === only);
    if (deployments.length === 0) {
      const names = served.deployments.map((d) => d.spec.name).join(', ');
      fail(\`MLSWEEP_DEPLOYMENT=\${only}: endpoint \${spec.name} has no such deployment (it has \${names})\`);
    }
    spec = { ...spec, traffic: { [only]: 100 }, mirrorTraffic: {} };
  }
  const names = packaged.secrets?.[spec.name];
  let credentials;
  if (names !== undefined) {
    const missing = Object.values(names).filter((variable) => !env[variable]);
    if (missing.length > 0) {
      fail(\`endpoint \${spec.name} authenticates callers (\${spec.authMode}): set \${missing.join(', ')} (k8s/ gives them from its Secret)\`);
    }
    credentials = Object.fromEntries(Object.entries(names).map(([key, variable]) => [key, env[variable]]));
  }
  return { spec, ...(credentials === undefined ? {} : { credentials }), deployments: deployments.map(deployment) };
});

const specifier = env.MLSWEEP_MODULE || 'mlsweep';
const moduleUrl = specifier.startsWith('.') || isAbsolute(specifier) ? pathToFileURL(resolve(specifier)).href : specifier;
let mlsweep;
try {
  mlsweep = await import(moduleUrl);
} catch (error) {
  fail(\`cannot load mlsweep from \${specifier}: \${error.message} (run npm ci here, or set MLSWEEP_MODULE)\`);
}
if (typeof mlsweep.createServer !== 'function') fail(\`\${specifier} does not export createServer\`);

const server = await mlsweep.createServer({ config: { endpoints }, host, port });
const address = await server.listen();
if (typeof address === 'string') process.stderr.write(\`listening on \${address}\\n\`);
else if (address !== undefined && address !== null && typeof address.port === 'number') {
  process.stderr.write(\`listening on http://\${host}:\${address.port}\\n\`);
}

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    // in-flight requests finish, new ones are refused; then the process ends on its own
    Promise.resolve(server.close()).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(\`mlsweep: shutting down: \${error?.message ?? error}\\n\`);
        process.exit(1);
      },
    );
  });
}
`;
}
