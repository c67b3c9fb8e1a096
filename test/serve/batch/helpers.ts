// Scaffolding of the batch tests: a store with a batch endpoint and a deployment of a
// small fitted classifier (x1, x2 numeric, city categorical; see ../helpers.ts), folders
// of seeded CSV files, and the CLI run as a real process.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchEndpointStore } from '../../../src/registry/batch-endpoint-store.ts';
import { readBatchDeploymentFile, readBatchEndpointFile } from '../../../src/serve/batch/spec.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
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

/**
 * Opens the world's store with the endpoint `scores` and a deployment from YAML lines
 * (`extra`), as `batch-deployment create --set-default` would; the caller closes it.
 *
 * @example
 * const store = deploy(world, 'forest', 'error_threshold: 2');
 */
export function deploy(world: BatchWorld, name: string, extra = ''): SqliteStore {
  const store = new SqliteStore({ dir: world.store });
  const batch = new BatchEndpointStore({ store });
  if (batch.listEndpoints().length === 0)
    batch.createOrUpdateEndpoint(readBatchEndpointFile(world.endpointFile).spec);
  batch.createOrUpdateDeployment(readBatchDeploymentFile(world.deployment(name, extra)).spec, {
    setDefault: true,
  });
  return store;
}

/**
 * The folder of the test: 20 CSV files of 50 rows, except `f03.csv` with one bad
 * row (a word in x2), `f07.csv` empty (no header either) and `f11.csv` with a wrong header
 * (`x1,x3,city`: its 50 rows lack x2).
 */
export function twentyFiles(world: BatchWorld): string {
  const data = folder(world, 'twenty');
  for (let i = 0; i < 20; i++) {
    const name = `f${String(i).padStart(2, '0')}.csv`;
    if (i === 7) writeFileSync(join(data, name), '');
    else if (i === 11) writeCsv(data, name, csvRows(50, i), 'x1,x3,city');
    else if (i === 3) {
      const rows = csvRows(50, i);
      rows[9] = '0.5,not-a-number,Paris';
      writeCsv(data, name, rows);
    } else writeCsv(data, name, csvRows(50, i));
  }
  return data;
}

/** The data lines of an output CSV (header dropped). */
export function outputRows(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '');
}
