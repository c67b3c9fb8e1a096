// @ts-check
/**
 * AutoML jobs: the list (`#/automl`), and one job (`#/automl?id=RUN`) with its leaderboard
 * (learner, parameters, cross-validated score, duration), its best model, the feature
 * importances when recorded, and the test metrics.
 */
import { getJson } from '../lib/api.js';
import { barOption, createChart } from '../lib/chart.js';
import { h, pageSection, ready, replaceChildren } from '../lib/dom.js';
import { formatDate, formatDuration, formatNumber } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import {
  agoColumn,
  card,
  follow,
  keyValues,
  numberColumn,
  pageLoader,
  runLink,
  sortRows,
  statusBadge,
  useDomainStyles,
  valueText,
} from './domain-kit.js';

/** Most features the importance chart shows. */
const TOP_FEATURES = 20;

/**
 * The job list.
 * @param {HTMLElement} section
 */
function renderList(section) {
  const summary = h('p', { class: 'muted' }, 'loading…');
  const table = createTable({
    label: 'AutoML jobs',
    rowKey: (j) => j.runId,
    onOpen: (j) => navigate('/automl', { id: j.runId }),
  });
  section.append(summary, table.element);
  const columns = [
    {
      key: 'name',
      label: 'Job',
      render: (/** @type {any} */ j) => h('a', { href: hrefFor('/automl', { id: j.runId }) }, j.name),
    },
    {
      key: 'status',
      label: 'Status',
      render: (/** @type {any} */ j) => statusBadge(j.partial ? 'partial' : j.status),
    },
    { key: 'task', label: 'Task', render: (/** @type {any} */ j) => j.task ?? '—' },
    { key: 'best', label: 'Best model', render: (/** @type {any} */ j) => j.bestModel ?? '—' },
    { key: 'metric', label: 'Primary metric', render: (/** @type {any} */ j) => j.primaryMetric ?? '—' },
    numberColumn('score', 'Score', (j) => j.score),
    agoColumn('started', 'Started', (j) => j.startTime),
  ];
  return pageLoader('automl', async (alive) => {
    const page = await getJson('/automl', { limit: 1000 });
    if (!alive()) return;
    summary.textContent = `${formatNumber(page.total)} AutoML job${page.total === 1 ? '' : 's'} recorded with --store`;
    table.update(columns, page.items);
    ready(section);
  });
}

/**
 * One job.
 * @param {HTMLElement} section
 * @param {string} id
 * @param {Array<import('../lib/chart.js').Chart>} charts
 */
