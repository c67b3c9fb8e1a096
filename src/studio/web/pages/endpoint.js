// @ts-check
/**
 * One endpoint. Online (`#/endpoint?name=NAME`): its deployments, its traffic split and
 * mirror traffic (editable: the split must sum to 100, a person confirms it, and the
 * audit log records it; a running `mlsweep serve --store` follows it), and the requests
 * per second and errors of each deployment over the last minutes. Batch
 * (`#/endpoint?batch=NAME`): its deployments and its jobs.
 */
import { getJson, send } from '../lib/api.js';
import { showError } from '../lib/banner.js';
import { createChart } from '../lib/chart.js';
import { confirmDialog } from '../lib/confirm.js';
import { h, pageSection, ready, redrawKeepingEdits, replaceChildren } from '../lib/dom.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { hrefFor } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import {
  card,
  follow,
  keyValues,
  numberColumn,
  pageLoader,
  runLink,
  statusBadge,
  useDomainStyles,
} from './domain-kit.js';

/** How often the request rates are read again, ms. */
const RATES_EVERY_MS = 10_000;
/** The window the rates cover, minutes. */
const RATE_MINUTES = 15;

/**
 * `blue 90%, green 10%`.
 * @param {Record<string, number>} split
 */
function splitWords(split) {
  const parts = Object.entries(split).filter(([, p]) => p > 0);
  return parts.length > 0 ? parts.map(([d, p]) => `${d} ${p}%`).join(', ') : 'none';
}

/**
 * Requests per second of each deployment (lines) and errors per bucket (bars).
 * @param {any} rates
 */
function ratesOption(rates) {
  const time = (/** @type {number} */ ms) => new Date(ms).toTimeString().slice(0, 5);
  const starts = rates.deployments[0]?.buckets.map((/** @type {any} */ b) => time(b.start)) ?? [];
  return {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, type: 'scroll' },
    grid: { left: 60, right: 50, top: 30, bottom: 48 },
    xAxis: { type: 'category', data: starts },
    yAxis: [
      { type: 'value', name: 'requests/s', minInterval: 0.01 },
      { type: 'value', name: 'errors', minInterval: 1 },
    ],
    series: rates.deployments.flatMap((/** @type {any} */ d) => [
      {
        name: `${d.deployment} req/s`,
        type: 'line',
        showSymbol: false,
        data: d.buckets.map((/** @type {any} */ b) => b.perSecond),
      },
      {
        name: `${d.deployment} errors`,
        type: 'bar',
        yAxisIndex: 1,
        data: d.buckets.map((/** @type {any} */ b) => b.clientErrors + b.serverErrors),
      },
    ]),
  };
}

/**
 * The online endpoint view.
 * @param {HTMLElement} section
 * @param {string} name
 * @param {Array<() => void>} cleanups
 */
