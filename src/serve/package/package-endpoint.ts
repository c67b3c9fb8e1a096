/**
 * `mlsweep endpoint package`: what it takes to run an endpoint beyond this machine.
 *
 * The output folder is an OCI build context and a set of Kubernetes manifests:
 *
 * ```
 * Dockerfile           FROM node:20-slim; npm ci; CMD node entrypoint.mjs
 * .dockerignore        keeps k8s/ (the keys) and README.md out of the image
 * package.json         depends on mlsweep at this version
 * package-lock.json    mlsweep's production tree, pinned (lockfile.ts says why this way)
 * entrypoint.mjs       runs the same server (entrypoint.ts)
 * serve-config.json    the ServeConfig, paths relative to this folder, no secrets
 * models/<deployment>/ the model file (or the registered model's folder)
 * code/<deployment>/   the scoring module's folder, when the deployment has one
 * k8s/*.yaml           one object per file (manifests.ts)
 * README.md            how to build, run and deploy it
 * ```
 *
 * The folder is written whole or not at all: everything goes to a staging folder beside
 * it, renamed into place at the end. An existing folder that is not empty is refused
 * unless `force`, and then replaced in one rename.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, ValidationError } from '../../core/errors.ts';
import type { DeploymentSpec } from '../../registry/endpoint-types.ts';
import type { ServeConfig, ServedDeployment, ServedEndpoint } from '../types.ts';
import { ENTRYPOINT_FILE, entrypointSource, SERVE_CONFIG_FILE } from './entrypoint.ts';
import { endpointLockfile, findLockSource, type LockSource, mlsweepPackageDir } from './lockfile.ts';
import {
  CONTAINER_PORT,
  endpointManifests,
  kubeName,
  type Manifest,
  type ResourceHints,
  SECRET_ENV,
} from './manifests.ts';

/** Choices of `packageEndpoint` beyond the endpoint. */
export interface PackageOptions {
  /** Image name for the manifests (default `mlsweep-<endpoint>:<mlsweep version>-<revision hash>`). */
  readonly image?: string;
  /** Replace a non-empty output folder. */
  readonly force?: boolean;
  /** Namespace written into the manifests (default: none, kubectl's current one). */
  readonly namespace?: string;
  readonly resources?: ResourceHints;
  /** The lockfile to pin from (default: the one this copy of mlsweep was installed with). */
  readonly lockSource?: LockSource;
  /** mlsweep's version the image depends on (default: this copy's). */
  readonly mlsweepVersion?: string;
}

/** What was written. */
export interface PackageResult {
  readonly endpoint: string;
  readonly outDir: string;
  readonly image: string;
  readonly mlsweepVersion: string;
  readonly deployments: readonly string[];
  /** Files written, relative to outDir, `/`-separated, sorted. */
  readonly files: readonly string[];
  /** `Kind/name` of each manifest. */
  readonly manifests: readonly string[];
}

/** The served snapshot as written into the context: paths relative to it, no credentials. */
interface PackagedConfig extends ServeConfig {
  readonly format: 'mlsweep-packaged-endpoint/1';
  readonly mlsweepVersion: string;
  /** Endpoint name -> the environment variable each secret is read from. */
  readonly secrets: Readonly<Record<string, typeof SECRET_ENV>>;
}

