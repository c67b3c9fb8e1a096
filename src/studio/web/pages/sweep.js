// @ts-check
/**
 * One sweep (or ask/tell study): its objective by trial with the best so far, the
 * early-termination decisions, the Pareto front when there are several objectives, and
 * every trial with its run. New trials appear as they are recorded (topic `sweeps`).
 */
import { getJson } from '../lib/api.js';
import { createChart, lineOption, parallelOption, scatterOption } from '../lib/chart.js';
import { h, pageSection, ready, replaceChildren } from '../lib/dom.js';
import { formatDate, formatDuration, formatNumber } from '../lib/format.js';
import { subscribe } from '../lib/live.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createPager, createTable } from '../lib/table.js';
import {
  card,
  follow,
  keyValues,
  numberColumn,
  objectiveText,
  pageLoader,
  runLink,
  sortRows,
  statusBadge,
  useDomainStyles,
  valueText,
} from './domain-kit.js';

const STATE_COLORS = /** @type {Record<string, string>} */ ({
  completed: '#2f6fdf',
  running: '#49a0c1',
  early_terminated: '#e8833a',
  failed: '#d43d51',
  timed_out: '#b04cc8',
  cancelled: '#8a8f98',
});

/**
 * The objective by trial, coloured by state, with the best-so-far line.
 * @param {any} sweep
 */
function historyOption(sweep) {
  const metric = sweep.objectives[0]?.primaryMetric ?? 'value';
  const states = [...new Set(sweep.history.map((/** @type {any} */ p) => p.state))].sort();
  return {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    grid: { left: 64, right: 20, top: 30, bottom: 48 },
    xAxis: { type: 'value', name: 'trial', minInterval: 1 },
    yAxis: { type: 'value', name: metric, scale: true },
    series: [
      ...states.map((state) => ({
        name: state.replace(/_/g, ' '),
        type: 'scatter',
        symbolSize: 8,
        itemStyle: { color: STATE_COLORS[state] ?? '#5d6778' },
        data: sweep.history
          .filter((/** @type {any} */ p) => p.state === state && typeof p.value === 'number')
          .map((/** @type {any} */ p) => [p.trialId, p.value]),
      })),
      {
        name: 'best so far',
        type: 'line',
        step: 'end',
        showSymbol: false,
        lineStyle: { color: '#1b9e5a', width: 2 },
        itemStyle: { color: '#1b9e5a' },
        data: sweep.history
          .filter((/** @type {any} */ p) => typeof p.best === 'number')
          .map((/** @type {any} */ p) => [p.trialId, p.best]),
      },
    ],
  };
}

/** Trials per page of the trials table. */
const TRIALS_PAGE = 100;

/** Above this many trials the curves chart has no legend (it would hide the lines). */
const LEGEND_MAX = 12;

/**
 * The primary metric of each trial by step, as it was reported (live while trials run).
 * @param {any} sweep
 */
function curvesOption(sweep) {
  const metric = sweep.objectives[0]?.primaryMetric ?? 'value';
  const option = lineOption(
    metric,
    sweep.curves.map((/** @type {any} */ c) => ({ name: `trial ${c.trialId}`, points: c.points })),
  );
  return sweep.curves.length > LEGEND_MAX
    ? { ...option, legend: undefined, grid: { ...option.grid, bottom: 32 } }
    : option;
}

/**
 * The Pareto front: a scatter of two objectives with the front joined, or parallel
 * coordinates over three and more with the front in the last dimension.
 * @param {any} pareto
 */
function paretoOption(pareto) {
  const names = pareto.objectives.map(objectiveText);
  if (names.length === 2) {
    const points = pareto.points
      .filter((/** @type {any} */ p) => !p.onFront)
      .map((/** @type {any} */ p) => p.values);
    const front = pareto.points
      .filter((/** @type {any} */ p) => p.onFront)
      .map((/** @type {any} */ p) => p.values);
    const option = scatterOption([names[0], names[1]], points, front);
    // room for the y axis name, and the front in green over the trials in blue (as reports draw it)
    const [trials, line] = option.series;
    return {
      ...option,
      grid: { ...option.grid, top: 40 },
      series: [
        { ...trials, name: 'trials', itemStyle: { color: '#2f6fdf', opacity: 0.6 } },
        {
          ...line,
          name: 'Pareto front',
          itemStyle: { color: '#1b9e5a' },
          lineStyle: { color: '#1b9e5a', width: 2 },
        },
      ],
    };
  }
  return parallelOption(
    [...names.map((/** @type {string} */ name) => ({ name })), { name: 'on front' }],
    pareto.points.map((/** @type {any} */ p) => [...p.values, p.onFront ? 1 : 0]),
  );
}

