import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { automlSections } from './automl-sections.ts';
import { chartBlock, escapeHtml, type PageSection, page } from './html.ts';
import { parameterImportance } from './importance.ts';
import { paramScales } from './param-scales.ts';
import { hypervolumeChart, paretoParallel, paretoScatter } from './pareto-charts.ts';
import { barChart, historyChart, intermediatesChart, parallelChart, sliceCharts } from './sweep-charts.ts';
import { cards, formatNumber, trialsTable } from './tables.ts';
import type { ChartSpec, ReportInput } from './types.ts';

let echartsSource: string | undefined;

/** The minified ECharts build, read once from the installed package and inlined in every report. */
function chartLibrary(): string {
  echartsSource ??= readFileSync(
    createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'),
    'utf8',
  );
  return echartsSource;
}

/**
 * Renders a sweep (and, with `input.automl`, an AutoML run) as one self-contained HTML
 * page: ECharts is inlined and the data embedded, so the file opens offline and makes
 * no network request.
 *
 * @example
 * writeFileSync('report.html', renderReport({ sweep: await sweep(options) }));
 */
export function renderReport(input: ReportInput): string {
  const { sweep } = input;
  const metric = sweep.objective.primaryMetric;
  const goal = sweep.objective.goal;
  const scales = paramScales(sweep.trials, input.space);
  const paramNames = Object.keys(scales);
  const sections: PageSection[] = [];
  const charts: ChartSpec[] = [];
  const add = (title: string, group: readonly ChartSpec[], extra = '') => {
    charts.push(...group);
    const blocks = group.map(chartBlock).join('\n');
    sections.push({
      title,
      html: `${group.length > 1 ? `<div class="grid2">${blocks}</div>` : blocks}${extra}`,
    });
  };

  const banner =
    input.notice === undefined
      ? ''
      : `<p class="notice" role="alert" style="border:2px solid #d97706;background:#fef3c7;padding:8px 12px"><b>${escapeHtml(input.notice)}</b></p>`;
  sections.push({ title: 'Summary', html: banner + summaryHtml(input) });
  if (input.automl) sections.push(...automlSections(input.automl, charts));
  const objectives = sweep.objectives ?? [sweep.objective];
  if (objectives.length > 1) {
    const hv = hypervolumeChart(sweep);
    add('Pareto front', [
      objectives.length === 2 ? paretoScatter(sweep) : paretoParallel(sweep),
      ...(hv ? [hv] : []),
    ]);
  }
  add('Optimization history', [historyChart(sweep.trials, goal, metric)]);
  if (sweep.trials.some((t) => t.intermediate.length > 1)) {
    add('Intermediate values', [intermediatesChart(sweep.trials, metric)]);
  }
  if (paramNames.length > 0) {
    add('Parameters against the objective', [parallelChart(sweep.trials, scales, metric)]);
    add('Slice plots', sliceCharts(sweep.trials, scales, metric));
    const importance = parameterImportance(sweep.trials, scales);
    if (importance) {
      add('Parameter importance', [
        barChart(
          'param-importance',
          'Parameter importance',
          importance.method,
          importance.values.map((v) => ({ name: v.name, value: v.importance })),
        ),
      ]);
    }
  }
  sections.push({
    title: `All trials (${sweep.trials.length})`,
    html: trialsTable(sweep.trials, paramNames, metric),
  });

  const title = input.title ?? (input.automl ? 'mlsweep AutoML report' : 'mlsweep sweep report');
  return page({
    title,
    subtitle: `${goal} ${metric} · ${sweep.sampler} sampling · ${sweep.trials.length} trials · ${sweep.startedAt}`,
    sections,
    charts,
    chartLibrary: chartLibrary(),
  });
}

function summaryHtml(input: ReportInput): string {
  const { sweep } = input;
  const counts = Object.entries(sweep.counts)
    .filter(([k, v]) => k !== 'total' && v > 0)
    .map(([k, v]) => `${v} ${k.replace('_', ' ')}`)
    .join(', ');
  const objectives = sweep.objectives ?? [sweep.objective];
  const entries: Array<readonly [string, string]> = [
    [
      objectives.length > 1 ? 'objectives' : 'objective',
      objectives.map((o) => `${o.goal} ${o.primaryMetric}`).join(', '),
    ],
    ...(sweep.constraints !== undefined && sweep.constraints.length > 0
      ? [['constraints', sweep.constraints.join(', ')] as const]
      : []),
    ...(sweep.paretoFront !== undefined
      ? [
          [
            'Pareto front',
            `${sweep.paretoFront.length} trial${sweep.paretoFront.length === 1 ? '' : 's'}`,
          ] as const,
          [
            'best trade-off',
            sweep.bestTradeOff === undefined
              ? '-'
              : `trial ${sweep.bestTradeOff.trial.id} (${sweep.bestTradeOff.rule})`,
          ] as const,
          [
            'hypervolume',
            sweep.hypervolume === undefined
              ? 'none completed'
              : `${formatNumber(sweep.hypervolume.value)} (reference ${sweep.hypervolume.reference.map(formatNumber).join(', ')})`,
          ] as const,
        ]
      : []),
    ['best value', sweep.best?.value === undefined ? 'none completed' : formatNumber(sweep.best.value)],
    ['best trial', sweep.best ? String(sweep.best.id) : '-'],
    ['sampler', sweep.sampler],
    ['early termination', input.policy ? describePolicy(input.policy) : 'none'],
    ['trials', `${sweep.counts.total}: ${counts || 'none'}`],
    ['time used', `${(sweep.durationMs / 1000).toFixed(1)} s`],
    ['stopped because', sweep.message],
  ];
  if (input.limits) {
    const l = input.limits;
    const parts = [
      l.maxTotalTrials !== undefined ? `${l.maxTotalTrials} trials` : undefined,
      l.maxConcurrentTrials !== undefined ? `${l.maxConcurrentTrials} at once` : undefined,
      l.timeout !== undefined ? `timeout ${l.timeout} s` : undefined,
      l.trialTimeout !== undefined ? `trial timeout ${l.trialTimeout} s` : undefined,
    ].filter((p) => p !== undefined);
    entries.push(['limits', parts.join(', ') || 'none']);
  }
  const best = sweep.best
    ? `<p><b>Best parameters</b> (trial ${sweep.best.id}): ${Object.entries(sweep.best.params)
        .map(
          ([k, v]) =>
            `<code>${escapeHtml(k)} = ${escapeHtml(typeof v === 'number' ? formatNumber(v) : String(v))}</code>`,
        )
        .join(' ')}</p>`
    : '';
  return cards(entries) + best;
}

function describePolicy(policy: NonNullable<ReportInput['policy']>): string {
  const { type, ...rest } = policy as { type: string } & Record<string, unknown>;
  const args = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return args ? `${type} (${args})` : type;
}
