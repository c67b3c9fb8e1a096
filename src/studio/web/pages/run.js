// @ts-check
/**
 * One run: its parameters and tags, a chart per metric by step (points appended live
 * while it runs), its log, its artifacts (download), and its lineage: the datasets it used
 * and the model versions registered from it.
 */
import { apiUrl, getJson } from '../lib/api.js';
import { showError } from '../lib/banner.js';
import { createChart, lineOption } from '../lib/chart.js';
import { h, pageSection, ready, replaceChildren } from '../lib/dom.js';
import { formatDate, formatDuration, formatNumber } from '../lib/format.js';
import { subscribe } from '../lib/live.js';
import { hrefFor } from '../lib/router.js';

/**
 * @param {Record<string, unknown>} pairs
 * @returns {HTMLElement}
 */
function keyValues(pairs) {
  const entries = Object.entries(pairs);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'none');
  return h(
    'dl',
    { class: 'kv' },
    entries
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [
        h('dt', null, k),
        h('dd', null, typeof v === 'number' ? formatNumber(v) : String(v ?? '—')),
      ]),
  );
}

/**
 * A card listing items (or saying there are none).
 *
 * @param {string} title
 * @param {any[]} items
 * @param {string} empty
 * @param {(item: any) => import('../lib/dom.js').Child[]} render
 * @returns {HTMLElement}
 */
function listCard(title, items, empty, render) {
  return h(
    'div',
    { class: 'card' },
    h('h3', null, title),
    items.length === 0
      ? h('p', { class: 'muted' }, empty)
      : h(
          'ul',
          { class: 'tree' },
          items.map((item) => h('li', null, render(item))),
        ),
  );
}