export default {
  route: '/sweep',
  title: 'Sweep',
  nav: false,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    useDomainStyles();
    const id = params.id ?? '';
    const section = pageSection(container, 'sweep', 'Sweep');
    const title = /** @type {HTMLElement} */ (section.querySelector('h1'));
    const overview = h('div', { class: 'cards' });
    const historyBox = h('div', { class: 'chart' });
    const curvesBox = h('div', { class: 'chart' });
    const curvesPart = h('div', { hidden: true }, h('h2', null, 'Intermediate values by step'), curvesBox);
    const paretoBox = h('div', { class: 'chart tall' });
    const paretoPart = h(
      'div',
      { hidden: true, 'data-part': 'pareto' },
      h('h2', null, 'Pareto front'),
      paretoBox,
    );
    const decisionsPart = h('div');
    /** @type {{ key: string, dir: 'ASC' | 'DESC' }} */
    let sort = { key: 'id', dir: 'ASC' };
    /** @type {any} */
    let sweep;
    let offset = 0;
    const pager = createPager((next) => {
      offset = next;
      drawTrials();
    });
    const trialsTable = createTable({
      label: 'Trials',
      rowKey: (t) => String(t.id),
      sort,
      onSort: (key, dir) => {
        sort = { key, dir };
        offset = 0;
        drawTrials();
      },
      onOpen: (t) => t.runId && navigate('/run', { id: t.runId }),
    });
    const decisionsTable = createTable({
      label: 'Early-termination decisions',
      rowKey: (d) => String(d.trialId),
    });
    const trialCount = h('span', { class: 'muted' });
    section.append(
      h('p', null, h('a', { href: hrefFor('/sweeps') }, '← Sweeps')),
      overview,
      h('h2', null, 'Objective by trial'),
      historyBox,
      curvesPart,
      paretoPart,
      decisionsPart,
      h('h2', null, 'Trials ', trialCount),
      trialsTable.element,
      pager.element,
    );
    /** @type {Array<import('../lib/chart.js').Chart>} */
    const charts = [];
    /** @type {import('../lib/chart.js').Chart | undefined} */
    let historyChart;
    /** @type {import('../lib/chart.js').Chart | undefined} */
    let paretoChart;
    /** @type {import('../lib/chart.js').Chart | undefined} */
    let curvesChart;

    const drawTrials = () => {
      const paramNames = [
        ...new Set(sweep.trialRows.flatMap((/** @type {any} */ t) => Object.keys(t.params))),
      ].sort();
      const many = sweep.objectives.length > 1;
      /** @type {Record<string, (t: any) => unknown>} */
      const values = {
        id: (t) => t.id,
        state: (t) => t.state,
        value: (t) => t.value,
        duration: (t) => t.durationMs,
        ...Object.fromEntries(paramNames.map((p) => [`params.${p}`, (/** @type {any} */ t) => t.params[p]])),
      };
      const columns = [
        {
          key: 'id',
          label: 'Trial',
          sortable: true,
          align: /** @type {const} */ ('right'),
          render: (/** @type {any} */ t) => String(t.id),
        },
        { key: 'run', label: 'Run', render: (/** @type {any} */ t) => runLink(t.runId) },
        {
          key: 'state',
          label: 'State',
          sortable: true,
          render: (/** @type {any} */ t) => statusBadge(t.state),
        },
        ...(many
          ? sweep.objectives.map((/** @type {any} */ o, /** @type {number} */ i) => ({
              key: `values.${i}`,
              label: objectiveText(o),
              align: /** @type {const} */ ('right'),
              render: (/** @type {any} */ t) => formatNumber(t.values?.[i]),
            }))
          : [
              {
                key: 'value',
                label: sweep.objectives[0] ? objectiveText(sweep.objectives[0]) : 'Value',
                sortable: true,
                align: /** @type {const} */ ('right'),
                render: (/** @type {any} */ t) => formatNumber(t.value),
              },
            ]),
        ...paramNames.map((p) => ({
          key: `params.${p}`,
          label: p,
          sortable: true,
          render: (/** @type {any} */ t) => valueText(t.params[p]),
        })),
        {
          key: 'duration',
          label: 'Duration',
          sortable: true,
          align: /** @type {const} */ ('right'),
          render: (/** @type {any} */ t) => formatDuration(t.durationMs),
        },
        { key: 'prunedBy', label: 'Pruned by', render: (/** @type {any} */ t) => t.prunedBy ?? '' },
        {
          key: 'error',
          label: 'Error',
          render: (/** @type {any} */ t) => h('span', { title: t.error ?? '' }, (t.error ?? '').slice(0, 80)),
        },
      ];
      const rows = sortRows(sweep.trialRows, values[sort.key] ?? values.id, sort.dir);
      trialsTable.update(columns, rows.slice(offset, offset + TRIALS_PAGE));
      pager.update(offset, TRIALS_PAGE, rows.length);
    };

    const drawDecisions = () => {
      if (sweep.decisions.length === 0) {
        replaceChildren(
          decisionsPart,
          h('h2', null, 'Early-termination decisions'),
          h(
            'p',
            { class: 'muted' },
            sweep.policy ? 'No trial was stopped early.' : 'The sweep has no early-termination policy.',
          ),
        );
        return;
      }
      replaceChildren(decisionsPart, h('h2', null, 'Early-termination decisions'), decisionsTable.element);
      decisionsTable.update(
        [
          { key: 'trial', label: 'Trial', render: (/** @type {any} */ d) => String(d.trialId) },
          { key: 'run', label: 'Run', render: (/** @type {any} */ d) => runLink(d.runId) },
          numberColumn('step', 'Stopped at step', (d) => d.step),
          numberColumn('value', 'Value then', (d) => d.value),
          { key: 'policy', label: 'Policy', render: (/** @type {any} */ d) => d.policy },
          { key: 'reason', label: 'Why', render: (/** @type {any} */ d) => d.reason },
        ],
        sweep.decisions,
      );
    };

    const drawOverview = () => {
      title.textContent = `${sweep.kind === 'study' ? 'Study' : 'Sweep'} ${sweep.name}`;
      document.title = `${sweep.name} · mlsweep studio`;
      const best = sweep.trialRows.find((/** @type {any} */ t) => t.id === sweep.best?.trialId);
      replaceChildren(
        overview,
        card(
          'Overview',
          keyValues([
            ['status', statusBadge(sweep.status)],
            ['kind', sweep.kind === 'study' ? 'ask/tell study' : 'sweep'],
            ['objectives', sweep.objectives.map(objectiveText).join(', ') || '—'],
            ['sampler', sweep.sampler],
            ['policy', sweep.policy ? sweep.policy.type : 'none'],
            ['started', formatDate(Date.parse(sweep.startedAt))],
            ['ended', sweep.endedAt ? formatDate(Date.parse(sweep.endedAt)) : '—'],
            ['id', h('code', null, sweep.id)],
          ]),
        ),
        card(
          'Trials',
          keyValues([
            ['total', formatNumber(sweep.trials)],
            ...Object.entries(sweep.counts).map(
              ([state, n]) =>
                /** @type {[string, string]} */ ([
                  state.replace(/_/g, ' '),
                  formatNumber(/** @type {number} */ (n)),
                ]),
            ),
          ]),
        ),
        card(
          sweep.pareto ? 'Pareto front' : 'Best trial',
          sweep.pareto
            ? keyValues([
                ['trials on the front', formatNumber(sweep.pareto.front.length)],
                [
                  'hypervolume',
                  sweep.pareto.hypervolume ? formatNumber(sweep.pareto.hypervolume.value) : undefined,
                ],
              ])
            : best
              ? keyValues([
                  ['trial', String(best.id)],
                  ['value', formatNumber(best.value)],
                  ['run', runLink(best.runId)],
                  ...Object.entries(best.params).map(
                    ([k, v]) => /** @type {[string, string]} */ ([k, valueText(v)]),
                  ),
                ])
              : h('p', { class: 'muted' }, 'No trial has completed yet.'),
        ),
      );
      trialCount.textContent = `(${formatNumber(sweep.trialRows.length)})`;
      section.setAttribute('data-trials', String(sweep.trialRows.length));
    };

    const loader = pageLoader('sweep', async (alive) => {
      const next = await getJson(`/sweeps/${encodeURIComponent(id)}`);
      if (!alive()) return;
      sweep = next;
      drawOverview();
      drawTrials();
      drawDecisions();
      historyChart ??= await createChart(historyBox, 'sweep-history');
      if (!alive()) return historyChart.dispose();
      if (!charts.includes(historyChart)) charts.push(historyChart);
      historyChart.set(historyOption(sweep));
      if (sweep.curves.length > 0) {
        curvesPart.hidden = false;
        curvesChart ??= await createChart(curvesBox, 'sweep-curves');
        if (!alive()) return curvesChart.dispose();
        if (!charts.includes(curvesChart)) charts.push(curvesChart);
        curvesChart.set(curvesOption(sweep));
      }
      if (sweep.pareto) {
        paretoPart.hidden = false;
        paretoChart ??= await createChart(paretoBox, 'sweep-pareto');
        if (!alive()) return paretoChart.dispose();
        if (!charts.includes(paretoChart)) charts.push(paretoChart);
        paretoChart.set(paretoOption(sweep.pareto));
      }
      ready(section);
    });
    // Metric points of this sweep's trials (their runs are known from the last load; a new
    // trial's run arrives with the `sweeps` event of its start).
    const stopMetrics = subscribe('metrics', (data) => {
      const runIds = new Set(sweep?.trialRows.map((/** @type {any} */ t) => t.runId) ?? []);
      if (Array.isArray(data?.runIds) && data.runIds.some((/** @type {string} */ id) => runIds.has(id)))
        loader.load();
    });
    return follow(loader, ['sweeps'], 500, [
      stopMetrics,
      () => {
        for (const chart of charts) chart.dispose();
      },
    ]);
  },
};
