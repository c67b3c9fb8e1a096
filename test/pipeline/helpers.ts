import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

/** A temporary folder with the given files written in it (paths relative to it). */
export function workspace(label: string, files: Record<string, string>): string {
  const dir = tempDir(label);
  writeFiles(dir, files);
  return dir;
}

/** Writes files under `dir`, making their folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A fresh store in `dir/mlruns`. */
export function openStore(dir: string): SqliteStore {
  return new SqliteStore({ dir: join(dir, 'mlruns'), create: true });
}

/** A one-step pipeline writing its input `word` to `out/word.txt` (the published-pipeline tests). */
export const GREET_PIPELINE = `type: pipeline
inputs:
  word: hello
jobs:
  say:
    command: echo \${{inputs.word}} > \${{outputs.out}}/word.txt
    inputs:
      word: \${{parent.inputs.word}}
    outputs:
      out: { type: uri_folder }
`;

/** A published pipeline's run as `GET /pipelines/{name}/runs/{id}` answers it. */
export interface PublishedRun {
  status: string;
  steps: { status: string; outputs: Record<string, string> }[];
}

/**
 * Polls `GET <runUrl>` with `headers` every 50 ms until the run is no longer running
 * (at most 30 s); each answer must be 200.
 */
export async function awaitPublishedRun(
  runUrl: string,
  headers: Record<string, string>,
): Promise<PublishedRun> {
  let job: PublishedRun | undefined;
  for (let i = 0; i < 600; i++) {
    const got = await fetch(runUrl, { headers });
    assert.equal(got.status, 200);
    job = (await got.json()) as PublishedRun;
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  return job!;
}
