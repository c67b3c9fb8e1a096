import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { automl } from '../automl/automl.ts';
import type { Task } from '../automl/candidates.ts';
import { evaluatePipeline } from '../automl/score-table.ts';
import type { AutoMLResult, LeaderboardEntry } from '../automl/types.ts';
import type { BackendChoice } from '../compute/backend.ts';
import { inferKind } from '../data/infer.ts';
import { readCsv } from '../data/read-csv.ts';
import { loadSchema } from '../data/schema.ts';
import type { Table } from '../data/table.ts';
import { ValidationError } from '../errors.ts';
import { automlReportInput } from '../report/automl-input.ts';
import { renderReport } from '../report/render.ts';
import { log, printResult } from './output.ts';

interface AutoMLCliOptions {
  train: string;
  target: string;
  test?: string;
  task?: string;
  schema?: string;
  primaryMetric?: string;
  timeoutMinutes?: string;
  trialTimeoutMinutes?: string;
  maxTrials?: string;
  maxConcurrentTrials?: string;
  exitScore?: string;
  earlyTermination: boolean;
  ensemble: boolean;
  allowedModels?: string;
  blockedModels?: string;
  delimiter?: string;
  seed?: string;
  backend?: string;
  out: string;
  report?: string;
  json?: boolean;
}

function number(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new ValidationError(`${option} must be a number, got ${JSON.stringify(value)}`, { path: option });
  }
  return n;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

/** The task: given, from the schema, or from the target column (numbers: regression, else classification). */
async function resolveTask(o: AutoMLCliOptions, schemaPath: string | undefined): Promise<Task> {
  if (o.task !== undefined) {
    if (o.task !== 'classification' && o.task !== 'regression') {
      throw new ValidationError(
        `--task must be classification or regression, got ${JSON.stringify(o.task)}`,
        {
          path: '--task',
        },
      );
    }
    return o.task;
  }
  const schemaTask = schemaPath ? loadSchema(schemaPath).task : undefined;
  if (schemaTask) return schemaTask;
  const table = await readCsv(o.train, { ...(o.delimiter ? { delimiter: o.delimiter } : {}), types: {} });
  const col = table.get(o.target);
  const cells = Array.from(col.values as ArrayLike<string | number | null>, (v) =>
    v === null || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v),
  );
  const task = inferKind({ name: o.target, cells }) === 'numeric' ? 'regression' : 'classification';
  log(`task: ${task} (from the target column; pass --task to choose)`);
  return task;
}

function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '-' : Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(5);
}