/** The version in this copy of mlsweep's package.json. */
function packageJsonVersion(): string {
  return (JSON.parse(readFileSync(join(mlsweepPackageDir(), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** `/`-separated path of `path` relative to `from`. */
function rel(from: string, path: string): string {
  return relative(from, path).split(sep).join('/');
}

/** Whether `inner` is `outer` or inside it. */
function within(outer: string, inner: string): boolean {
  const r = relative(outer, inner);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/**
 * Copies a deployment's model and scoring module into the staging folder and returns
 * the deployment with paths relative to the context.
 */
function stageDeployment(staging: string, served: ServedDeployment): ServedDeployment {
  const { spec } = served;
  const name = spec.name;
  const modelTarget = join(staging, 'models', name);
  mkdirSync(modelTarget, { recursive: true });
  const isRegistryReference = spec.model.startsWith('models:/');
  const modelIsFolder = !isRegistryReference && existsSync(spec.model) && statSync(spec.model).isDirectory();
  let modelFile: string;
  let modelDir: string;
  if (!existsSync(served.modelFile)) {
    throw new ConfigError(`deployment ${name}: the model file ${served.modelFile} does not exist`);
  }
  if ((isRegistryReference || modelIsFolder) && within(served.modelDir, served.modelFile)) {
    // a registered folder or a model folder: the whole folder is the model (AZUREML_MODEL_DIR)
    cpSync(served.modelDir, modelTarget, { recursive: true, dereference: true });
    modelFile = join(modelTarget, relative(served.modelDir, served.modelFile));
    modelDir = modelTarget;
  } else {
    // a model file: that file alone, as Azure uploads a `model: path:` that names a file
    modelFile = join(modelTarget, basename(served.modelFile));
    cpSync(served.modelFile, modelFile, { dereference: true });
    modelDir = modelTarget;
  }
  let codeConfiguration = spec.codeConfiguration;
  let scoringScript: string | undefined;
  if (spec.codeConfiguration !== undefined) {
    const code = spec.codeConfiguration.code;
    if (!existsSync(code) || !statSync(code).isDirectory()) {
      throw new ConfigError(`deployment ${name}: code_configuration.code ${code} is not a folder`);
    }
    const codeTarget = join(staging, 'code', name);
    cpSync(code, codeTarget, {
      recursive: true,
      dereference: true,
      filter: (source) => basename(source) !== '.git',
    });
    codeConfiguration = {
      code: rel(staging, codeTarget),
      scoringScript: spec.codeConfiguration.scoringScript,
    };
    const script = served.scoringScript ?? join(code, spec.codeConfiguration.scoringScript);
    if (!within(code, script)) {
      throw new ConfigError(
        `deployment ${name}: the scoring script ${script} is outside its code folder ${code}`,
      );
    }
    scoringScript = rel(staging, join(codeTarget, relative(code, script)));
  }
  const packagedSpec: DeploymentSpec = {
    ...spec,
    model: rel(staging, modelFile),
    ...(codeConfiguration === undefined ? {} : { codeConfiguration }),
  };
  return {
    spec: packagedSpec,
    modelFile: rel(staging, modelFile),
    modelDir: rel(staging, modelDir),
    ...(scoringScript === undefined ? {} : { scoringScript }),
    revision: served.revision,
  };
}

/**
 * The Dockerfile of the context.
 *
 * @example
 * dockerfile(); // 'FROM node:20-slim\n...'
 */
export function dockerfile(): string {
  return `# An mlsweep online endpoint, written by \`mlsweep endpoint package\`.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
# mlsweep and its dependencies at the versions in package-lock.json; its native addon
# falls back to JavaScript where the image has no compiler
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY ${ENTRYPOINT_FILE} ${SERVE_CONFIG_FILE} ./
COPY models ./models
COPY code ./code
RUN mkdir -p /data && chown node:node /data
USER node
ENV HOST=0.0.0.0 PORT=${CONTAINER_PORT} MLSWEEP_DATA_DIR=/data
EXPOSE ${CONTAINER_PORT}
# exec form: node is PID 1 and gets SIGTERM, so in-flight requests drain
CMD ["node", "${ENTRYPOINT_FILE}"]
`;
}

function readme(endpoint: string, image: string, manifests: readonly string[], secretFile?: string): string {
  const hasKeys = secretFile !== undefined;
  return `# ${endpoint}: a packaged mlsweep endpoint

Written by \`mlsweep endpoint package\`. This folder is an OCI build context; \`k8s/\`
holds the Kubernetes manifests${hasKeys ? ` (and the keys, in ${secretFile}: keep it private)` : ''}.

Build and push the image:

    docker build -t ${image} .
    docker push ${image}

Run it without a container (Node 20, mlsweep installed here by \`npm ci\`):

    npm ci --omit=dev
    ${hasKeys ? 'MLSWEEP_PRIMARY_KEY=… MLSWEEP_SECONDARY_KEY=… MLSWEEP_TOKEN_SECRET=… ' : ''}PORT=8080 node ${ENTRYPOINT_FILE}

Deploy it:

    kubectl apply -f k8s/

Objects: ${manifests.join(', ')}.

The traffic split is written for ingress-nginx (a main Ingress and canary Ingresses with
\`canary-weight\`, and \`canary-by-header: azureml-model-deployment\` for pinning); ingress-nginx
routes one canary per host and path. The \`mlsweep.io/traffic\` annotations carry the
weights for other controllers.
`;
}

/** The default image name: lowercase endpoint, mlsweep's version and a hash of what is served. */
function defaultImage(endpoint: ServedEndpoint, version: string): string {
  const hash = createHash('sha256');
  for (const d of endpoint.deployments) hash.update(`${d.spec.name}\0${d.revision}\0`);
  return `mlsweep-${kubeName(endpoint.spec.name)}:${version}-${hash.digest('hex').slice(0, 8)}`;
}

/** Refuses an output folder that exists and is not empty (unless force), or is a file. */
function checkOutDir(outDir: string, force: boolean): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new ValidationError(`--out ${outDir} is a file, not a folder`);
  if (!force && readdirSync(outDir).length > 0) {
    throw new ValidationError(`--out ${outDir} exists and is not empty (use --force to replace it)`);
  }
}

/**
 * Writes an endpoint's build context and Kubernetes manifests to `outDir`, atomically.
 *
 * @example
 * const endpoint = loadServeConfig('mlruns').endpoints.find((e) => e.spec.name === 'iris')!;
 * packageEndpoint(endpoint, 'iris-package').files; // ['.dockerignore', 'Dockerfile', ...]
 */
export function packageEndpoint(
  endpoint: ServedEndpoint,
  outDir: string,
  options: PackageOptions = {},
): PackageResult {
  const out = resolve(outDir);
  checkOutDir(out, options.force === true);
  if (endpoint.deployments.length === 0) {
    throw new ValidationError(`endpoint ${endpoint.spec.name} has no deployment to package`);
  }
  const version = options.mlsweepVersion ?? packageJsonVersion();
  const lockSource = options.lockSource ?? findLockSource();
  const image = options.image ?? defaultImage(endpoint, version);
  const name = endpoint.spec.name;
  mkdirSync(dirname(out), { recursive: true });
  const staging = join(
    dirname(out),
    `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    mkdirSync(staging);
    mkdirSync(join(staging, 'code'));
    const deployments = endpoint.deployments.map((d) => stageDeployment(staging, d));
    const config: PackagedConfig = {
      format: 'mlsweep-packaged-endpoint/1',
      mlsweepVersion: version,
      endpoints: [{ spec: endpoint.spec, deployments }],
      secrets: endpoint.credentials === undefined ? {} : { [name]: SECRET_ENV },
    };
    const projectName = `mlsweep-endpoint-${kubeName(name)}`;
    const write = (file: string, text: string, mode = 0o644) => {
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      writeFileSync(join(staging, file), text, { mode });
    };
    write(SERVE_CONFIG_FILE, `${JSON.stringify(config, null, 2)}\n`);
    write(ENTRYPOINT_FILE, entrypointSource(), 0o755);
    write('Dockerfile', dockerfile());
    write('.dockerignore', 'k8s/\nREADME.md\ncollected/\nnode_modules/\n');
    write(
      'package.json',
      `${JSON.stringify(
        {
          name: projectName,
          version: '1.0.0',
          private: true,
          description: `mlsweep online endpoint ${name}`,
          type: 'module',
          engines: { node: '>=20' },
          scripts: { start: `node ${ENTRYPOINT_FILE}` },
          dependencies: { mlsweep: version },
        },
        null,
        2,
      )}\n`,
    );
    const lock = endpointLockfile(projectName, lockSource);
    if (lock.packages['node_modules/mlsweep']?.version !== version) {
      throw new ConfigError(
        `the lockfile pins mlsweep ${String(lock.packages['node_modules/mlsweep']?.version)}, not ${version}`,
        { file: lockSource.file },
      );
    }
    write('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
    const manifests = endpointManifests({
      endpoint: endpoint.spec,
      deployments: endpoint.deployments.map((d) => d.spec),
      image,
      ...(endpoint.credentials === undefined ? {} : { credentials: endpoint.credentials }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.resources === undefined ? {} : { resources: options.resources }),
    });
    const names: string[] = [];
    let secretFile: string | undefined;
    for (const manifest of manifests) {
      const file = manifestFile(manifest);
      if (manifest.kind === 'Secret') secretFile = file;
      // the keys: readable by their owner only
      write(file, stringify(manifest, { lineWidth: 0 }), manifest.kind === 'Secret' ? 0o600 : 0o644);
      names.push(`${manifest.kind}/${(manifest.metadata as { name: string }).name}`);
    }
    write('README.md', readme(name, image, names, secretFile));
    const files = listFiles(staging);
    // into place: an empty folder is removed, a forced one replaced in one rename
    if (existsSync(out)) {
      const trash = `${staging}.old`;
      renameSync(out, trash);
      try {
        renameSync(staging, out);
      } catch (error) {
        renameSync(trash, out);
        throw error;
      }
      rmSync(trash, { recursive: true, force: true });
    } else {
      renameSync(staging, out);
    }
    return {
      endpoint: name,
      outDir: out,
      image,
      mlsweepVersion: version,
      deployments: deployments.map((d) => d.spec.name),
      files,
      manifests: names,
    };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** `k8s/<order>-<kind>-<name>.yaml`: kubectl applies a folder in name order, the Secret first. */
function manifestFile(manifest: Manifest): string {
  const order: Record<string, string> = {
    Secret: '00',
    Deployment: '10',
    Service: '20',
    HorizontalPodAutoscaler: '30',
    Ingress: '40',
  };
  const name = (manifest.metadata as { name: string }).name;
  return `k8s/${order[manifest.kind] ?? '50'}-${manifest.kind.toLowerCase()}-${name}.yaml`;
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(rel(root, path));
    }
  };
  walk(root);
  return files.sort();
}
