// Scaffolding of the batch tests: a store with a batch endpoint and a deployment of a
// small fitted classifier (x1, x2 numeric, city categorical; see ../helpers.ts), folders
// of seeded CSV files, and the CLI run as a real process.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../hostile/helpers.ts';
import { saveModel, tempDir } from '../helpers.ts';

export { tempDir };

const CITIES = ['Paris', 'Lyon', 'Nice'];

/** `rows` seeded data rows `x1,x2,city` (no header), the seed making each file different. */
export function csvRows(rows: number, seed: number): string[] {
  let s = seed * 7919 + 17;
  const next = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  return Array.from(
    { length: rows },
    (_, i) => `${next().toFixed(4)},${next().toFixed(4)},${CITIES[(i + seed) % 3]}`,
  );
}

/** Writes `name` in `dir` with the header `x1,x2,city` and the given rows. */
export function writeCsv(dir: string, name: string, rows: readonly string[], header = 'x1,x2,city'): string {
  const file = join(dir, name);
  writeFileSync(file, `${[header, ...rows].join('\n')}\n`);
  return file;
}

/** A batch test's world: a folder, a store path, a model file and YAML files beside it. */
export interface BatchWorld {
  readonly dir: string;
  readonly store: string;
  readonly model: string;
  /** Writes a deployment YAML (extra lines appended) and returns its path. */
  deployment(name: string, extra?: string): string;
  readonly endpointFile: string;
}

/**
 * A folder with a model, an endpoint YAML (`scores`), and a deployment writer.
 *
 * @example
 * const world = batchWorld('resume');
 * cli(world, ['batch-endpoint', 'create', '-f', world.endpointFile]);
 */
export function batchWorld(name: string): BatchWorld {
  const dir = tempDir(`batch-${name}`);
  const model = saveModel(dir, 'classification', 'model.json', 5);
  const endpointFile = join(dir, 'endpoint.yml');
  writeFileSync(
    endpointFile,
    '$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\nname: scores\ndescription: batch scoring\n',
  );
  return {
    dir,
    store: join(dir, 'mlruns'),
    model,
    endpointFile,
    deployment(deploymentName, extra = '') {
      const file = join(dir, `${deploymentName}.yml`);
      writeFileSync(
        file,
        [
          '$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json',
          `name: ${deploymentName}`,
          'endpoint_name: scores',
          'model: ./model.json',
          extra,
        ].join('\n'),
      );
      return file;
    },
  };
}

/** `mlsweep <args> --store S`; returns the result (exit code, stdout, stderr). */
export function cli(
  world: BatchWorld,
  args: readonly string[],
): { code: number | null; stdout: string; stderr: string } {
  return runCli([...args, '--store', world.store]);
}

/** `mlsweep <args> --store S --json`, expecting exit `code` (default 0); the JSON it printed. */
export function cliJson<T = Record<string, unknown>>(
  world: BatchWorld,
  args: readonly string[],
  code = 0,
): T {
  const r = cli(world, [...args, '--json']);
  assert.equal(r.code, code, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** A folder `sub` in the world's folder. */
export function folder(world: BatchWorld, sub: string): string {
  const path = join(world.dir, sub);
  mkdirSync(path, { recursive: true });
  return path;
}
