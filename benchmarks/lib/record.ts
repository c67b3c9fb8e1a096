import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { nativeStatus } from '../../src/compute/native/load.ts';

/** Facts about the machine and software that a benchmark figure depends on. */
export function machineInfo() {
  const cpu = cpus();
  const native = nativeStatus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    native: native.available ? native.addon.info() : { unavailable: native.reason },
    commit: gitCommit(),
  };
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Writes one benchmark's results, with machine info, to benchmarks/results/<name>.json
 * (replacing the previous run's), and prints the table as markdown for the README.
 */
export function recordResults(name: string, results: unknown, markdownTable: string): void {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const doc = { benchmark: name, machine: machineInfo(), results, markdown: markdownTable };
  writeFileSync(`${dir}${name}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`\n## ${name}\n\n${markdownTable}\n\nrecorded in benchmarks/results/${name}.json\n`);
}

/** A markdown table from a header and rows. */
export function markdown(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Formats a duration in milliseconds with 3 significant digits. */
export function ms(value: number): string {
  return `${value.toPrecision(3)} ms`;
}

/** Mean and min latency (ms) of a finished tinybench task; throws if it failed. */
export function latency(task: { name: string; result?: object }): { mean: number; min: number } {
  const result = task.result as { latency?: { mean: number; min: number }; error?: unknown } | undefined;
  if (!result?.latency) throw new Error(`benchmark task '${task.name}' failed: ${String(result?.error)}`);
  return { mean: result.latency.mean, min: result.latency.min };
}
