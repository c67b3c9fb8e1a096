// @ts-check
/**
 * Compare two or more runs: every metric by step with the runs overlaid, parallel
 * coordinates of their params to the chosen metric, and parameter importance (with
 * enough runs), beside a table of their values.
 */
import { getJson } from '../lib/api.js';
import { showError } from '../lib/banner.js';
import { barOption, createChart, lineOption, parallelOption } from '../lib/chart.js';
import { h, pageSection, ready, replaceChildren } from '../lib/dom.js';
import { formatNumber } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/router.js';

/** Most metric overlays drawn. */
const MAX_OVERLAYS = 8;

export default {
  route: '/compare',
  title: 'Compare runs',
  nav: false,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    const section = pageSection(container, 'compare', 'Compare runs');
    const runIds = (params.runs ?? '').split(',').filter(Boolean);
    /** @type {import('../lib/chart.js').Chart[]} */
    const charts = [];
    let alive = true;
    const metricSelect = h('select', { 'aria-label': 'Metric', name: 'metric' });
    const valuesBox = h('div', { class: 'table-wrap', 'data-region': 'values' });
    const overlays = h('div', { class: 'charts', 'data-region': 'overlay' });
    const parallelBox = h('div', { 'data-region': 'parallel' });
    const importanceBox = h('div', { 'data-region': 'importance' });
    section.append(
      h('div', { class: 'toolbar' }, h('label', null, 'Metric ', metricSelect)),
      valuesBox,
      h('h2', null, 'Metrics by step'),
      overlays,
      h('h2', null, 'Parameters → metric'),
      parallelBox,
      h('h2', null, 'Parameter importance'),
      importanceBox,
    );
    metricSelect.addEventListener('change', () =>
      navigate('/compare', { runs: runIds.join(','), metric: metricSelect.value }),
    );

    /**
     * @param {HTMLElement} box
     * @param {string} id
     * @param {any} option
     * @param {string} [cls]
     */
    async function drawChart(box, id, option, cls) {
      const element = h('div', { class: cls ?? null });
      box.append(element);
      const chart = await createChart(element, id);
      if (!alive) return chart.dispose();
      charts.push(chart);
      chart.set(option);
    }

    async function load() {
      if (runIds.length < 2) {
        replaceChildren(
          valuesBox,
          h(
            'p',
            null,
            'Select two or more runs on the ',
            h('a', { href: hrefFor('/runs') }, 'runs page'),
            ' and press Compare.',
          ),
        );
        ready(section);
        return;
      }
      const data = await getJson('/compare', { runs: runIds.join(','), metric: params.metric });
      if (!alive) return;
      /** @type {Record<string, string>} */
      const names = Object.fromEntries(
        data.runs.map((/** @type {any} */ r) => [r.id, r.name || r.id.slice(0, 8)]),
      );
      replaceChildren(
        metricSelect,
        data.metricKeys.map((/** @type {string} */ k) =>
          h('option', { value: k, selected: k === data.metric }, k),
        ),
      );
      replaceChildren(
        valuesBox,
        h(
          'table',
          { class: 'data', 'aria-label': 'Compared runs' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Field'),
              data.runs.map((/** @type {any} */ r) =>
                h('th', { scope: 'col' }, h('a', { href: hrefFor('/run', { id: r.id }) }, names[r.id])),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            data.paramKeys.map((/** @type {string} */ k) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, `param ${k}`),
                data.runs.map((/** @type {any} */ r) => h('td', null, r.params[k] ?? '—')),
              ),
            ),
            data.metricKeys.map((/** @type {string} */ k) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, `metric ${k}`),
                data.runs.map((/** @type {any} */ r) =>
                  h('td', { class: 'right' }, formatNumber(r.metrics[k])),
                ),
              ),
            ),
          ),
        ),
      );
      const ordered = [data.metric, ...data.metricKeys.filter((/** @type {string} */ k) => k !== data.metric)]
        .filter(Boolean)
        .slice(0, MAX_OVERLAYS);
      for (const key of ordered) {
        const series = data.histories
          .filter((/** @type {any} */ hist) => hist.metrics[key])
          .map((/** @type {any} */ hist) => ({
            name: names[hist.runId] ?? hist.runId,
            points: hist.metrics[key],
          }));
        await drawChart(overlays, `compare:${key}`, lineOption(key, series));
      }
      if (data.metric !== null && data.paramKeys.length > 0) {
        const dims = data.paramKeys.map((/** @type {string} */ k) => {
          const values = data.runs
            .map((/** @type {any} */ r) => r.params[k])
            .filter((/** @type {any} */ v) => v !== undefined);
          const numeric = values.every(
            (/** @type {string} */ v) => v.trim() !== '' && Number.isFinite(Number(v)),
          );
          return numeric ? { name: k } : { name: k, categories: [...new Set(values)].sort() };
        });
        const rows = data.runs.map((/** @type {any} */ r) => [
          ...dims.map((/** @type {any} */ d) => {
            const v = r.params[d.name];
            return v === undefined ? null : d.categories ? v : Number(v);
          }),
          r.metrics[data.metric] ?? null,
        ]);
        await drawChart(
          parallelBox,
          'compare:parallel',
          parallelOption([...dims, { name: data.metric }], rows),
          'tall',
        );
      } else replaceChildren(parallelBox, h('p', { class: 'muted' }, 'no parameters to draw'));
      if (data.importance?.values) {
        await drawChart(
          importanceBox,
          'compare:importance',
          barOption(
            `importance for ${data.metric}`,
            data.importance.values.map((/** @type {any} */ v) => ({ name: v.name, value: v.importance })),
          ),
        );
        importanceBox.append(h('p', { class: 'muted' }, data.importance.method));
      } else
        replaceChildren(
          importanceBox,
          h('p', { class: 'muted' }, data.importance?.note ?? 'no metric to explain'),
        );
      ready(section);
    }

    load().catch((error) => {
      showError(`compare: ${error.message}`);
      ready(section);
    });
    return () => {
      alive = false;
      for (const chart of charts) chart.dispose();
    };
  },
};
