import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTags } from '../../src/cli/options.ts';
import { ValidationError } from '../../src/core/errors.ts';

test('parseTags: key=value pairs, a later key winning, the value keeping its own =', () => {
  assert.deepEqual(parseTags(['stage=dev', 'owner=ml', 'stage=prod', 'query=a=b']), {
    stage: 'prod',
    owner: 'ml',
    query: 'a=b',
  });
  for (const bad of ['stage', '=prod']) {
    assert.throws(
      () => parseTags([bad]),
      (e: unknown) => e instanceof ValidationError && e.message.includes(`got '${bad}'`),
    );
  }
});
