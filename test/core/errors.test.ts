// The typed errors' messages: ConfigError places its message at a file, line, column and
// key path, and keeps the message alone (`detail`) for a reader that re-locates it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, MlsweepError } from '../../src/core/errors.ts';

test('ConfigError: one line naming the file, line, column and key; the detail alone kept', () => {
  const e = new ConfigError('must be a number, got "x"', {
    file: 'job.yml',
    line: 4,
    column: 7,
    keyPath: 'limits.max_trials',
  });
  assert.ok(e instanceof MlsweepError);
  assert.equal(e.code, 'E_CONFIG');
  assert.equal(e.message, 'job.yml:line 4, column 7: limits.max_trials: must be a number, got "x"');
  assert.equal(e.detail, 'must be a number, got "x"');
  assert.deepEqual([e.file, e.line, e.column, e.keyPath], ['job.yml', 4, 7, 'limits.max_trials']);
});

test('ConfigError: the parts it does not know are left out of the message', () => {
  assert.equal(new ConfigError('bad', { keyPath: 'a.b' }).message, 'a.b: bad');
  assert.equal(new ConfigError('bad', { file: 'f.yml' }).message, 'f.yml: bad');
  assert.equal(new ConfigError('bad').message, 'bad');
  assert.equal(new ConfigError('bad', { file: 'f.yml', line: 2 }).detail, 'bad');
});