function leaderboardText(rows: readonly LeaderboardEntry[], metric: string): string {
  const lines = [`rank  ${metric.padEnd(12)}  fit s   model`];
  for (const e of rows.slice(0, 15)) {
    const params = Object.entries(e.params)
      .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`)
      .join(' ');
    lines.push(
      `${String(e.rank).padStart(4)}  ${fmt(e.score).padEnd(12)}  ${e.fitSeconds.toFixed(2).padStart(6)}  ${e.model} ${e.trialId === undefined ? '' : params}`,
    );
  }
  if (rows.length > 15) lines.push(`  ... ${rows.length - 15} more`);
  return lines.join('\n');
}

function humanReport(r: AutoMLResult, test: Record<string, number> | undefined, out: string): string {
  const lines = [
    `AutoML ${r.task}: ${r.trials.length} trials in ${r.durationSeconds.toFixed(1)} s (${r.stopReason}); ${r.validation}`,
    '',
    leaderboardText(r.leaderboard, r.primaryMetric),
    '',
    `best: ${r.best.model}, validation ${r.primaryMetric} ${fmt(r.best.score)}`,
  ];
  if (test) {
    lines.push('', 'test metrics:');
    for (const [k, v] of Object.entries(test)) lines.push(`  ${k.padEnd(40)} ${fmt(v)}`);
  }
  lines.push('', 'top features:');
  for (const f of r.featureImportances.slice(0, 10))
    lines.push(`  ${f.feature.padEnd(40)} ${f.importance.toFixed(4)}`);
  for (const n of r.notices) lines.push(`note: ${n}`);
  lines.push(`model saved to ${out}`);
  return lines.join('\n');
}

export function registerAutoML(program: Command): void {
  program
    .command('automl')
    .description('find and fit the best model for a CSV file and a target column within a time budget')
    .requiredOption('--train <csv>', 'training data (CSV with a header row)')
    .requiredOption('--target <column>', 'the column to predict')
    .option('--test <csv>', 'a labelled test set: every metric of the task is reported on it')
    .option('--task <task>', 'classification or regression (default: from the schema or the target column)')
    .option('--schema <json>', 'column kinds (.schema.json form); default: <train>.schema.json when present')
    .option(
      '--primary-metric <name>',
      'metric to optimize (Azure names; default accuracy / normalized_root_mean_squared_error)',
    )
    .option('--timeout-minutes <n>', 'time budget of the whole job, final fit included (default 360)')
    .option('--trial-timeout-minutes <n>', 'time limit of one trial')
    .option('--max-trials <n>', 'most trials (default 1000)')
    .option('--max-concurrent-trials <n>', 'trials at a time (default 1)')
    .option('--exit-score <x>', 'stop once a trial reaches this score')
    .option('--no-early-termination', 'do not stop when the score has not improved in 20 trials')
    .option('--no-ensemble', 'do not try ensemble selection')
    .option('--allowed-models <list>', 'comma-separated model names to try (only these)')
    .option('--blocked-models <list>', 'comma-separated model names not to try')
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed)')
    .option('--seed <n>', 'seed of every random choice (default 0)')
    .option('--backend <name>', 'compute backend: auto, js, native, gpu')
    .option('--out <path>', 'where to save the fitted pipeline', 'model.json')
    .option('--json', 'print one JSON document (leaderboard, test metrics) on stdout')
    .option(
      '--report <file>',
      'write a self-contained HTML report (model pictures on --test rows when given)',
    )
    .action(async (o: AutoMLCliOptions) => {
      const sibling = o.train.replace(/\.csv$/i, '.schema.json');
      const schema = o.schema ?? (sibling !== o.train && existsSync(sibling) ? sibling : undefined);
      const task = await resolveTask(o, schema);
      const csv = o.delimiter ? { delimiter: o.delimiter } : {};
      const seed = number(o.seed, '--seed');
      const exitScore = number(o.exitScore, '--exit-score');
      const timeoutMinutes = number(o.timeoutMinutes, '--timeout-minutes');
      const trialTimeoutMinutes = number(o.trialTimeoutMinutes, '--trial-timeout-minutes');
      const maxTrials = number(o.maxTrials, '--max-trials');
      const maxConcurrentTrials = number(o.maxConcurrentTrials, '--max-concurrent-trials');
      const allowedModels = list(o.allowedModels);
      const blockedModels = list(o.blockedModels);
      const result = await automl({
        task,
        trainPath: o.train,
        target: o.target,
        csv,
        ...(schema ? { schema } : {}),
        ...(o.primaryMetric ? { primaryMetric: o.primaryMetric } : {}),
        limits: {
          ...(timeoutMinutes !== undefined ? { timeoutMinutes } : {}),
          ...(trialTimeoutMinutes !== undefined ? { trialTimeoutMinutes } : {}),
          ...(maxTrials !== undefined ? { maxTrials } : {}),
          ...(maxConcurrentTrials !== undefined ? { maxConcurrentTrials } : {}),
          ...(exitScore !== undefined ? { exitScore } : {}),
          enableEarlyTermination: o.earlyTermination,
        },
        ...(allowedModels ? { allowedModels } : {}),
        ...(blockedModels ? { blockedModels } : {}),
        ensemble: o.ensemble,
        ...(seed !== undefined ? { seed } : {}),
        ...(o.backend ? { backend: o.backend as BackendChoice } : {}),
        onProgress: (p) => {
          const s = p.trial.score === undefined ? p.trial.status : fmt(p.trial.score);
          log(
            `[${p.elapsedSeconds.toFixed(1)} s] trial ${p.trial.id} ${p.trial.model}: ${s} | best ${fmt(p.bestScore)} (${p.bestModel ?? '-'}) | ${p.secondsLeft.toFixed(0)} s left`,
          );
        },
      });
      result.pipeline.save(o.out);
      let testMetrics: Record<string, number> | undefined;
      let testTable: Table | undefined;
      if (o.test) {
        testTable = await readCsv(o.test, {
          ...csv,
          types: {
            ...result.pipeline.inputTypes(),
            [o.target]: task === 'regression' ? 'numeric' : 'categorical',
          },
        });
        testMetrics = evaluatePipeline(result.pipeline, testTable);
      }
      if (o.report !== undefined) {
        writeFileSync(o.report, renderReport(automlReportInput(result, testTable)));
        log(`report written to ${o.report}`);
      }
      printResult(
        o.json === true,
        {
          task: result.task,
          primaryMetric: result.primaryMetric,
          goal: result.goal,
          validation: result.validation,
          stopReason: result.stopReason,
          durationSeconds: result.durationSeconds,
          trials: result.trials.length,
          best: result.best,
          leaderboard: result.leaderboard,
          ...(testMetrics ? { testMetrics } : {}),
          featureImportances: result.featureImportances.slice(0, 30),
          notices: result.notices,
          model: o.out,
        },
        () => humanReport(result, testMetrics, o.out),
      );
    });
}
