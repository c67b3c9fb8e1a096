import type { Command } from 'commander';
import type { Run } from '../tracking/types.ts';
import { collect, openCliStore, type StoreOption, table, when, withStoreOptions } from './experiments.ts';
import { integerOption } from './options.ts';
import { printResult } from './output.ts';

interface ListOptions extends StoreOption {
  json?: boolean;
  experiment?: string[];
  filter?: string;
  orderBy?: string[];
  maxResults: number;
}

/** Registers `mlsweep runs list` and `mlsweep runs show RUN`. */
export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('runs of the tracking store');
  withStoreOptions(runs.command('list').description('list runs, filtered and ordered'))
    .option('--experiment <name>', 'experiment name or id (repeatable)', collect)
    .option('--filter <expr>', 'e.g. "metrics.accuracy > 0.9 and params.max_depth = \'5\'"')
    .option('--order-by <clause>', "e.g. 'metrics.accuracy DESC' (repeatable)", collect)
    .option('--max-results <n>', 'at most this many runs', integerOption({ min: 1 }), 100)
    .action((options: ListOptions) => {
      const { maxResults } = options;
      const store = openCliStore(options);
      try {
        const found = store.searchRuns({
          ...(options.experiment ? { experiments: options.experiment } : {}),
          ...(options.filter !== undefined ? { filter: options.filter } : {}),
          ...(options.orderBy ? { orderBy: options.orderBy } : {}),
          maxResults,
        });
        printResult(options.json === true, found, () => runTable(found));
      } finally {
        store.close();
      }
    });

  withStoreOptions(runs.command('show').description('one run: params, metrics, tags, artifacts, child runs'))
    .argument('<run>', 'run id, or a unique prefix of it')
    .action((runId: string, options: StoreOption & { json?: boolean }) => {
      const store = openCliStore(options);
      try {
        const run = store.run(runId);
        const history = Object.fromEntries(
          Object.keys(run.metrics).map((key) => [
            key,
            store
              .metricHistory(run.id, key)
              .map((p) => ({ step: p.step, value: p.value, timestamp: p.timestamp })),
          ]),
        );
        const children = store.childRuns(run.id).map((c) => ({ id: c.id, name: c.name, status: c.status }));
        const artifacts = store.listArtifacts(run.id);
        printResult(options.json === true, { ...run, metricHistory: history, artifacts, children }, () =>
          showRun(run, history, artifacts, children),
        );
      } finally {
        store.close();
      }
    });
}

function runTable(runs: readonly Run[]): string {
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].slice(0, 4);
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].slice(0, 4);
  return table(
    [
      'run',
      'name',
      'status',
      'started',
      ...metricKeys.map((k) => `metrics.${k}`),
      ...paramKeys.map((k) => `params.${k}`),
    ],
    runs.map((r) => [
      r.id.slice(0, 12),
      r.name,
      r.status,
      when(r.startTime),
      ...metricKeys.map((k) => (r.metrics[k] === undefined ? '-' : String(r.metrics[k]))),
      ...paramKeys.map((k) => r.params[k] ?? '-'),
    ]),
  );
}

function showRun(
  run: Run,
  history: Record<string, unknown[]>,
  artifacts: readonly string[],
  children: ReadonlyArray<{ id: string; name: string; status: string }>,
): string {
  const section = (title: string, entries: Record<string, string | number>) =>
    [`${title}:`, ...Object.entries(entries).map(([k, v]) => `  ${k} = ${v}`)].join('\n');
  const lines = [
    `run ${run.id} (${run.name})`,
    `  experiment ${run.experimentId}, status ${run.status}, started ${when(run.startTime)}, ended ${when(run.endTime)}`,
    ...(run.parentRunId ? [`  parent run ${run.parentRunId}`] : []),
    section('params', run.params),
    section(
      'metrics (latest; points)',
      Object.fromEntries(
        Object.entries(run.metrics).map(([k, v]) => [k, `${v}; ${history[k]?.length ?? 0}`]),
      ),
    ),
    section('tags', run.tags),
    `artifacts (${run.artifactDir}):`,
    ...artifacts.map((a) => `  ${a}`),
  ];
  if (children.length > 0)
    lines.push(`child runs (${children.length}):`, ...children.map((c) => `  ${c.id} ${c.name} ${c.status}`));
  return lines.join('\n');
}
