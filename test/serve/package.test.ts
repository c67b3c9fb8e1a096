import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError, ValidationError } from '../../src/core/errors.ts';
import { DEFAULT_PROBE, type DeploymentSpec, type EndpointSpec } from '../../src/registry/endpoint-types.ts';
import {
  endpointLockfile,
  findLockSource,
  type Lockfile,
  resolveInLock,
} from '../../src/serve/package/lockfile.ts';
import { kubeName } from '../../src/serve/package/manifests.ts';
import { packageEndpoint } from '../../src/serve/package/package-endpoint.ts';
import type { ServedEndpoint } from '../../src/serve/types.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-package-'));
  dirs.push(dir);
  return dir;
}

const repoVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A container's environment variable in a parsed manifest. */
type EnvVar = { name: string; value?: string; valueFrom?: unknown };

/** Why the npm check cannot run here (no npm on the PATH), or false. */
const npmSkip: string | false =
  spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0 ? false : 'npm is not on the PATH';

const credentials = { primaryKey: 'pk-123', secondaryKey: 'sk-456', tokenSecret: 'ts-789' };

function spec(over: Partial<DeploymentSpec> & Pick<DeploymentSpec, 'name' | 'model'>): DeploymentSpec {
  return {
    endpointName: 'iris',
    description: '',
    tags: {},
    instanceCount: 2,
    requestSettings: { requestTimeoutMs: 5000, maxConcurrentRequestsPerInstance: 8, maxBodyBytes: 1_000_000 },
    livenessProbe: DEFAULT_PROBE,
    readinessProbe: DEFAULT_PROBE,
    scaleSettings: { type: 'default' },
    ...over,
  };
}

