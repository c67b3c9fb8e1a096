import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/core/errors.ts';
import { BatchEndpointStore } from '../../../src/registry/batch-endpoint-store.ts';
import { parseBatchDeploymentYaml } from '../../../src/serve/batch/spec.ts';
import { tempDir } from './helpers.ts';

const deployment = (name: string) =>
  parseBatchDeploymentYaml(`name: ${name}\nendpoint_name: scores\nmodel: ./m.json\n`, { baseDir: '/work' })
    .spec;

function refuses(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(
    fn,
    (error: unknown) =>
      error instanceof ValidationError && error.code === code && pattern.test(error.message),
  );
}

describe('batch endpoint store', () => {
  it('the first deployment becomes the default; --set-default moves it; the default is not deleted while others exist', () => {
    let now = 1000;
    const store = new BatchEndpointStore({ dir: join(tempDir('store'), 'mlruns'), clock: () => now++ });
    try {
      store.createOrUpdateEndpoint({ name: 'scores', description: '', tags: {} }, { mode: 'create' });
      refuses(
        () => store.createOrUpdateEndpoint({ name: 'scores', description: '', tags: {} }, { mode: 'create' }),
        'E_EXISTS',
        /already exists/,
      );
      refuses(() => store.resolveDeployment('scores'), 'E_NOT_FOUND', /has no default deployment/);
      store.createOrUpdateDeployment(deployment('blue'), { mode: 'create' });
      assert.equal(store.resolveDeployment('scores').spec.name, 'blue');
      store.createOrUpdateDeployment(deployment('green'), { mode: 'create' });
      assert.equal(store.getEndpoint('scores').spec.defaultDeployment, 'blue');
      store.createOrUpdateDeployment(deployment('green'), { mode: 'update', setDefault: true });
      assert.equal(store.resolveDeployment('scores').spec.name, 'green');
      assert.equal(store.resolveDeployment('scores', 'blue').spec.name, 'blue');
      refuses(() => store.deleteDeployment('scores', 'green'), 'E_IS_DEFAULT', /--default-deployment blue/);
      store.setDefaultDeployment('scores', 'blue');
      store.deleteDeployment('scores', 'green');
      store.deleteDeployment('scores', 'blue');
      assert.equal(store.getEndpoint('scores').spec.defaultDeployment, undefined);
      refuses(() => store.getDeployment('scores', 'blue'), 'E_NOT_FOUND', /its deployments: none yet/);
      // an update keeps the default unless the file names one
      store.createOrUpdateDeployment(deployment('blue'));
      store.createOrUpdateEndpoint({ name: 'scores', description: 'v2', tags: {} }, { mode: 'update' });
      assert.equal(store.getEndpoint('scores').spec.defaultDeployment, 'blue');
      assert.equal(store.getEndpoint('scores').spec.description, 'v2');
      assert.deepEqual(store.deleteEndpoint('scores'), { deployments: ['blue'] });
      refuses(() => store.getEndpoint('scores'), 'E_NOT_FOUND', /known: none yet/);
    } finally {
      store.close();
    }
  });
});
