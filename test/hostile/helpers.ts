// Scaffolding shared by the hostile tests: the CLI as a child process, the one-line
// refusal check, a temporary folder per test file, and a command sweep on disk.
import assert from 'node:assert/strict';
import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.ts';

/** The repository root: the CLI runs from here, and bundled data sets are found from here. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** A new folder `mlsweep-<name>-…` in the system's temporary folder, removed after the test file. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mlsweep-${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The arguments that run `mlsweep <args>` under Node (see ../helpers/cli.ts; with `cwd: root`). */
export function cliArgv(args: readonly string[]): string[] {
  return [...CLI, ...args];
}

/** What a finished `mlsweep` process left: its exit code and its whole output. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mlsweep <args>` to its end in the repository root (`options` are added to spawnSync's). */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, cliArgv(args), { cwd: root, encoding: 'utf8', ...options });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running `mlsweep` process: the child, its end, and its output so far. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** Starts `mlsweep <args>` in the repository root, stdin ignored (`options` override spawn's). */
export function startCli(args: readonly string[], options: SpawnOptions = {}): RunningCli {
  const child = spawn(process.execPath, cliArgv(args), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

/** stderr of a refused command: exactly one line, `mlsweep: …` matching `pattern`. */
export function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^mlsweep: /);
  assert.match(lines[0]!, pattern);
}

/**
 * Writes `dir/trial.cjs` (`trial`, run with the value of x as its argument) and
 * `dir/sweep.json`, a grid sweep over x in `values` maximizing `score`, with `extra`
 * top-level fields; returns the sweep file's path.
 */
export function writeCommandSweep(
  dir: string,
  trial: string,
  values: readonly unknown[],
  extra: Record<string, unknown> = {},
): string {
  writeFileSync(join(dir, 'trial.cjs'), trial);
  const file = join(dir, 'sweep.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'sweep',
      trial: { command: `${JSON.stringify(process.execPath)} trial.cjs \${{search_space.x}}`, code: '.' },
      search_space: { x: { type: 'choice', values } },
      sampling_algorithm: 'grid',
      objective: { goal: 'maximize', primary_metric: 'score' },
      ...extra,
    }),
  );
  return file;
}

/** A sweep over x in 1, 2 (see writeCommandSweep) whose trial x leaves the file `dir/ran-x`. */
export function markerSweep(dir: string): string {
  return writeCommandSweep(
    dir,
    `require('fs').writeFileSync(require('path').join(__dirname, 'ran-' + process.argv[2]), '');
console.log('##mlsweep ' + JSON.stringify({ score: Number(process.argv[2]) }));`,
    [1, 2],
  );
}