/** An endpoint with a file model (blue, autoscaled) and a model folder with a scoring module (green). */
function fixture(): { endpoint: ServedEndpoint; sources: string } {
  const sources = tempDir();
  const blueModel = join(sources, 'blue-model.json');
  writeFileSync(blueModel, '{"format":"x","w":[1]}');
  writeFileSync(join(sources, 'unrelated.txt'), 'not part of the model');
  const greenDir = join(sources, 'green-model');
  mkdirSync(greenDir);
  writeFileSync(join(greenDir, 'model.json'), '{"w":[2]}');
  writeFileSync(join(greenDir, 'vocabulary.txt'), 'a\nb\n');
  const code = join(sources, 'src');
  mkdirSync(join(code, 'lib'), { recursive: true });
  writeFileSync(join(code, 'score.mjs'), 'export function init() {}\nexport function run(b) { return b; }\n');
  writeFileSync(join(code, 'lib', 'util.mjs'), 'export const x = 1;\n');
  mkdirSync(join(code, '.git'));
  writeFileSync(join(code, '.git', 'HEAD'), 'ref');
  const endpointSpec: EndpointSpec = {
    name: 'iris',
    description: '',
    tags: {},
    authMode: 'key',
    traffic: { blue: 90, green: 10 },
    mirrorTraffic: {},
  };
  const readiness = { initialDelay: 3, period: 7, timeout: 4, successThreshold: 2, failureThreshold: 5 };
  const blue = spec({
    name: 'blue',
    model: blueModel,
    readinessProbe: readiness,
    livenessProbe: { ...DEFAULT_PROBE, successThreshold: 3 },
    scaleSettings: {
      type: 'target_utilization',
      minInstances: 2,
      maxInstances: 6,
      targetUtilizationPercentage: 65,
      pollingInterval: 1,
    },
    dataCollector: {
      modelInputs: true,
      modelOutputs: true,
      rollingRate: 'hour',
      samplingRate: 1,
      destination: '/somewhere',
    },
  });
  const green = spec({
    name: 'green',
    model: greenDir,
    instanceCount: 1,
    codeConfiguration: { code, scoringScript: 'score.mjs' },
  });
  return {
    sources,
    endpoint: {
      spec: endpointSpec,
      credentials,
      deployments: [
        { spec: blue, modelFile: blueModel, modelDir: sources, revision: 'r-blue' },
        {
          spec: green,
          modelFile: join(greenDir, 'model.json'),
          modelDir: greenDir,
          scoringScript: join(code, 'score.mjs'),
          revision: 'r-green',
        },
      ],
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: parsed manifests are read by known paths, asserted as they go
type Parsed = Record<string, any>;

function yamlFiles(out: string): Parsed[] {
  return readdirSync(join(out, 'k8s'))
    .sort()
    .map((f) => parse(readFileSync(join(out, 'k8s', f), 'utf8')) as Parsed);
}

describe('packageEndpoint', () => {
  const { endpoint, sources } = fixture();
  const out = join(tempDir(), 'iris-package');
  const result = packageEndpoint(endpoint, out, { image: 'registry.example/iris:7' });

  it('writes the build context: Dockerfile, package, lockfile, entrypoint, config, models and code', () => {
    for (const file of [
      '.dockerignore',
      'Dockerfile',
      'README.md',
      'entrypoint.mjs',
      'package-lock.json',
      'package.json',
      'serve-config.json',
      'models/blue/blue-model.json',
      'models/green/model.json',
      'models/green/vocabulary.txt',
      'code/green/score.mjs',
      'code/green/lib/util.mjs',
    ]) {
      assert.ok(result.files.includes(file), `${file} in ${result.files.join(', ')}`);
    }
    // a file model is that file alone, not its whole folder; the code's .git stays home
    assert.ok(!result.files.some((f) => f.includes('unrelated') || f.includes('.git/')));
    assert.equal(result.outDir, out);
    assert.deepEqual(result.deployments, ['blue', 'green']);
  });

  it('the Dockerfile builds from node:20-slim, installs from the lockfile and runs the entrypoint', () => {
    const text = readFileSync(join(out, 'Dockerfile'), 'utf8');
    assert.match(text, /^FROM node:20-slim$/m);
    assert.match(text, /^COPY package\.json package-lock\.json \.\/$/m);
    assert.match(text, /^RUN npm ci --omit=dev/m);
    assert.match(text, /^CMD \["node", "entrypoint\.mjs"\]$/m);
    assert.match(readFileSync(join(out, '.dockerignore'), 'utf8'), /^k8s\/$/m);
  });

  it('package.json depends on this mlsweep, and the lockfile pins its whole production tree', () => {
    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.dependencies, { mlsweep: repoVersion });
    const lock = JSON.parse(readFileSync(join(out, 'package-lock.json'), 'utf8')) as Lockfile;
    assert.equal(lock.lockfileVersion, 3);
    assert.deepEqual(lock.packages['']!.dependencies, { mlsweep: repoVersion });
    assert.equal(lock.packages['node_modules/mlsweep']!.version, repoVersion);
    assert.equal(lock.packages['node_modules/mlsweep']!.devDependencies, undefined);
    // every required dependency of every package resolves inside the lockfile
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.dependencies ?? {})) {
        assert.ok(resolveInLock(lock.packages, path, name) !== undefined, `${path} needs ${name}`);
      }
    }
    // versions and integrity hashes are this checkout's, and no dev tool came along
    const source = JSON.parse(
      readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'),
    ) as Lockfile;
    assert.equal(
      lock.packages['node_modules/fastify']!.version,
      source.packages['node_modules/fastify']!.version,
    );
    assert.equal(
      lock.packages['node_modules/fastify']!.integrity,
      source.packages['node_modules/fastify']!.integrity,
    );
    for (const dev of ['node_modules/typescript', 'node_modules/tsx', 'node_modules/@biomejs/biome']) {
      assert.equal(lock.packages[dev], undefined, dev);
    }
    assert.equal(lock.packages['node_modules/better-sqlite3']!.optional, true);
  });

  it('npm ci accepts the lockfile and installs from it alone (a dry run, offline)', { skip: npmSkip }, () => {
    const r = spawnSync(
      'npm',
      ['ci', '--dry-run', '--offline', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund'],
      {
        cwd: out,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    // offline, any package missing from the lockfile would have to be fetched, and fail
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /add mlsweep /);
    assert.match(r.stdout, /add fastify /);
  });

  it('serve-config.json is the ServeConfig with paths relative to the context and no secret', () => {
    const text = readFileSync(join(out, 'serve-config.json'), 'utf8');
    assert.ok(!text.includes(sources), 'no path of this machine');
    for (const secret of Object.values(credentials)) assert.ok(!text.includes(secret), 'no key in the image');
    const config = JSON.parse(text);
    const [blue, green] = config.endpoints[0].deployments;
    assert.equal(blue.modelFile, 'models/blue/blue-model.json');
    assert.equal(blue.modelDir, 'models/blue');
    assert.equal(blue.spec.model, 'models/blue/blue-model.json');
    assert.equal(green.modelFile, 'models/green/model.json');
    assert.equal(green.scoringScript, 'code/green/score.mjs');
    assert.deepEqual(green.spec.codeConfiguration, { code: 'code/green', scoringScript: 'score.mjs' });
    assert.deepEqual(config.secrets, {
      iris: {
        primaryKey: 'MLSWEEP_PRIMARY_KEY',
        secondaryKey: 'MLSWEEP_SECONDARY_KEY',
        tokenSecret: 'MLSWEEP_TOKEN_SECRET',
      },
    });
    assert.deepEqual(config.endpoints[0].spec.traffic, { blue: 90, green: 10 });
  });

  it('writes one parseable manifest per file: Deployments, Services, an HPA, the key Secret, Ingresses', () => {
    const manifests = yamlFiles(out);
    const kinds = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    // kubectl applies a folder in file-name order: the Secret before the Deployments reading it
    assert.equal(kinds[0], 'Secret/iris-keys');
    assert.deepEqual(
      [...kinds].sort(),
      [
        'Secret/iris-keys',
        'Deployment/iris-blue',
        'Deployment/iris-green',
        'Service/iris',
        'Service/iris-blue',
        'Service/iris-green',
        'HorizontalPodAutoscaler/iris-blue',
        'Ingress/iris',
        'Ingress/iris-green-canary',
      ].sort(),
    );
    assert.deepEqual([...result.manifests].sort(), [...kinds].sort());
    const byName = (kind: string, name: string) =>
      manifests.find((m) => m.kind === kind && m.metadata.name === name)!;

    const secret = byName('Secret', 'iris-keys');
    assert.deepEqual(secret.stringData, credentials);
    const secretFile = readdirSync(join(out, 'k8s')).find((f) => f.includes('secret'))!;
    assert.equal(statSync(join(out, 'k8s', secretFile)).mode & 0o777, 0o600);

    const blue = byName('Deployment', 'iris-blue');
    assert.equal(blue.apiVersion, 'apps/v1');
    assert.equal(blue.spec.replicas, 2);
    assert.equal(blue.metadata.labels['mlsweep.io/deployment'], 'blue');
    const container = blue.spec.template.spec.containers[0];
    assert.equal(container.image, 'registry.example/iris:7');
    assert.deepEqual(container.readinessProbe, {
      httpGet: { path: '/v2/health/ready', port: 'http' },
      initialDelaySeconds: 3,
      periodSeconds: 7,
      timeoutSeconds: 4,
      successThreshold: 2,
      failureThreshold: 5,
    });
    assert.equal(container.livenessProbe.httpGet.path, '/v2/health/live');
    assert.equal(container.livenessProbe.failureThreshold, DEFAULT_PROBE.failureThreshold);
    // Kubernetes accepts only 1 there, whatever liveness_probe.success_threshold says
    assert.equal(container.livenessProbe.successThreshold, 1);
    assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
    assert.equal(container.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(
      container.volumeMounts.map((m: Parsed) => m.mountPath),
      ['/data', '/tmp'],
    );
    const env = Object.fromEntries(container.env.map((e: EnvVar) => [e.name, e.value ?? e.valueFrom]));
    assert.equal(env.MLSWEEP_DEPLOYMENT, 'blue');
    assert.deepEqual(env.MLSWEEP_PRIMARY_KEY, { secretKeyRef: { name: 'iris-keys', key: 'primaryKey' } });
    assert.deepEqual(env.MLSWEEP_SECONDARY_KEY, { secretKeyRef: { name: 'iris-keys', key: 'secondaryKey' } });
    assert.deepEqual(blue.spec.selector.matchLabels, { 'app.kubernetes.io/instance': 'iris-blue' });
    assert.equal(blue.spec.template.metadata.labels['app.kubernetes.io/instance'], 'iris-blue');
    assert.equal(byName('Deployment', 'iris-green').spec.replicas, 1);

    const hpa = byName('HorizontalPodAutoscaler', 'iris-blue');
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 6);
    assert.equal(hpa.spec.scaleTargetRef.name, 'iris-blue');
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 65);

    const service = byName('Service', 'iris');
    assert.equal(service.spec.selector['app.kubernetes.io/part-of'], 'iris');
    assert.equal(blue.spec.template.metadata.labels['app.kubernetes.io/part-of'], 'iris');

    const main = byName('Ingress', 'iris');
    assert.equal(main.spec.rules[0].http.paths[0].backend.service.name, 'iris-blue');
    assert.equal(main.metadata.annotations['mlsweep.io/traffic'], 'blue=90,green=10');
    const canary = byName('Ingress', 'iris-green-canary');
    assert.equal(canary.metadata.annotations['nginx.ingress.kubernetes.io/canary'], 'true');
    assert.equal(canary.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight'], '10');
    assert.equal(
      canary.metadata.annotations['nginx.ingress.kubernetes.io/canary-by-header'],
      'azureml-model-deployment',
    );
    assert.equal(canary.metadata.annotations['nginx.ingress.kubernetes.io/canary-by-header-value'], 'green');
    assert.equal(canary.spec.rules[0].http.paths[0].backend.service.name, 'iris-green');
  });

  it('names a default image from the endpoint, the mlsweep version and what is served', () => {
    const other = packageEndpoint(fixture().endpoint, join(tempDir(), 'p'));
    assert.match(other.image, new RegExp(`^mlsweep-iris:${repoVersion.replace(/\./g, '\\.')}-[0-9a-f]{8}$`));
  });

  it('refuses a non-empty folder without force, replaces it with force, and leaves no staging folder', () => {
    const parent = tempDir();
    const target = join(parent, 'out');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'mine');
    assert.throws(
      () => packageEndpoint(endpoint, target),
      (e: unknown) => e instanceof ValidationError && /--force/.test(e.message),
    );
    assert.equal(readFileSync(join(target, 'keep.txt'), 'utf8'), 'mine');
    packageEndpoint(endpoint, target, { force: true });
    assert.ok(!readdirSync(target).includes('keep.txt'));
    assert.ok(readdirSync(target).includes('Dockerfile'));
    assert.deepEqual(readdirSync(parent), ['out']);
    // an empty folder is fine without force
    const empty = join(parent, 'empty');
    mkdirSync(empty);
    packageEndpoint(endpoint, empty);
    assert.ok(readdirSync(empty).includes('entrypoint.mjs'));
  });

  it('writes nothing when a file is missing halfway', () => {
    const broken = fixture();
    rmSync(broken.endpoint.deployments[1]!.modelFile);
    const parent = tempDir();
    assert.throws(() => packageEndpoint(broken.endpoint, join(parent, 'out')), ConfigError);
    assert.deepEqual(readdirSync(parent), []);
  });

  it('packages an open endpoint without a Secret', () => {
    const { endpoint: open } = fixture();
    const { credentials: _c, ...rest } = open;
    const target = join(tempDir(), 'open');
    packageEndpoint(rest, target);
    const kinds = yamlFiles(target).map((m) => m.kind);
    assert.ok(!kinds.includes('Secret'));
    assert.deepEqual(JSON.parse(readFileSync(join(target, 'serve-config.json'), 'utf8')).secrets, {});
    const deployment = yamlFiles(target).find((m) => m.kind === 'Deployment')!;
    assert.ok(
      !deployment.spec.template.spec.containers[0].env.some((e: EnvVar) => e.valueFrom !== undefined),
    );
  });
});

