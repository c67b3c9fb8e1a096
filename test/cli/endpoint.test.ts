import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import { checkCredentials } from '../../src/serve/auth.ts';
import { loadServeConfig } from '../../src/serve/catalog.ts';
import { assertOneLine, root, runCli, tempDir } from '../hostile/helpers.ts';

const examples = join(root, 'examples', 'endpoints');

/** `mlsweep <args> --store S`, expecting success; returns the parsed JSON when --json is given. */
function ok(store: string, args: string[]): unknown {
  const r = runCli([...args, '--store', store]);
  assert.equal(r.code, 0, r.stderr);
  return args.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
}

/** `mlsweep <args> --store S`, expecting exit 2 with one line matching `pattern`. */
function refused(store: string, args: string[], pattern: RegExp): void {
  const r = runCli([...args, '--store', store]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assertOneLine(r.stderr, pattern);
}

describe('mlsweep endpoint and deployment', () => {
  it('create, blue/green traffic, mirror, keys, delete: the whole life of an endpoint', () => {
    const store = join(tempDir('endpoint-cli'), 'mlruns');
    const created = ok(store, [
      'endpoint',
      'create',
      '-f',
      join(examples, 'endpoint.yml'),
      '--json',
    ]) as Record<string, unknown>;
    assert.equal(created['name'], 'iris');
    assert.equal(created['authMode'], 'key');
    assert.deepEqual(created['deployments'], []);
    const blue = ok(store, [
      'deployment',
      'create',
      '-f',
      join(examples, 'blue.yml'),
      '--all-traffic',
      '--json',
    ]) as {
      model: string;
    };
    assert.equal(blue.model, join(examples, 'models', 'iris-logistic.json'));
    const green = runCli(['deployment', 'create', '-f', join(examples, 'green.yml'), '--store', store]);
    assert.equal(green.code, 0, green.stderr);
    assert.match(green.stdout, /created deployment green of endpoint iris \(0% of its traffic\)/);
    const split = ok(store, ['endpoint', 'update', 'iris', '--traffic', 'blue=90,green=10', '--json']) as {
      traffic: unknown;
    };
    assert.deepEqual(split.traffic, { blue: 90, green: 10 });
    refused(
      store,
      ['endpoint', 'update', 'iris', '--traffic', 'blue=90,green=20'],
      /must sum to 100 .*got 110/,
    );
    refused(
      store,
      ['endpoint', 'update', 'iris', '--traffic', 'blue=100', '--mirror-traffic', 'green=60'],
      /mirror_traffic of 'green' must be a whole percent from 0 to 50, got 60/,
    );
    ok(store, ['endpoint', 'update', 'iris', '--traffic', 'blue=100', '--mirror-traffic', 'green=20']);
    const shown = ok(store, ['endpoint', 'show', 'iris', '--json']) as Record<string, unknown>;
    assert.deepEqual(shown['traffic'], { blue: 100, green: 0 });
    assert.deepEqual(shown['mirrorTraffic'], { green: 20 });
    assert.deepEqual(shown['deployments'], ['blue', 'green']);
    assert.equal('primaryKey' in shown, false, 'show does not print secrets');

    // the keys work against the served snapshot; regenerating one keeps the other
    const keys = ok(store, ['endpoint', 'get-credentials', 'iris', '--json']) as {
      primaryKey: string;
      secondaryKey: string;
    };
    assert.deepEqual(Object.keys(keys), ['primaryKey', 'secondaryKey']);
    ok(store, ['endpoint', 'regenerate-keys', 'iris', '--key-type', 'secondary']);
    const after = ok(store, ['endpoint', 'get-credentials', 'iris', '--json']) as typeof keys;
    assert.equal(after.primaryKey, keys.primaryKey);
    assert.notEqual(after.secondaryKey, keys.secondaryKey);
    const served = loadServeConfig(store).endpoints[0]!;
    assert.equal(checkCredentials(served, `Bearer ${after.secondaryKey}`, Date.now()), true);
    assert.equal(checkCredentials(served, `Bearer ${keys.secondaryKey}`, Date.now()), false);

    // a deployment with traffic is not deleted; moved off, it is
    refused(
      store,
      ['deployment', 'delete', 'green', '--endpoint-name', 'iris', '--yes'],
      /still takes 20% of its traffic as a mirror/,
    );
    ok(store, ['endpoint', 'update', 'iris', '--mirror-traffic', 'green=0', '--traffic', 'green=100']);
    refused(store, ['deployment', 'delete', 'blue', '--endpoint-name', 'iris'], /needs --yes/);
    ok(store, ['deployment', 'delete', 'blue', '--endpoint-name', 'iris', '--yes']);
    const list = ok(store, ['deployment', 'list', '--endpoint-name', 'iris', '--json']) as Array<{
      name: string;
    }>;
    assert.deepEqual(
      list.map((d) => d.name),
      ['green'],
    );
    const deleted = ok(store, ['endpoint', 'delete', 'iris', '--yes', '--json']);
    assert.deepEqual(deleted, { deleted: 'iris', deployments: ['green'] });
    assert.deepEqual(ok(store, ['endpoint', 'list', '--json']), []);
  });

  it('token auth: get-credentials issues a one-hour token the served endpoint accepts', () => {
    const store = join(tempDir('endpoint-cli-token'), 'mlruns');
    ok(store, ['endpoint', 'create', '-f', join(examples, 'token-endpoint.yml'), '--name', 'tok-en']);
    const before = Math.floor(Date.now() / 1000);
    const token = ok(store, ['endpoint', 'get-credentials', 'tok-en', '--json']) as {
      accessToken: string;
      expiryTimeUtc: number;
      tokenType: string;
    };
    assert.equal(token.tokenType, 'Bearer');
    assert.ok(token.expiryTimeUtc >= before + 3600 && token.expiryTimeUtc <= before + 3600 + 60);
    const served = loadServeConfig(store).endpoints[0]!;
    assert.equal(served.spec.name, 'tok-en');
    assert.equal(checkCredentials(served, `Bearer ${token.accessToken}`, Date.now()), true);
    assert.equal(
      checkCredentials(served, `Bearer ${token.accessToken}`, (token.expiryTimeUtc + 1) * 1000),
      false,
    );
  });

  it('endpoint update -f keeps the traffic unless the file sets it; notices go to stderr', () => {
    const dir = tempDir('endpoint-cli-update');
    const store = join(dir, 'mlruns');
    ok(store, ['endpoint', 'create', '-f', join(examples, 'endpoint.yml')]);
    ok(store, ['deployment', 'create', '-f', join(examples, 'blue.yml'), '--all-traffic']);
    const file = join(dir, 'endpoint.yml');
    writeFileSync(file, 'name: ignored-name\ndescription: second\nidentity: {type: system_assigned}\n');
    const r = runCli(['endpoint', 'update', 'iris', '-f', file, '--json', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^mlsweep: note: identity is ignored: /m);
    const updated = JSON.parse(r.stdout) as { description: string; traffic: unknown; name: string };
    assert.equal(updated.name, 'iris');
    assert.equal(updated.description, 'second');
    assert.deepEqual(updated.traffic, { blue: 100 });
    const endpoints = new EndpointStore({ dir: store, create: false });
    assert.equal(endpoints.getEndpoint('iris').changedBy, userInfo().username, 'who changed it is recorded');
    endpoints.close();
  });

  it('invoke scores a request with the deployment the split or the pin chooses', () => {
    const dir = tempDir('endpoint-cli-invoke');
    const store = join(dir, 'mlruns');
    ok(store, ['endpoint', 'create', '-f', join(examples, 'endpoint.yml')]);
    ok(store, ['deployment', 'create', '-f', join(examples, 'blue.yml'), '--all-traffic']);
    ok(store, ['deployment', 'create', '-f', join(examples, 'green.yml')]);
    const request = join(examples, 'request.json');
    const byTraffic = runCli(['endpoint', 'invoke', 'iris', '--request-file', request, '--store', store]);
    assert.equal(byTraffic.code, 0, byTraffic.stderr);
    assert.deepEqual(JSON.parse(byTraffic.stdout), ['setosa', 'virginica']);
    assert.match(byTraffic.stderr, /answered by deployment blue/);
    const pinned = runCli([
      'endpoint',
      'invoke',
      'iris',
      '--request-file',
      request,
      '--deployment-name',
      'green',
      '--store',
      store,
    ]);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.match(pinned.stderr, /answered by deployment green/);
    const json = ok(store, ['endpoint', 'invoke', 'iris', '--request-file', request, '--json']);
    assert.deepEqual(json, { deployment: 'blue', answer: ['setosa', 'virginica'] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"input_data": {"columns": ["a"], "data": [[1]]}}');
    refused(
      store,
      ['endpoint', 'invoke', 'iris', '--request-file', bad],
      /endpoint iris answered 400: the request lacks the columns 'sepal_length_cm'/,
    );
  });

  it('refuses bad files and references with one line and exit 2', () => {
    const dir = tempDir('endpoint-cli-errors');
    const store = join(dir, 'mlruns');
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    refused(
      store,
      ['endpoint', 'create', '-f', write('bad.yml', 'name: iris\nauth_mode: aad_token\n')],
      /bad\.yml:line 2, column 1: auth_mode: 'aad_token' .* not available locally/,
    );
    ok(store, ['endpoint', 'create', '-f', join(examples, 'endpoint.yml')]);
    refused(
      store,
      ['endpoint', 'create', '-f', join(examples, 'endpoint.yml')],
      /an endpoint named 'iris' already exists/,
    );
    writeFileSync(join(dir, 'not-a-pipeline.json'), '{"weights": [1, 2]}');
    refused(
      store,
      [
        'deployment',
        'create',
        '-f',
        write('d1.yml', 'name: blue\nendpoint_name: iris\nmodel: not-a-pipeline.json\n'),
      ],
      /is not a pipeline saved by mlsweep automl/,
    );
    refused(
      store,
      ['deployment', 'create', '-f', write('d2.yml', 'name: blue\nendpoint_name: iris\nmodel: gone.json\n')],
      /gone\.json \(deployment blue\) does not exist/,
    );
    refused(
      store,
      [
        'deployment',
        'create',
        '-f',
        write('d3.yml', 'name: blue\nendpoint_name: iris\nmodel: azureml:iris:2\n'),
      ],
      /no registered model named 'iris'/,
    );
    refused(
      store,
      [
        'deployment',
        'create',
        '-f',
        write('d4.yml', 'name: blue\nendpoint_name: iris\nmodel: m.json\ninstance_cont: 2\n'),
      ],
      /d4\.yml:line 4, column 1: instance_cont: unknown key 'instance_cont'; did you mean 'instance_count'\?/,
    );
    refused(
      store,
      ['deployment', 'create', '-f', join(examples, 'blue.yml'), '--endpoint-name', 'nope'],
      /no endpoint named 'nope'; known: iris/,
    );
    refused(
      store,
      ['deployment', 'update', '-f', join(examples, 'blue.yml')],
      /has no deployment named 'blue'/,
    );
    refused(store, ['endpoint', 'show', 'wine'], /no endpoint named 'wine'; known: iris/);
    refused(store, ['endpoint', 'update', 'iris'], /needs --traffic, --mirror-traffic or -f FILE/);
    refused(
      store,
      ['endpoint', 'update', 'iris', '--traffic', 'blue:100'],
      /--traffic expects DEPLOYMENT=PERCENT/,
    );
    const bad = runCli(['endpoint', 'regenerate-keys', 'iris', '--key-type', 'tertiary', '--store', store]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.split('\n')[0]!, /^mlsweep: .*--key-type.* expected one of primary, secondary/);
    refused(join(dir, 'no-store'), ['endpoint', 'list'], /no mlsweep store/);
  });
});