function renderJob(section, id, charts) {
  const title = /** @type {HTMLElement} */ (section.querySelector('h1'));
  const cards = h('div', { class: 'cards' });
  const importanceBox = h('div', { class: 'chart tall' });
  const importancePart = h(
    'div',
    { hidden: true },
    h('h2', null, 'Feature importance (best model)'),
    importanceBox,
  );
  const boardNote = h('p', { class: 'muted' });
  /** @type {{ key: string, dir: 'ASC' | 'DESC' }} */
  let sort = { key: 'rank', dir: 'ASC' };
  /** @type {any[]} */
  let rows = [];
  const table = createTable({
    label: 'Leaderboard',
    rowKey: (r) => String(r.runId ?? r.rank),
    sort,
    onSort: (key, dir) => {
      sort = { key, dir };
      draw();
    },
    onOpen: (r) => r.runId && navigate('/run', { id: r.runId }),
  });
  section.append(
    h('p', null, h('a', { href: hrefFor('/automl') }, '← AutoML jobs')),
    cards,
    h('h2', null, 'Leaderboard'),
    boardNote,
    table.element,
    importancePart,
  );
  /** @type {Record<string, (r: any) => unknown>} */
  const values = {
    rank: (r) => r.rank,
    learner: (r) => r.learner,
    score: (r) => r.score,
    duration: (r) => r.durationSeconds,
  };
  const columns = [
    {
      key: 'rank',
      label: 'Rank',
      sortable: true,
      align: /** @type {const} */ ('right'),
      render: (/** @type {any} */ r) => String(r.rank),
    },
    {
      key: 'learner',
      label: 'Learner',
      sortable: true,
      render: (/** @type {any} */ r) =>
        h('span', null, r.learner, r.best ? h('strong', { class: 'best' }, ' ★ best') : null),
    },
    {
      key: 'params',
      label: 'Parameters',
      render: (/** @type {any} */ r) =>
        h(
          'code',
          null,
          Object.entries(r.params)
            .map(([k, v]) => `${k}=${valueText(v)}`)
            .join(' ') || '—',
        ),
    },
    numberColumn('score', 'CV score', (r) => r.score, true),
    {
      key: 'duration',
      label: 'Duration',
      sortable: true,
      align: /** @type {const} */ ('right'),
      render: (/** @type {any} */ r) =>
        r.durationSeconds === undefined ? '—' : formatDuration(r.durationSeconds * 1000),
    },
    { key: 'status', label: 'Status', render: (/** @type {any} */ r) => statusBadge(r.status) },
    { key: 'run', label: 'Run', render: (/** @type {any} */ r) => runLink(r.runId) },
  ];
  const draw = () => table.update(columns, sortRows(rows, values[sort.key] ?? values.rank, sort.dir));
  /** @type {import('../lib/chart.js').Chart | undefined} */
  let chart;
  return pageLoader('automl', async (alive) => {
    const job = await getJson(`/automl/${encodeURIComponent(id)}`);
    if (!alive()) return;
    title.textContent = `AutoML job ${job.job.name}`;
    document.title = `${job.job.name} · mlsweep studio`;
    rows = job.leaderboard;
    boardNote.textContent =
      job.leaderboardFrom === 'trials'
        ? `${rows.length} trials, ranked by ${job.job.primaryMetric} (${job.goal}); each row links to its run.`
        : job.leaderboardFrom === 'result'
          ? `From the job's result document, ranked by ${job.job.primaryMetric}.`
          : 'This job recorded its best model only (recorded before trials were kept as runs).';
    replaceChildren(
      cards,
      card(
        'Job',
        keyValues([
          ['status', statusBadge(job.job.partial ? 'partial' : job.job.status)],
          ['task', job.job.task],
          ['primary metric', `${job.job.primaryMetric} (${job.goal})`],
          ['validation', job.job.validation],
          ['started', formatDate(job.job.startTime)],
          ['ended', formatDate(job.job.endTime)],
          ['run', runLink(job.job.runId)],
        ]),
      ),
      card(
        'Best model',
        keyValues([
          ['learner', job.best.learner],
          ['CV score', formatNumber(job.best.score)],
          ...Object.entries(job.best.params).map(
            ([k, v]) => /** @type {[string, string]} */ ([k, valueText(v)]),
          ),
          ...(job.best.runId
            ? [/** @type {[string, Node | string]} */ (['trial run', runLink(job.best.runId)])]
            : []),
        ]),
      ),
      ...(Object.keys(job.testMetrics).length > 0
        ? [
            card(
              'Test metrics',
              keyValues(
                Object.entries(job.testMetrics).map(
                  ([k, v]) => /** @type {[string, string]} */ ([k, formatNumber(/** @type {number} */ (v))]),
                ),
              ),
            ),
          ]
        : []),
    );
    draw();
    if (job.featureImportances.length > 0) {
      importancePart.hidden = false;
      chart ??= await createChart(importanceBox, 'automl-importance');
      if (!alive()) return chart.dispose();
      if (!charts.includes(chart)) charts.push(chart);
      chart.set(
        barOption(
          'importance',
          job.featureImportances
            .slice(0, TOP_FEATURES)
            .map((/** @type {any} */ f) => ({ name: f.feature, value: f.importance })),
        ),
      );
    }
    ready(section);
  });
}

export default {
  route: '/automl',
  title: 'AutoML',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    useDomainStyles();
    const section = pageSection(container, 'automl', 'AutoML jobs');
    /** @type {Array<import('../lib/chart.js').Chart>} */
    const charts = [];
    const loader = params.id ? renderJob(section, params.id, charts) : renderList(section);
    return follow(loader, ['runs'], 1000, [
      () => {
        for (const chart of charts) chart.dispose();
      },
    ]);
  },
};