function renderOnline(section, name, cleanups) {
  const path = `/endpoints/${encodeURIComponent(name)}`;
  const overview = h('div', { class: 'cards' });
  const trafficPart = h('div', { class: 'card' });
  const ratesBox = h('div', { class: 'chart' });
  const ratesNote = h('p', { class: 'muted' });
  const deployments = createTable({ label: 'Deployments', rowKey: (d) => d.name });
  section.append(
    h('p', null, h('a', { href: hrefFor('/endpoints') }, '← Endpoints')),
    overview,
    h('h2', null, 'Traffic'),
    trafficPart,
    h('h2', null, `Requests over the last ${RATE_MINUTES} minutes`),
    ratesNote,
    ratesBox,
    h('h2', null, 'Deployments'),
    deployments.element,
  );

  /** @param {any} endpoint */
  const drawTraffic = (endpoint) => {
    const names = endpoint.deployments;
    /** @type {Record<string, HTMLInputElement>} */
    const live = {};
    /** @type {Record<string, HTMLInputElement>} */
    const mirror = {};
    const sum = h('span', { class: 'sum', 'data-traffic-sum': '' });
    const save = h(
      'button',
      { type: 'button', class: 'primary', 'data-action': 'save-traffic' },
      'Save traffic',
    );
    const update = () => {
      const total = names.reduce(
        (/** @type {number} */ n, /** @type {string} */ d) => n + (Number(live[d]?.value) || 0),
        0,
      );
      sum.textContent = `${total}%`;
      sum.classList.toggle('bad', total !== 100);
      /** @type {HTMLButtonElement} */ (save).disabled = total !== 100;
    };
    const rows = names.map((/** @type {string} */ d) => {
      live[d] = /** @type {HTMLInputElement} */ (
        h('input', {
          type: 'number',
          min: 0,
          max: 100,
          step: 1,
          value: String(endpoint.traffic[d] ?? 0),
          'aria-label': `live traffic to ${d}`,
          'data-traffic': d,
          oninput: update,
        })
      );
      mirror[d] = /** @type {HTMLInputElement} */ (
        h('input', {
          type: 'number',
          min: 0,
          max: 50,
          step: 1,
          value: String(endpoint.mirrorTraffic[d] ?? 0),
          'aria-label': `mirror traffic to ${d}`,
          'data-mirror': d,
        })
      );
      return [h('span', null, d), live[d], mirror[d]];
    });
    save.addEventListener('click', async () => {
      /** @type {Record<string, number>} */
      const traffic = Object.fromEntries(
        names.map((/** @type {string} */ d) => [d, Number(live[d]?.value) || 0]),
      );
      /** @type {Record<string, number>} */
      const mirrorTraffic = Object.fromEntries(
        names.map((/** @type {string} */ d) => [d, Number(mirror[d]?.value) || 0]),
      );
      const yes = await confirmDialog({
        title: 'Change traffic',
        message: `Send ${name}'s live traffic to ${splitWords(traffic)} (now ${splitWords(endpoint.traffic)}), mirror ${splitWords(mirrorTraffic)}? A server serving this store follows within its poll interval.`,
        confirmLabel: 'Change',
      });
      if (yes) {
        try {
          await send('PUT', `${path}/traffic`, { traffic, mirrorTraffic });
        } catch (error) {
          showError(/** @type {Error} */ (error).message);
        }
      }
      loader.load();
    });
    redrawKeepingEdits(
      trafficPart,
      names.length === 0
        ? h('p', { class: 'muted' }, 'No deployment yet.')
        : h(
            'div',
            { class: 'traffic' },
            h('strong', null, 'Deployment'),
            h('strong', null, 'Live %'),
            h('strong', null, 'Mirror %'),
            rows,
            h('span', null, 'Live total'),
            sum,
            h('span'),
          ),
      names.length === 0 ? null : h('p', null, save),
    );
    update();
  };

  /** @type {import('../lib/chart.js').Chart | undefined} */
  let chart;
  const rates = pageLoader('endpoint rates', async (alive) => {
    const next = await getJson(`${path}/rates`, { minutes: RATE_MINUTES, bucketSeconds: 60 });
    if (!alive()) return;
    const requests = next.deployments.reduce(
      (/** @type {number} */ n, /** @type {any} */ d) => n + d.requests,
      0,
    );
    const errors = next.deployments.reduce(
      (/** @type {number} */ n, /** @type {any} */ d) => n + d.errors,
      0,
    );
    ratesNote.textContent = `${formatNumber(requests)} requests (${formatNumber(requests / (RATE_MINUTES * 60))}/s), ${formatNumber(errors)} errors, from the deployment logs a running mlsweep serve --store writes.`;
    chart ??= await createChart(ratesBox, 'endpoint-rates');
    if (!alive()) return chart.dispose();
    chart.set(ratesOption(next));
  });

  const loader = pageLoader('endpoint', async (alive) => {
    const { endpoint, deployments: list } = await getJson(path);
    if (!alive()) return;
    replaceChildren(
      overview,
      card(
        'Endpoint',
        keyValues([
          ['name', endpoint.name],
          ['auth', endpoint.authMode],
          ['description', endpoint.description || undefined],
          ['live traffic', splitWords(endpoint.traffic)],
          ['mirror traffic', splitWords(endpoint.mirrorTraffic)],
          [
            'changed',
            `${formatDate(endpoint.updatedAt)}${endpoint.changedBy ? ` by ${endpoint.changedBy}` : ''}`,
          ],
        ]),
      ),
    );
    drawTraffic(endpoint);
    deployments.update(
      [
        ...deploymentColumns(),
        { key: 'scale', label: 'Scale', render: (/** @type {any} */ d) => d.scaleSettings?.type ?? '—' },
        {
          key: 'timeout',
          label: 'Request timeout',
          render: (/** @type {any} */ d) => `${formatNumber(d.requestSettings?.requestTimeoutMs)} ms`,
        },
        {
          key: 'collector',
          label: 'Data collector',
          render: (/** @type {any} */ d) => (d.dataCollector ? 'on' : 'off'),
        },
        {
          key: 'changed',
          label: 'Changed',
          render: (/** @type {any} */ d) =>
            `${formatDate(d.updatedAt)}${d.changedBy ? ` by ${d.changedBy}` : ''}`,
        },
      ],
      list,
    );
    ready(section);
  });
  rates.load();
  const timer = setInterval(rates.load, RATES_EVERY_MS);
  cleanups.push(
    follow(loader, ['endpoints'], 500, [() => clearInterval(timer), rates.stop, () => chart?.dispose()]),
  );
}

