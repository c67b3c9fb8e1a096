import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import { checkTraffic, parseTrafficAssignments } from '../../src/registry/endpoint-traffic.ts';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
  DEFAULT_PROBE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type DeploymentSpec,
  type EndpointSpec,
} from '../../src/registry/endpoint-types.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { storeOptions } from '../tracking/helpers/store.ts';

function endpoint(name = 'iris', extra: Partial<EndpointSpec> = {}): EndpointSpec {
  return { name, description: '', tags: {}, authMode: 'key', traffic: {}, mirrorTraffic: {}, ...extra };
}

function deployment(name: string, endpointName = 'iris'): DeploymentSpec {
  return {
    name,
    endpointName,
    description: '',
    tags: {},
    model: '/models/model.json',
    instanceCount: 1,
    requestSettings: {
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      maxConcurrentRequestsPerInstance: DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    },
    livenessProbe: DEFAULT_PROBE,
    readinessProbe: DEFAULT_PROBE,
    scaleSettings: { type: 'default' },
  };
}

function open(): EndpointStore {
  let t = 1_000;
  return new EndpointStore({ ...storeOptions('endpoints'), clock: () => (t += 1000) });
}

/** Runs `fn`, expecting a ValidationError whose message matches `pattern`. */
function refuses(fn: () => unknown, pattern: RegExp, code?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error));
    assert.match(error.message, pattern);
    if (code !== undefined) assert.equal(error.code, code);
    return true;
  });
}

