// `mlsweep endpoint package`: an endpoint created in a real store by the CLI, packaged
// through registerEndpointPackage and the catalog's loadServeConfig.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { parse } from 'yaml';
import { registerEndpointPackage } from '../../src/cli/endpoint-package.ts';
import { applyUsageConventions, exitCodeFor } from '../../src/cli/usage.ts';
import { sqliteSkip } from '../helpers/sqlite.ts';
import { root, runCli, tempDir } from '../hostile/helpers.ts';

const examples = join(root, 'examples', 'endpoints');

/** Runs `mlsweep endpoint package ...args` in this process; answers the exit code, stdout and stderr. */
async function packageCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('mlsweep');
  registerEndpointPackage(program.command('endpoint'));
  applyUsageConventions(program);
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    await program.parseAsync(['endpoint', 'package', ...args], { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code } = exitCodeFor(error);
    if (error instanceof Error && !('exitCode' in error)) stderr += `mlsweep: ${error.message}\n`;
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('mlsweep endpoint package', { skip: sqliteSkip }, () => {
  const work = tempDir('package-cli');
  const store = join(work, 'mlruns');
  for (const args of [
    ['endpoint', 'create', '-f', join(examples, 'endpoint.yml')],
    ['deployment', 'create', '-f', join(examples, 'blue.yml'), '--all-traffic'],
    ['deployment', 'create', '-f', join(examples, 'green.yml')],
  ]) {
    const r = runCli([...args, '--store', store]);
    assert.equal(r.code, 0, r.stderr);
  }

  it('packages a stored endpoint and prints one JSON document with --json', async () => {
    const out = join(work, 'iris-package');
    const r = await packageCli([
      'iris',
      '--out',
      out,
      '--store',
      store,
      '--image',
      'example/iris:1',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as {
      endpoint: string;
      deployments: string[];
      image: string;
      files: string[];
    };
    assert.equal(result.endpoint, 'iris');
    assert.deepEqual(result.deployments, ['blue', 'green']);
    assert.equal(result.image, 'example/iris:1');
    assert.ok(result.files.includes('models/blue/iris-logistic.json'), result.files.join(', '));
    const secret = parse(readFileSync(join(out, 'k8s', '00-secret-iris-keys.yaml'), 'utf8'));
    // the keys of the store, which get-credentials prints
    const credentials = runCli(['endpoint', 'get-credentials', 'iris', '--store', store, '--json']);
    assert.equal(credentials.code, 0, credentials.stderr);
    const keys = JSON.parse(credentials.stdout) as { primaryKey: string; secondaryKey: string };
    assert.equal(secret.stringData.primaryKey, keys.primaryKey);
    assert.equal(secret.stringData.secondaryKey, keys.secondaryKey);
  });

  it('prints where to build and deploy without --json', async () => {
    const out = join(work, 'human');
    const r = await packageCli(['iris', '--out', out, '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^packaged endpoint iris \(blue, green\) into /);
    assert.match(r.stdout, /docker build -t mlsweep-iris:/);
    assert.match(r.stdout, /kubectl apply -f .*k8s/);
  });

  it('usage errors exit 2: an unknown endpoint, a non-empty --out without --force, no --out', async () => {
    const unknown = await packageCli(['nope', '--out', join(work, 'x'), '--store', store]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no endpoint named "nope" in the store \(it has: iris\)/);
    assert.equal(existsSync(join(work, 'x')), false);

    const taken = await packageCli(['iris', '--out', join(work, 'iris-package'), '--store', store]);
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /exists and is not empty \(use --force to replace it\)/);
    const forced = await packageCli([
      'iris',
      '--out',
      join(work, 'iris-package'),
      '--store',
      store,
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);

    const missing = await packageCli(['iris', '--store', store]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '--out <dir>'/);
  });
});
