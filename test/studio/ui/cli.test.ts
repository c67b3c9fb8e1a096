// `mlsweep studio`, `mlsweep server --studio` and `mlsweep serve --tracking --studio` as
// real processes on 127.0.0.1 port 0: the studio and the MLflow API on one port, a clean
// stop on SIGTERM, and mistakes refused before anything starts (exit 2, one line).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { CLI } from '../../helpers/cli.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-studio-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function spawnCli(args: string[]): {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: root,
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, out, exited };
}

/** Starts a command and waits for the line `pattern` captures the URL from. */
async function start(args: string[], pattern: RegExp) {
  const started = spawnCli(args);
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const found = pattern.exec(started.out.stderr);
      if (found) resolve(found[1]!);
    };
    started.child.stderr!.on('data', check);
    void started.exited.then((code) => reject(new Error(`exited ${code}: ${started.out.stderr}`)));
  });
  return { ...started, url };
}

async function refused(args: string[]): Promise<string> {
  const { out, exited } = spawnCli(args);
  assert.equal(await exited, 2, out.stderr);
  const lines = out.stderr.trim().split('\n');
  assert.equal(lines.length, 1, out.stderr);
  return lines[0]!;
}

describe('mlsweep studio', () => {
  it('serves the studio and the MLflow API on one port and stops cleanly on SIGTERM', async () => {
    const studio = await start(
      ['studio', '--store', join(dir, 'one'), '--port', '0'],
      /studio at (http:\/\/\S+)\/studio\//,
    );
    try {
      assert.match(studio.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${studio.url}/studio/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<main id="view"/);
      const created = await fetch(`${studio.url}/api/2.0/mlflow/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from-mlflow' }),
      });
      assert.equal(created.status, 200);
      const experiments = await (await fetch(`${studio.url}/studio/api/experiments`)).json();
      assert.ok(
        (experiments as { items: Array<{ name: string }> }).items.some((e) => e.name === 'from-mlflow'),
      );
    } finally {
      studio.child.kill('SIGTERM');
    }
    assert.equal(await studio.exited, 0);
    assert.match(studio.out.stderr, /stopped\n$/);
  });

  it('refuses a host beyond loopback without a key, a busy port, and a store that is a file', async () => {
    assert.match(
      await refused(['studio', '--store', join(dir, 'two'), '--host', '0.0.0.0']),
      /^mlsweep: --host 0\.0\.0\.0: .*--key/,
    );
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as { port: number }).port;
    try {
      assert.match(
        await refused(['studio', '--store', join(dir, 'three'), '--port', String(port)]),
        new RegExp(`^mlsweep: cannot listen on 127\\.0\\.0\\.1:${port}: `),
      );
    } finally {
      busy.close();
    }
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a store');
    assert.match(await refused(['studio', '--store', file, '--port', '0']), /^mlsweep: --store/);
  });

  it('mounts in mlsweep server --studio, behind its key', async () => {
    const key = 'server-key-123';
    const server = await start(
      ['server', '--store', join(dir, 'four'), '--port', '0', '--studio', '--key', key],
      /listening on (http:\/\/\S+) \(studio at/,
    );
    try {
      assert.equal((await fetch(`${server.url}/studio/api/runs`)).status, 401);
      const runs = await fetch(`${server.url}/studio/api/runs`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(runs.status, 200);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
  });

  it('mounts in mlsweep serve --store S --tracking --studio', async () => {
    const storeDir = join(dir, 'five');
    new SqliteStore({ dir: storeDir }).close();
    const serve = await start(
      ['serve', '--store', storeDir, '--port', '0', '--tracking', '--studio', '--log-level', 'warn'],
      /studio at (http:\/\/\S+)\/studio\//,
    );
    try {
      const page = await fetch(`${serve.url}/studio/`);
      assert.equal(page.status, 200);
      await page.text();
      const experiments = await fetch(`${serve.url}/studio/api/experiments`);
      assert.equal(experiments.status, 200);
      await experiments.text();
    } finally {
      serve.child.kill('SIGTERM');
    }
    assert.equal(await serve.exited, 0);
  });

  it('refuses mlsweep serve --studio without --tracking', async () => {
    const model = join(dir, 'none.json');
    assert.match(await refused(['serve', '--model', model, '--studio']), /--studio/);
  });
});