export default {
  route: '/run',
  title: 'Run',
  nav: false,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    const id = params.id ?? '';
    const section = pageSection(container, 'run', 'Run');
    const heading = /** @type {HTMLElement} */ (section.querySelector('h1'));
    const overview = h('div', { class: 'cards' });
    const chartsBox = h('div', { class: 'charts', 'data-region': 'metrics' });
    const logBox = h('div', { 'data-region': 'logs' });
    const artifactsBox = h('div', { 'data-region': 'artifacts' });
    const lineageBox = h('div', { class: 'cards', 'data-region': 'lineage' });
    section.append(
      overview,
      h('h2', null, 'Metrics'),
      chartsBox,
      h('h2', null, 'Lineage'),
      lineageBox,
      h('h2', null, 'Artifacts'),
      artifactsBox,
      h('h2', null, 'Log'),
      logBox,
    );
    /** @type {Map<string, import('../lib/chart.js').Chart>} */
    const charts = new Map();
    let alive = true;
    let status = '';

    async function loadRun() {
      const run = await getJson(`/runs/${encodeURIComponent(id)}`);
      if (!alive) return;
      status = run.status;
      heading.textContent = `Run ${run.name || run.id}`;
      document.title = `${run.name || run.id} · mlsweep studio`;
      replaceChildren(
        overview,
        h(
          'div',
          { class: 'card' },
          h('h2', null, 'Overview'),
          keyValues({
            id: run.id,
            experiment: run.experimentName,
            status: run.status,
            started: formatDate(run.startTime),
            duration: formatDuration((run.endTime ?? Date.now()) - run.startTime),
            parent: run.parentRunId ?? '—',
            trials: run.children,
          }),
          run.parentRunId
            ? h('p', null, h('a', { href: hrefFor('/run', { id: run.parentRunId }) }, 'parent run'))
            : null,
          run.children > 0
            ? h(
                'p',
                null,
                h(
                  'a',
                  { href: hrefFor('/runs', { filter: `parent_run_id = '${run.id}'` }) },
                  `${run.children} child runs`,
                ),
              )
            : null,
        ),
        h(
          'div',
          { class: 'card', 'data-region': 'params' },
          h('h2', null, 'Parameters'),
          keyValues(run.params),
        ),
        h('div', { class: 'card' }, h('h2', null, 'Latest metrics'), keyValues(run.metrics)),
        h('div', { class: 'card' }, h('h2', null, 'Tags'), keyValues(run.tags)),
      );
      replaceChildren(
        lineageBox,
        listCard('Data used', run.inputs, 'no dataset inputs logged', (/** @type {any} */ d) => [
          h('strong', null, d.name),
          ' ',
          h('code', { title: 'digest' }, d.digest.slice(0, 12)),
          ' ',
          h(
            'span',
            { class: 'muted' },
            d.sourceType,
            d.tags['mlflow.data.context'] ? ` · ${d.tags['mlflow.data.context']}` : '',
          ),
        ]),
        listCard('Models registered from it', run.models, 'none', (/** @type {any} */ m) => [
          h('a', { href: hrefFor('/model', { name: m.name }) }, `${m.name} v${m.version}`),
          ' ',
          h('span', { class: 'muted' }, formatDate(m.createdAt)),
        ]),
      );
    }

    async function loadMetrics() {
      const page = await getJson(`/runs/${encodeURIComponent(id)}/metrics`);
      if (!alive) return;
      if (page.items.length === 0 && charts.size === 0) {
        replaceChildren(chartsBox, h('p', { class: 'muted' }, 'no metrics logged yet'));
        return;
      }
      if (charts.size === 0) chartsBox.replaceChildren();
      for (const metric of page.items) {
        let chart = charts.get(metric.key);
        if (chart === undefined) {
          const element = h('div', { 'data-metric': metric.key });
          chartsBox.append(element);
          chart = await createChart(element, `run:${metric.key}`);
          if (!alive) return chart.dispose();
          charts.set(metric.key, chart);
        }
        chart.set(
          lineOption(metric.key, [
            { name: metric.key, points: metric.points.map((/** @type {any[]} */ p) => [p[0], p[1]]) },
          ]),
        );
        chart.element.setAttribute('data-points', String(metric.points.length));
      }
    }

    async function loadArtifacts() {
      const [artifacts, logs] = await Promise.all([
        getJson(`/runs/${encodeURIComponent(id)}/artifacts`),
        getJson(`/runs/${encodeURIComponent(id)}/logs`),
      ]);
      if (!alive) return;
      replaceChildren(
        artifactsBox,
        artifacts.items.length === 0
          ? h('p', { class: 'muted' }, 'no artifacts')
          : h(
              'ul',
              { class: 'tree' },
              artifacts.items.map((/** @type {any} */ a) =>
                h(
                  'li',
                  { style: `padding-left: ${(a.path.split('/').length - 1) * 16}px` },
                  h(
                    'a',
                    {
                      href: apiUrl(`/runs/${encodeURIComponent(id)}/artifacts/file`, { path: a.path }),
                      download: a.path.split('/').pop(),
                    },
                    a.path,
                  ),
                  ' ',
                  h('span', { class: 'muted' }, `${formatNumber(a.size)} B`),
                ),
              ),
            ),
      );
      replaceChildren(
        logBox,
        logs.file === null
          ? h('p', { class: 'muted' }, 'no log file among the artifacts')
          : [
              h('p', { class: 'muted' }, logs.file, logs.truncated ? ' (its end)' : ''),
              h('pre', { class: 'log' }, logs.text),
            ],
      );
    }

    Promise.all([loadRun(), loadMetrics(), loadArtifacts()])
      .then(() => {
        if (alive) ready(section);
      })
      .catch((error) => {
        showError(`run ${id}: ${error.message}`);
        ready(section);
      });
    const stopMetrics = subscribe(
      'metrics',
      (data) => {
        if (Array.isArray(data?.runIds) && !data.runIds.includes(id)) return;
        loadMetrics().catch((error) => showError(error.message));
      },
      { throttleMs: 300 },
    );
    const stopRuns = subscribe(
      'runs',
      () => {
        if (status !== 'RUNNING') return;
        Promise.all([loadRun(), loadArtifacts()]).catch((error) => showError(error.message));
      },
      { throttleMs: 1000 },
    );
    return () => {
      alive = false;
      stopMetrics();
      stopRuns();
      for (const chart of charts.values()) chart.dispose();
    };
  },
};