/**
 * A deployment's model: a link to the registry page when it is a `models:/` reference.
 * @param {string} model
 */
function modelLink(model) {
  const match = /^models:\/([^/@]+)/.exec(model);
  return match ? h('a', { href: hrefFor('/model', { name: match[1] }) }, model) : h('code', null, model);
}

/**
 * The columns every deployment table starts with (online and batch): name, model, instances.
 * @returns {import('../lib/table.js').Column[]}
 */
function deploymentColumns() {
  return [
    { key: 'name', label: 'Deployment', render: (d) => d.name },
    { key: 'model', label: 'Model', render: (d) => modelLink(d.model) },
    numberColumn('instances', 'Instances', (d) => d.instanceCount),
  ];
}

/**
 * The batch endpoint view.
 * @param {HTMLElement} section
 * @param {string} name
 * @param {Array<() => void>} cleanups
 */
function renderBatch(section, name, cleanups) {
  const overview = h('div', { class: 'cards' });
  const deployments = createTable({ label: 'Batch deployments', rowKey: (d) => d.name });
  const jobs = createTable({ label: 'Batch jobs', rowKey: (j) => j.jobId });
  section.append(
    h('p', null, h('a', { href: hrefFor('/endpoints') }, '← Endpoints')),
    overview,
    h('h2', null, 'Deployments'),
    deployments.element,
    h('h2', null, 'Jobs'),
    jobs.element,
  );
  const loader = pageLoader('batch endpoint', async (alive) => {
    const page = await getJson(`/batch-endpoints/${encodeURIComponent(name)}`);
    if (!alive()) return;
    replaceChildren(
      overview,
      card(
        'Batch endpoint',
        keyValues([
          ['name', page.endpoint.name],
          ['default deployment', page.endpoint.defaultDeployment],
          ['description', page.endpoint.description || undefined],
          ['changed', formatDate(page.endpoint.updatedAt)],
        ]),
      ),
    );
    deployments.update(
      [
        ...deploymentColumns(),
        numberColumn('batch', 'Mini-batch', (d) => d.miniBatchSize),
        { key: 'output', label: 'Output', render: (/** @type {any} */ d) => d.outputAction },
      ],
      page.deployments,
    );
    jobs.update(
      [
        { key: 'job', label: 'Job', render: (/** @type {any} */ j) => runLink(j.jobId) },
        { key: 'status', label: 'Status', render: (/** @type {any} */ j) => statusBadge(j.status) },
        { key: 'deployment', label: 'Deployment', render: (/** @type {any} */ j) => j.deployment ?? '—' },
        numberColumn('rows', 'Rows', (j) => j.metrics.rows),
        numberColumn('errors', 'Errors', (j) => j.metrics.errors),
        { key: 'started', label: 'Started', render: (/** @type {any} */ j) => formatDate(j.startTime) },
      ],
      page.jobs,
    );
    ready(section);
  });
  cleanups.push(follow(loader, ['runs'], 1000));
}

export default {
  route: '/endpoint',
  title: 'Endpoint',
  nav: false,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    useDomainStyles();
    const batch = params.batch !== undefined;
    const name = (batch ? params.batch : params.name) ?? '';
    const section = pageSection(container, 'endpoint', `${batch ? 'Batch endpoint' : 'Endpoint'} ${name}`);
    /** @type {Array<() => void>} */
    const cleanups = [];
    if (batch) renderBatch(section, name, cleanups);
    else renderOnline(section, name, cleanups);
    return () => {
      for (const fn of cleanups) fn();
    };
  },
};
