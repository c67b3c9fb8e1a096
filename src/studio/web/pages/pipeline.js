// @ts-check
/**
 * One pipeline job (`#/pipeline?id=RUN`): its DAG drawn as SVG (steps as nodes coloured by
 * status, bindings as edges; a node links to the step's run), each step's status,
 * duration and run, and a step's logs. It follows a running job live.
 */
import { getJson } from '../lib/api.js';
import { h, pageSection, ready, replaceChildren, svg } from '../lib/dom.js';
import { formatDate, formatDuration } from '../lib/format.js';
import { hrefFor } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import { card, follow, keyValues, pageLoader, runLink, statusBadge, useDomainStyles } from './domain-kit.js';

const NODE_W = 180;
const NODE_H = 50;
const GAP_X = 70;
const GAP_Y = 22;
const PAD = 16;
const STATUSES = ['queued', 'running', 'completed', 'failed', 'skipped', 'reused', 'canceled'];

/**
 * Each node's column (its longest path from a step with no input binding) and row.
 * @param {any[]} nodes
 * @param {any[]} edges
 * @returns {Map<string, { x: number, y: number }>}
 */
function layout(nodes, edges) {
  /** @type {Map<string, number>} */
  const depth = new Map(nodes.map((n) => [n.name, 0]));
  // Longest path by relaxing the edges as often as there are nodes (a DAG settles sooner).
  for (let i = 0; i < nodes.length; i++) {
    let moved = false;
    for (const e of edges) {
      const d = (depth.get(e.from) ?? 0) + 1;
      if (depth.has(e.to) && d > /** @type {number} */ (depth.get(e.to)) && d < nodes.length) {
        depth.set(e.to, d);
        moved = true;
      }
    }
    if (!moved) break;
  }
  /** @type {Map<number, number>} */
  const rows = new Map();
  /** @type {Map<string, { x: number, y: number }>} */
  const at = new Map();
  for (const n of nodes) {
    const col = depth.get(n.name) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    at.set(n.name, { x: PAD + col * (NODE_W + GAP_X), y: PAD + row * (NODE_H + GAP_Y) });
  }
  return at;
}

/**
 * The DAG as an SVG element.
 * @param {any} job
 * @returns {Element}
 */
