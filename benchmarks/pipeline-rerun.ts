// The figure for pipelines (issue 22): the example pipeline (examples/pipeline:
// prepare the iris data, AutoML, batch score) run once, then again with nothing changed:
// the second run reuses every step and should end in under a second. Each run is
// `node dist/cli/main.js job create -f pipeline.yml --store S --json`, the built CLI as a
// user runs it, timed from spawn to exit (Node's start, module loading, the store, the
// hashing of the inputs, the three reused steps); the median of 5 reruns is the figure.
// Then one input changed (`--set inputs.with_proba=false`): only the score step runs.
// The example is copied to a temporary folder with its dataset, and deleted at the end.
// `npm run build && node --import tsx benchmarks/pipeline-rerun.ts`; writes
// benchmarks/results/pipeline-rerun.json. About 20 seconds.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown, recordResults } from './lib/record.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const RERUNS = 5;

interface Timed {
  readonly seconds: number;
  readonly steps: ReadonlyArray<{ readonly name: string; readonly status: string }>;
  /** What the runner itself reports (ms): the pipeline without Node's start and module loading. */
  readonly runnerMs: number;
}

/** One `job create` of the built CLI, timed from spawn to exit. */
function jobCreate(dir: string, extra: readonly string[] = []): Timed {
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      cli,
      'job',
      'create',
      '-f',
      join(dir, 'examples', 'pipeline', 'pipeline.yml'),
      '--store',
      join(dir, 'mlruns'),
      '--json',
      ...extra,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`job create failed (exit ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { steps: Timed['steps']; durationMs: number };
  return {
    seconds,
    steps: result.steps.map((s) => ({ name: s.name, status: s.status })),
    runnerMs: result.durationMs,
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-pipeline-rerun-'));
try {
  // the example's relative paths (../../datasets/iris.csv) hold in the copy
  mkdirSync(join(dir, 'examples'));
  cpSync(join(root, 'examples', 'pipeline'), join(dir, 'examples', 'pipeline'), { recursive: true });
  cpSync(join(root, 'datasets'), join(dir, 'datasets'), { recursive: true });
  const load = loadavg()[0]!;
  const first = jobCreate(dir);
  const reruns = Array.from({ length: RERUNS }, () => jobCreate(dir));
  for (const r of reruns) {
    const notReused = r.steps.filter((s) => s.status !== 'reused');
    if (notReused.length > 0) throw new Error(`a rerun ran ${notReused.map((s) => s.name).join(', ')}`);
  }
  const changed = jobCreate(dir, ['--set', 'inputs.with_proba=false']);
  const results = {
    firstRun: { seconds: first.seconds, steps: first.steps },
    reruns: reruns.map((r) => ({ seconds: r.seconds, runnerMs: r.runnerMs })),
    medianRerunSeconds: median(reruns.map((r) => r.seconds)),
    medianRunnerMs: median(reruns.map((r) => r.runnerMs)),
    goal: 'a rerun that reuses every step ends in under 1 s',
    met: median(reruns.map((r) => r.seconds)) < 1,
    oneInputChanged: { seconds: changed.seconds, steps: changed.steps },
    loadAverageAtStart: load,
  };
  recordResults(
    'pipeline-rerun',
    results,
    markdown(
      ['run', 'seconds', 'steps'],
      [
        ['first', first.seconds.toFixed(2), first.steps.map((s) => `${s.name} ${s.status}`).join(', ')],
        [
          `rerun (median of ${RERUNS})`,
          results.medianRerunSeconds.toFixed(2),
          'prepare, train, score reused',
        ],
        [
          'with_proba=false',
          changed.seconds.toFixed(2),
          changed.steps.map((s) => `${s.name} ${s.status}`).join(', '),
        ],
      ],
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