describe('lockfile', () => {
  it('resolves a dependency the way Node does, nearest node_modules first', () => {
    const packages = {
      '': {},
      'node_modules/a': { version: '1.0.0' },
      'node_modules/b': { version: '1.0.0' },
      'node_modules/b/node_modules/a': { version: '2.0.0' },
    };
    assert.equal(resolveInLock(packages, 'node_modules/b', 'a'), 'node_modules/b/node_modules/a');
    assert.equal(resolveInLock(packages, 'node_modules/a', 'b'), 'node_modules/b');
    assert.equal(resolveInLock(packages, '', 'c'), undefined);
  });

  it('takes the production closure from an installed project, marking optional-only packages', () => {
    const lock: Lockfile = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', dependencies: { mlsweep: '^0.1.0', other: '1' } },
        'node_modules/mlsweep': {
          version: '0.1.0',
          dependencies: { a: '^1' },
          optionalDependencies: { opt: '^1' },
        },
        'node_modules/a': { version: '1.2.0', integrity: 'sha512-a', dependencies: { shared: '^1' } },
        'node_modules/opt': { version: '1.0.0', optional: true, dependencies: { shared: '^1', only: '^1' } },
        'node_modules/shared': { version: '1.0.0' },
        'node_modules/only': { version: '1.0.0', optional: true },
        'node_modules/other': { version: '1.0.0' },
      },
    };
    const out = endpointLockfile('proj', { file: 'x', lock, mlsweepPath: 'node_modules/mlsweep' });
    assert.deepEqual(Object.keys(out.packages).sort(), [
      '',
      'node_modules/a',
      'node_modules/mlsweep',
      'node_modules/only',
      'node_modules/opt',
      'node_modules/shared',
    ]);
    assert.equal(out.packages['node_modules/a']!.integrity, 'sha512-a');
    assert.equal(out.packages['node_modules/shared']!.optional, undefined, 'also required through a');
    assert.equal(out.packages['node_modules/only']!.optional, true);
    assert.deepEqual(out.packages['']!.dependencies, { mlsweep: '0.1.0' });
  });

  it('finds this checkout’s lockfile, and says clearly when there is none', () => {
    assert.equal(findLockSource().mlsweepPath, '');
    const empty = tempDir();
    assert.throws(() => findLockSource(join(empty, 'node_modules', 'mlsweep')), /no lockfile/);
    mkdirSync(join(empty, 'node_modules', 'mlsweep'), { recursive: true });
    writeFileSync(
      join(empty, 'node_modules', '.package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/mlsweep': { version: '0.1.0' } } }),
    );
    assert.equal(findLockSource(join(empty, 'node_modules', 'mlsweep')).mlsweepPath, 'node_modules/mlsweep');
    assert.equal(
      dirname(findLockSource(join(empty, 'node_modules', 'mlsweep')).file),
      join(empty, 'node_modules'),
    );
  });
});

describe('kubeName', () => {
  it('makes RFC 1123 names, short and distinct for long names', () => {
    assert.equal(kubeName('Iris', 'blue'), 'iris-blue');
    const a = kubeName('a'.repeat(32), 'b'.repeat(32), 'canary');
    const b = kubeName('a'.repeat(32), 'b'.repeat(31), 'canary');
    assert.ok(a.length <= 63 && b.length <= 63);
    assert.notEqual(a, b);
    assert.match(a, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });
});
