import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtManifest, cacheRoot, ensureBuilt, resolveEnvironment } from '../../src/environment/index.ts';
import { tempDir } from '../tracking/helpers/temp.ts';
import { newStore, nodeProject } from './helpers.ts';

const child = fileURLToPath(new URL('./fixtures/resolve-child.ts', import.meta.url));

function resolveInChild(
  storeDir: string,
  ref: string,
): Promise<{ builtNow: boolean; path: string; hash: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, storeDir, ref], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c));
    proc.stderr.on('data', (c: Buffer) => (err += c));
    proc.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exit ${code}: ${err}`)),
    );
  });
}

describe('the environment cache', () => {
  it('builds a Node environment once when two processes resolve it at the same time, and reuses it after', async () => {
    const { store, dir } = newStore('env-race');
    const project = nodeProject(join(tempDir('env-project'), 'project'));
    const yml = join(project, '..', 'env.yml');
    writeFileSync(
      yml,
      'name: node-tools\nversion: 1\nbuild:\n  path: project\nenvironment_variables:\n  STAGE: test\n',
    );
    try {
      const [a, b] = await Promise.all([resolveInChild(dir, yml), resolveInChild(dir, yml)]);
      assert.equal(a.hash, b.hash);
      assert.equal(a.path, b.path);
      assert.equal([a.builtNow, b.builtNow].filter(Boolean).length, 1, 'exactly one of the two built it');
      assert.equal(a.path, join(cacheRoot(dir), a.hash));
      // only the finished entry is left: no temporary build folder, no lock
      assert.deepEqual(readdirSync(cacheRoot(dir)), [a.hash]);
      const builtAt = builtManifest(cacheRoot(dir), a.hash)!.builtAt;

      const again = await resolveEnvironment(yml, { store });
      assert.equal(again.builtNow, false);
      assert.equal(builtManifest(cacheRoot(dir), a.hash)!.builtAt, builtAt, 'not rebuilt');
      assert.equal(again.env.STAGE, 'test');
      assert.ok(again.env.PATH!.startsWith(join(a.path, 'node_modules', '.bin')));
      assert.ok(again.env.NODE_PATH!.startsWith(join(a.path, 'node_modules')));
      const node = spawnSync(process.execPath, ['-e', 'console.log(require("./package.json").name)'], {
        cwd: again.path,
        encoding: 'utf8',
      });
      assert.equal(node.stdout.trim(), 'envproject');

      // a changed lockfile is other content: another hash, another build
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'envproject', version: '1.0.1', private: true }),
      );
      const changed = await resolveEnvironment(yml, { store });
      assert.notEqual(changed.hash, a.hash);
      assert.equal(changed.builtNow, true);
    } finally {
      store.close();
    }
  });

  it('removes a failed build and its lock, so the next try starts clean', async () => {
    const root = join(tempDir('env-fail'), 'environments');
    const hash = 'f'.repeat(64);
    await assert.rejects(
      ensureBuilt(root, hash, { kind: 'node', name: 'x', version: '1' }, async (dir) => {
        writeFileSync(join(dir, 'half'), 'x');
        throw new Error('build broke');
      }),
      /build broke/,
    );
    assert.deepEqual(readdirSync(root), []);
    let builds = 0;
    const first = await ensureBuilt(root, hash, { kind: 'node', name: 'x', version: '1' }, async () => {
      builds++;
    });
    const second = await ensureBuilt(root, hash, { kind: 'node', name: 'x', version: '1' }, async () => {
      builds++;
    });
    assert.equal(builds, 1);
    assert.deepEqual([first.builtNow, second.builtNow], [true, false]);
  });

  it('takes over the lock of a builder that died', async () => {
    const root = join(tempDir('env-stale'), 'environments');
    const hash = 'e'.repeat(64);
    // a pid that is not running: a finished child's
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    await ensureBuilt(root, 'd'.repeat(64), { kind: 'node', name: 'y', version: '1' }, async () => {});
    writeFileSync(join(root, `${hash}.lock`), dead.stdout);
    const built = await ensureBuilt(root, hash, { kind: 'node', name: 'x', version: '1' }, async () => {}, {
      pollMs: 5,
    });
    assert.equal(built.builtNow, true);
  });
});
