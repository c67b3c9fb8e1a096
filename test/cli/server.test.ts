// `mlsweep server`: the tracking server as a real process on 127.0.0.1, port 0.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-server-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function spawnCli(args: string[]): { child: ChildProcess; out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: root,
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d));
  return { child, out };
}

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, out } = spawnCli(args);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, ...out };
}

/** Starts `mlsweep server` and waits for its `listening on` line. */
async function start(args: string[]): Promise<Started> {
  const { child, out } = spawnCli(['server', ...args]);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const found = /listening on (http:\/\/\S+)/.exec(out.stderr);
      if (found) resolve(found[1]!);
    };
    child.stderr!.on('data', check);
    void exited.then((code) => reject(new Error(`server exited ${code}: ${out.stderr}`)));
  });
  return { child, url, stdout: () => out.stdout, stderr: () => out.stderr, exited };
}

describe('mlsweep server', () => {
  it('serves the MLflow API over the store on a free port and stops cleanly on SIGTERM', async () => {
    const store = join(dir, 'store');
    const server = await start(['--store', store, '--port', '0', '--json']);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const created = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from-client' }),
      });
      assert.equal(created.status, 200);
      const { experiment_id } = (await created.json()) as { experiment_id: string };
      const got = await fetch(
        `${server.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=from-client`,
      );
      assert.equal(
        ((await got.json()) as { experiment: { experiment_id: string } }).experiment.experiment_id,
        experiment_id,
      );
      const missing = await fetch(`${server.url}/api/2.0/mlflow/runs/get?run_id=${'0'.repeat(32)}`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST');
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0, server.stderr());
    assert.match(server.stderr(), /stopped/);
    assert.deepEqual(JSON.parse(server.stdout()), { url: server.url, store });
    // What the client logged is in the store, for the CLI and the library.
    const listed = await run(['experiments', 'list', '--store', store, '--json']);
    assert.match(listed.stdout, /from-client/);
  });

  it('with --key, callers send it as a bearer token', async () => {
    const server = await start(['--store', join(dir, 'keyed'), '--port', '0', '--key', 'sesame-1234']);
    try {
      const url = `${server.url}/api/2.0/mlflow/experiments/search`;
      const body = JSON.stringify({ max_results: 10 });
      const headers = { 'content-type': 'application/json' };
      assert.equal((await fetch(url, { method: 'POST', headers, body })).status, 401);
      const ok = await fetch(url, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer sesame-1234' },
        body,
      });
      assert.equal(ok.status, 200);
    } finally {
      server.child.kill('SIGINT');
    }
    assert.equal(await server.exited, 0);
  });

  it('a port in use: exit 2, one line naming it', async () => {
    const first = await start(['--store', join(dir, 'busy'), '--port', '0']);
    try {
      const port = new URL(first.url).port;
      const second = await run(['server', '--store', join(dir, 'busy'), '--port', port]);
      assert.equal(second.code, 2);
      assert.match(
        second.stderr,
        new RegExp(`^mlsweep: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
      );
      assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
    } finally {
      first.child.kill('SIGTERM');
    }
    assert.equal(await first.exited, 0);
  });

  it('refuses a host beyond loopback without a key, and a short key: exit 2, one line', async () => {
    const open = await run(['server', '--store', join(dir, 'x'), '--host', '0.0.0.0', '--port', '0']);
    assert.equal(open.code, 2);
    assert.equal(open.stderr.trim().split('\n').length, 1, open.stderr);
    assert.match(open.stderr, /--host 0\.0\.0\.0: .*--key/);
    const short = await run(['server', '--store', join(dir, 'x'), '--key', 'abc', '--port', '0']);
    assert.equal(short.code, 2);
    assert.match(short.stderr, /^mlsweep: --key must be at least 8 characters\n$/);
  });
});
