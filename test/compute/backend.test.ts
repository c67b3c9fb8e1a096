import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { parseBackendChoice } from '../../src/compute/backend.ts';
import { selectBackend } from '../../src/compute/kernels/table.ts';
import { BackendUnavailableError, getBackendChoice, setBackend, ValidationError } from '../../src/index.ts';
import { nativeAvailable } from '../helpers/backends.ts';

const envBefore = process.env.MLSWEEP_BACKEND;
afterEach(() => {
  setBackend(undefined);
  if (envBefore === undefined) delete process.env.MLSWEEP_BACKEND;
  else process.env.MLSWEEP_BACKEND = envBefore;
});

describe('backend selection', () => {
  it('resolves auto to native when the addon is built, else js', () => {
    assert.equal(selectBackend('auto', 'binning'), nativeAvailable ? 'native' : 'js');
  });

  it('honours a backend named by the call', () => {
    assert.equal(selectBackend('js', 'binning'), 'js');
  });

  it('takes the global choice from setBackend, then MLSWEEP_BACKEND, then auto', () => {
    process.env.MLSWEEP_BACKEND = 'js';
    assert.equal(getBackendChoice(), 'js');
    setBackend('auto');
    assert.equal(getBackendChoice(), 'auto');
    setBackend(undefined);
    delete process.env.MLSWEEP_BACKEND;
    assert.equal(getBackendChoice(), 'auto');
  });

  it('names the variable and the value when MLSWEEP_BACKEND is invalid', () => {
    process.env.MLSWEEP_BACKEND = 'cuda';
    assert.throws(
      () => selectBackend(undefined, 'binning'),
      (e: unknown) =>
        e instanceof ValidationError &&
        /MLSWEEP_BACKEND must be one of auto, js, native, gpu; got 'cuda'/.test(e.message),
    );
  });

  it('rejects an unknown backend name', () => {
    assert.throws(() => parseBackendChoice('tpu'), /backend must be one of .*got 'tpu'/);
  });

  it('refuses gpu for a kernel without a gpu implementation instead of falling back', () => {
    assert.throws(
      () => selectBackend('gpu', 'binning'),
      (e: unknown) =>
        e instanceof BackendUnavailableError && /kernel 'binning' has no gpu implementation/.test(e.message),
    );
  });

  it('reports why native is unavailable when it is asked for and disabled', () => {
    const script = `
      import { selectBackend } from './src/compute/kernels/table.ts';
      try { selectBackend('native', 'binning'); console.log('selected'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, MLSWEEP_DISABLE_NATIVE: '1' },
    });
    assert.match(
      run.stdout,
      /BackendUnavailableError: The 'native' backend is not available: disabled by MLSWEEP_DISABLE_NATIVE=1/,
    );
  });
});