function drawDag(job) {
  const at = layout(job.nodes, job.edges);
  const width = Math.max(...[...at.values()].map((p) => p.x + NODE_W), 0) + PAD;
  const height = Math.max(...[...at.values()].map((p) => p.y + NODE_H), 0) + PAD;
  const edges = job.edges
    .filter((/** @type {any} */ e) => at.has(e.from) && at.has(e.to))
    .map((/** @type {any} */ e) => {
      const a = /** @type {{ x: number, y: number }} */ (at.get(e.from));
      const b = /** @type {{ x: number, y: number }} */ (at.get(e.to));
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      return svg(
        'path',
        {
          class: 'edge',
          d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 6},${y2}`,
          'marker-end': 'url(#arrow)',
          'data-edge': `${e.from}->${e.to}`,
        },
        svg('title', {}, e.label ? `${e.from} → ${e.to}: ${e.label}` : `${e.from} → ${e.to}`),
      );
    });
  const nodes = job.nodes.map((/** @type {any} */ n) => {
    const p = /** @type {{ x: number, y: number }} */ (at.get(n.name));
    const detail = `${n.status}${n.durationMs !== undefined ? ` · ${formatDuration(n.durationMs)}` : ''}`;
    const shape = [
      svg('rect', { x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: 8 }),
      svg('text', { x: p.x + 10, y: p.y + 20 }, n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name),
      svg('text', { x: p.x + 10, y: p.y + 38, class: 'sub' }, `${n.type} · ${detail}`),
      svg('title', {}, `${n.name}: ${n.status}${n.message ? ` (${n.message})` : ''}`),
    ];
    return svg(
      'g',
      { class: `node ${n.status}`, 'data-step': n.name, 'data-status': n.status },
      n.runId
        ? svg(
            'a',
            {
              href: hrefFor('/run', { id: n.runId }),
              'aria-label': `step ${n.name}, ${n.status}: open its run`,
            },
            shape,
          )
        : shape,
    );
  });
  return svg(
    'svg',
    {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `pipeline graph of ${job.nodes.length} steps`,
    },
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 4,
          refY: 5,
          markerWidth: 8,
          markerHeight: 8,
          orient: 'auto-start-reverse',
        },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a93a3' }),
      ),
    ),
    edges,
    nodes,
  );
}

export default {
  route: '/pipeline',
  title: 'Pipeline job',
  nav: false,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    useDomainStyles();
    const id = params.id ?? '';
    const path = `/pipelines/${encodeURIComponent(id)}`;
    const section = pageSection(container, 'pipeline', 'Pipeline job');
    const title = /** @type {HTMLElement} */ (section.querySelector('h1'));
    const overview = h('div', { class: 'cards' });
    const dag = h('div', { class: 'dag', 'data-dag': '' });
    const legend = h(
      'div',
      { class: 'legend' },
      STATUSES.map((s) => statusBadge(s)),
    );
    const steps = createTable({ label: 'Steps', rowKey: (n) => n.name, onOpen: (n) => showLogs(n.name) });
    const logTitle = h('h2', null, 'Logs');
    const logBox = h(
      'div',
      null,
      h('p', { class: 'muted' }, 'Choose a step (Enter on its row, or its Logs button) to read its output.'),
    );
    section.append(
      h('p', null, h('a', { href: hrefFor('/pipelines') }, '← Pipeline jobs')),
      overview,
      h('h2', null, 'Graph'),
      legend,
      dag,
      h('h2', null, 'Steps'),
      steps.element,
      logTitle,
      logBox,
    );
    /** @type {string | undefined} */
    let logStep;

    /** @param {string} step */
    const showLogs = (step) => {
      logStep = step;
      logs.load();
    };
    const logs = pageLoader('step logs', async (alive) => {
      if (logStep === undefined) return;
      const step = logStep;
      const answer = await getJson(`${path}/steps/${encodeURIComponent(step)}/logs`);
      if (!alive() || step !== logStep) return;
      logTitle.textContent = `Logs of ${step}`;
      replaceChildren(
        logBox,
        h('h3', null, 'stdout', answer.stdout.truncated ? ' (last 64 KiB)' : ''),
        h('pre', { class: 'log', 'data-log': 'stdout' }, answer.stdout.text || '(empty)'),
        h('h3', null, 'stderr', answer.stderr.truncated ? ' (last 64 KiB)' : ''),
        h('pre', { class: 'log', 'data-log': 'stderr' }, answer.stderr.text || '(empty)'),
      );
    });

    const loader = pageLoader('pipeline', async (alive) => {
      const job = await getJson(path);
      if (!alive()) return;
      title.textContent = `Pipeline job ${job.name}`;
      document.title = `${job.name} · mlsweep studio`;
      replaceChildren(
        overview,
        card(
          'Job',
          keyValues([
            ['status', statusBadge(job.status)],
            ['started', formatDate(job.startTime)],
            ['duration', formatDuration((job.endTime ?? Date.now()) - job.startTime)],
            ['run', runLink(job.runId)],
            ['file', job.file ? h('code', null, job.file) : undefined],
            [
              'edges from',
              job.edgesFrom === 'file' ? 'the pipeline file' : 'the recorded inputs and outputs',
            ],
          ]),
        ),
      );
      replaceChildren(dag, drawDag(job));
      section.setAttribute('data-status', job.status);
      steps.update(
        [
          { key: 'name', label: 'Step', render: (/** @type {any} */ n) => n.name },
          { key: 'type', label: 'Type', render: (/** @type {any} */ n) => n.type },
          { key: 'status', label: 'Status', render: (/** @type {any} */ n) => statusBadge(n.status) },
          {
            key: 'duration',
            label: 'Duration',
            align: /** @type {const} */ ('right'),
            render: (/** @type {any} */ n) => formatDuration(n.durationMs),
          },
          { key: 'run', label: 'Run', render: (/** @type {any} */ n) => runLink(n.runId) },
          {
            key: 'reused',
            label: 'Reused from',
            render: (/** @type {any} */ n) => (n.reusedFrom ? runLink(n.reusedFrom) : ''),
          },
          { key: 'message', label: 'Message', render: (/** @type {any} */ n) => n.message ?? '' },
          {
            key: 'logs',
            label: 'Logs',
            render: (/** @type {any} */ n) =>
              n.runId
                ? h(
                    'button',
                    { type: 'button', 'data-logs-of': n.name, onclick: () => showLogs(n.name) },
                    'Logs',
                  )
                : '',
          },
        ],
        job.nodes,
      );
      if (logStep !== undefined) logs.load();
      ready(section);
    });
    return follow(loader, ['runs', 'pipelines'], 500, [logs.stop]);
  },
};