describe('EndpointStore', () => {
  it('creates an endpoint with two distinct random keys and a token secret, and lists it', () => {
    const store = open();
    const record = store.createOrUpdateEndpoint(endpoint('iris', { description: 'flowers' }), {
      changedBy: 'ana',
    });
    assert.equal(record.spec.description, 'flowers');
    assert.equal(record.changedBy, 'ana');
    const c = store.getCredentials('iris');
    assert.match(c.primaryKey, /^[A-Za-z0-9_-]{43}$/);
    assert.match(c.secondaryKey, /^[A-Za-z0-9_-]{43}$/);
    assert.match(c.tokenSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(new Set([c.primaryKey, c.secondaryKey, c.tokenSecret]).size, 3);
    store.createOrUpdateEndpoint(endpoint('abc'));
    assert.deepEqual(
      store.listEndpoints().map((e) => e.spec.name),
      ['abc', 'iris'],
    );
    store.close();
  });

  it('create refuses an existing name, update an unknown one; an update keeps the credentials', () => {
    const store = open();
    store.createOrUpdateEndpoint(endpoint(), { mode: 'create' });
    const before = store.getCredentials('iris');
    refuses(() => store.createOrUpdateEndpoint(endpoint(), { mode: 'create' }), /already exists/, 'E_EXISTS');
    refuses(
      () => store.createOrUpdateEndpoint(endpoint('other'), { mode: 'update' }),
      /no endpoint named 'other'; known: iris/,
      'E_NOT_FOUND',
    );
    store.createOrUpdateEndpoint(endpoint('iris', { authMode: 'aml_token', description: 'v2' }), {
      mode: 'update',
    });
    assert.equal(store.getEndpoint('iris').spec.authMode, 'aml_token');
    assert.deepEqual(store.getCredentials('iris'), before);
    store.close();
  });

  it('refuses bad names and auth modes', () => {
    const store = open();
    refuses(() => store.createOrUpdateEndpoint(endpoint('ab')), /invalid endpoint name "ab"/);
    refuses(() => store.createOrUpdateEndpoint(endpoint('a_b_c')), /invalid endpoint name/);
    refuses(() => store.createOrUpdateEndpoint(endpoint('ends-')), /invalid endpoint name/);
    refuses(
      () => store.createOrUpdateEndpoint(endpoint('iris', { authMode: 'aad_token' as never })),
      /invalid auth mode "aad_token"/,
    );
    store.createOrUpdateEndpoint(endpoint());
    refuses(() => store.createOrUpdateDeployment(deployment('b/lue')), /invalid deployment name/);
    store.close();
  });

  it('a deployment needs a known endpoint, joins at 0% and takes all traffic with allTraffic', () => {
    const store = open();
    refuses(
      () => store.createOrUpdateDeployment(deployment('blue')),
      /no endpoint named 'iris'/,
      'E_NOT_FOUND',
    );
    store.createOrUpdateEndpoint(endpoint());
    store.createOrUpdateDeployment(deployment('blue'));
    assert.deepEqual(store.getEndpoint('iris').spec.traffic, { blue: 0 });
    store.createOrUpdateDeployment(deployment('green'), { allTraffic: true });
    assert.deepEqual(store.getEndpoint('iris').spec.traffic, { blue: 0, green: 100 });
    store.createOrUpdateDeployment(deployment('blue'), { allTraffic: true });
    assert.deepEqual(store.getEndpoint('iris').spec.traffic, { blue: 100, green: 0 });
    assert.deepEqual(
      store.listDeployments('iris').map((d) => d.spec.name),
      ['blue', 'green'],
    );
    refuses(
      () => store.createOrUpdateDeployment(deployment('blue'), { mode: 'create' }),
      /already has a deployment named 'blue'/,
    );
    refuses(
      () => store.getDeployment('iris', 'red'),
      /has no deployment named 'red'; its deployments: blue, green/,
    );
    refuses(
      () => store.createOrUpdateDeployment(deployment('red'), { mode: 'update' }),
      /no deployment named 'red'/,
    );
    store.close();
  });

  it('checks traffic: known deployments, whole percents, a sum of 100 or all 0', () => {
    const store = open();
    store.createOrUpdateEndpoint(endpoint());
    store.createOrUpdateDeployment(deployment('blue'), { allTraffic: true });
    store.createOrUpdateDeployment(deployment('green'));
    assert.deepEqual(store.updateTraffic('iris', { blue: 90, green: 10 }).spec.traffic, {
      blue: 90,
      green: 10,
    });
    assert.deepEqual(store.updateTraffic('iris', { green: 100 }).spec.traffic, { blue: 0, green: 100 });
    assert.deepEqual(store.updateTraffic('iris', {}).spec.traffic, { blue: 0, green: 0 });
    refuses(
      () => store.updateTraffic('iris', { blue: 90, green: 20 }),
      /must sum to 100 .*got 110 \(blue=90, green=20\)/,
    );
    refuses(() => store.updateTraffic('iris', { blue: 50 }), /got 50/);
    refuses(
      () => store.updateTraffic('iris', { red: 100 }),
      /names 'red', which is not one of its deployments \(blue, green\)/,
      'E_NOT_FOUND',
    );
    refuses(
      () => store.updateTraffic('iris', { blue: 99.5, green: 0.5 }),
      /whole percent from 0 to 100, got 99.5/,
    );
    refuses(() => store.updateTraffic('iris', { blue: 101 }), /got 101/);
    refuses(() => store.updateTraffic('iris', { blue: -10, green: 110 }), /got -10/);
    refuses(() => store.updateTraffic('iris', { constructor: 100 }), /names 'constructor'/);
    assert.deepEqual(
      store.getEndpoint('iris').spec.traffic,
      { blue: 0, green: 0 },
      'a refused change changes nothing',
    );
    store.close();
  });

  it('checks mirror traffic: at most 50 each, never to a deployment with live traffic', () => {
    const store = open();
    store.createOrUpdateEndpoint(endpoint());
    store.createOrUpdateDeployment(deployment('blue'), { allTraffic: true });
    store.createOrUpdateDeployment(deployment('green'));
    const r = store.updateTraffic('iris', undefined, { green: 50 });
    assert.deepEqual(r.spec.mirrorTraffic, { green: 50 });
    assert.deepEqual(r.spec.traffic, { blue: 100, green: 0 }, 'undefined traffic is kept');
    refuses(
      () => store.updateTraffic('iris', undefined, { green: 51 }),
      /mirror_traffic of 'green' must be a whole percent from 0 to 50, got 51/,
    );
    refuses(
      () => store.updateTraffic('iris', undefined, { blue: 10 }),
      /'blue' .* cannot take live traffic \(100%\) and mirror traffic \(10%\)/,
    );
    refuses(() => store.updateTraffic('iris', { green: 100 }), /'green' .* cannot take live traffic/);
    assert.deepEqual(
      store.updateTraffic('iris', undefined, { green: 0 }).spec.mirrorTraffic,
      {},
      'zeros are dropped',
    );
    // allTraffic to the mirrored deployment takes its mirror away
    store.updateTraffic('iris', undefined, { green: 20 });
    const all = store.createOrUpdateDeployment(deployment('green'), { allTraffic: true });
    assert.equal(all.spec.name, 'green');
    assert.deepEqual(store.getEndpoint('iris').spec.mirrorTraffic, {});
    store.close();
  });

  it('an endpoint update checks its traffic against the deployments, or keeps it with keepTraffic', () => {
    const store = open();
    store.createOrUpdateEndpoint(endpoint());
    refuses(() => store.createOrUpdateEndpoint(endpoint('iris', { traffic: { blue: 100 } })), /names 'blue'/);
    store.createOrUpdateDeployment(deployment('blue'));
    store.createOrUpdateDeployment(deployment('green'));
    store.createOrUpdateEndpoint(endpoint('iris', { traffic: { blue: 30, green: 70 } }));
    assert.deepEqual(store.getEndpoint('iris').spec.traffic, { blue: 30, green: 70 });
    store.createOrUpdateEndpoint(endpoint('iris', { description: 'kept' }), { keepTraffic: true });
    assert.deepEqual(store.getEndpoint('iris').spec.traffic, { blue: 30, green: 70 });
    assert.equal(store.getEndpoint('iris').spec.description, 'kept');
    store.close();
  });

  it('refuses to delete a deployment with live or mirror traffic, as Azure does', () => {
    const store = open();
    store.createOrUpdateEndpoint(endpoint());
    store.createOrUpdateDeployment(deployment('blue'), { allTraffic: true });
    store.createOrUpdateDeployment(deployment('green'));
    store.updateTraffic('iris', undefined, { green: 10 });
    refuses(
      () => store.deleteDeployment('iris', 'blue'),
      /still takes 100% of its live traffic: .*--traffic green=100/,
      'E_HAS_TRAFFIC',
    );
    refuses(
      () => store.deleteDeployment('iris', 'green'),
      /still takes 10% of its traffic as a mirror: .*--mirror-traffic green=0/,
    );
    store.updateTraffic('iris', undefined, {});
    store.deleteDeployment('iris', 'green');
    assert.deepEqual(store.getEndpoint('iris').spec.traffic, { blue: 100 });
    assert.deepEqual(
      store.listDeployments('iris').map((d) => d.spec.name),
      ['blue'],
    );
    refuses(() => store.deleteDeployment('iris', 'green'), /no deployment named 'green'/);
    store.close();
  });

  it('deleting an endpoint deletes its deployments', () => {
    const store = open();
    store.createOrUpdateEndpoint(endpoint());
    store.createOrUpdateDeployment(deployment('blue'), { allTraffic: true });
    store.createOrUpdateDeployment(deployment('green'));
    store.createOrUpdateEndpoint(endpoint('other'));
    store.createOrUpdateDeployment(deployment('blue', 'other'));
    assert.deepEqual(store.deleteEndpoint('iris'), { deployments: ['blue', 'green'] });
    assert.equal(store.findEndpoint('iris'), undefined);
    const left = store.store.db.prepare('SELECT endpoint_name, name FROM online_deployments').all();
    assert.deepEqual(left, [{ endpoint_name: 'other', name: 'blue' }]);
    refuses(() => store.deleteEndpoint('iris'), /no endpoint named 'iris'; known: other/);
    store.close();
  });

  it('regenerating one key keeps the other and the token secret', () => {
    const store = open();
    store.createOrUpdateEndpoint(endpoint());
    const before = store.getCredentials('iris');
    const after = store.regenerateKey('iris', 'secondary');
    assert.equal(after.primaryKey, before.primaryKey);
    assert.notEqual(after.secondaryKey, before.secondaryKey);
    assert.equal(after.tokenSecret, before.tokenSecret);
    assert.deepEqual(store.getCredentials('iris'), after);
    const again = store.regenerateKey('iris', 'primary');
    assert.notEqual(again.primaryKey, before.primaryKey);
    assert.equal(again.secondaryKey, after.secondaryKey);
    refuses(() => store.regenerateKey('iris', 'tertiary' as never), /expected primary or secondary/);
    refuses(() => store.regenerateKey('nope', 'primary'), /no endpoint named 'nope'/);
    store.close();
  });

  it('bumps the generation with every change, in the same transaction, and records who and when', () => {
    const store = open();
    const g0 = store.generation();
    assert.equal(g0, 0);
    store.createOrUpdateEndpoint(endpoint(), { changedBy: 'ana' });
    assert.deepEqual(store.lastChange(), { generation: 1, changedAt: 2000, changedBy: 'ana' });
    store.createOrUpdateDeployment(deployment('blue'), { allTraffic: true });
    store.createOrUpdateDeployment(deployment('green'));
    store.updateTraffic('iris', { blue: 50, green: 50 });
    store.regenerateKey('iris', 'primary');
    store.updateTraffic('iris', { green: 100 });
    store.deleteDeployment('iris', 'blue');
    store.deleteEndpoint('iris');
    assert.equal(store.generation(), 8);
    // a refused change rolls back with its counter
    assert.throws(() => store.updateTraffic('iris', {}));
    assert.equal(store.generation(), 8);
    store.close();
  });

  it('another connection to the same store sees each committed change', () => {
    const options = storeOptions('endpoints-two');
    const writer = new EndpointStore(options);
    const reader = new EndpointStore({ store: new SqliteStore({ ...options, create: false }) });
    writer.createOrUpdateEndpoint(endpoint());
    assert.equal(reader.generation(), 1);
    assert.equal(reader.getEndpoint('iris').spec.name, 'iris');
    writer.close();
    reader.store.close();
  });
});

describe('traffic rules', () => {
  it('fills every deployment and orders by name', () => {
    assert.deepEqual(checkTraffic('e', ['green', 'blue'], { green: 100 }, {}), {
      traffic: { blue: 0, green: 100 },
      mirrorTraffic: {},
    });
  });

  it('parses DEPLOYMENT=PERCENT lists', () => {
    assert.deepEqual(parseTrafficAssignments('blue=90, green=10', '--traffic'), { blue: 90, green: 10 });
    assert.deepEqual(parseTrafficAssignments('__proto__=5', '--traffic'), JSON.parse('{"__proto__":5}'));
    refuses(
      () => parseTrafficAssignments('blue:90', '--traffic'),
      /--traffic expects DEPLOYMENT=PERCENT pairs .*got 'blue:90'/,
    );
    refuses(() => parseTrafficAssignments('blue=90,blue=10', '--traffic'), /names 'blue' twice/);
    refuses(() => parseTrafficAssignments('blue=9.5', '--mirror-traffic'), /--mirror-traffic expects/);
  });
});
