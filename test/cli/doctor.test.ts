import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { nativeAvailable } from '../helpers/backends.ts';
import { CLI } from '../helpers/cli.ts';

function doctor(env: Record<string, string> = {}, args = ['--json']) {
  const run = spawnSync(process.execPath, [...CLI, 'doctor', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return run;
}

describe('mlsweep doctor', () => {
  it('prints one JSON document with the environment and every backend', () => {
    const run = doctor({ MLSWEEP_BACKEND: 'auto' });
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.node, process.version);
    assert.ok(report.threads >= 1);
    assert.equal(report.backends.js.available, true);
    assert.equal(report.backends.native.available, nativeAvailable);
    assert.equal(typeof report.backends.gpu.available, 'boolean');
    assert.equal(report.selected, nativeAvailable ? 'native' : 'js');
  });

  it('reports native unavailable, with the reason, and selects js', () => {
    const report = JSON.parse(doctor({ MLSWEEP_DISABLE_NATIVE: '1' }).stdout);
    assert.equal(report.backends.native.available, false);
    assert.match(report.backends.native.detail, /MLSWEEP_DISABLE_NATIVE/);
    assert.equal(report.selected, 'js');
  });

  it('reports the backend chosen by MLSWEEP_BACKEND', () => {
    const report = JSON.parse(doctor({ MLSWEEP_BACKEND: 'js' }).stdout);
    assert.equal(report.backendChoice, 'js');
    assert.equal(report.selected, 'js');
  });

  it('prints a readable summary without --json', () => {
    const run = doctor({}, []);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /native\s+(available|unavailable)/);
  });

  it('fails with exit code 2 and a message for an invalid MLSWEEP_BACKEND', () => {
    const run = doctor({ MLSWEEP_BACKEND: 'quantum' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /MLSWEEP_BACKEND must be one of/);
  });
});
