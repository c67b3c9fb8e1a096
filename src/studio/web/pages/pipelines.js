// @ts-check
/** Pipeline jobs, newest first, with their status and duration. */
import { getJson } from '../lib/api.js';
import { h, pageSection, ready } from '../lib/dom.js';
import { formatDuration, formatNumber } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import { agoColumn, follow, pageLoader, statusBadge, useDomainStyles } from './domain-kit.js';

export default {
  route: '/pipelines',
  title: 'Pipelines',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @returns {() => void}
   */
  render(container) {
    useDomainStyles();
    const section = pageSection(container, 'pipelines', 'Pipeline jobs');
    const summary = h('p', { class: 'muted' }, 'loading…');
    const table = createTable({
      label: 'Pipeline jobs',
      rowKey: (j) => j.runId,
      onOpen: (j) => navigate('/pipeline', { id: j.runId }),
    });
    section.append(summary, table.element);
    const columns = [
      {
        key: 'name',
        label: 'Job',
        render: (/** @type {any} */ j) => h('a', { href: hrefFor('/pipeline', { id: j.runId }) }, j.name),
      },
      { key: 'status', label: 'Status', render: (/** @type {any} */ j) => statusBadge(j.status) },
      agoColumn('started', 'Started', (j) => j.startTime),
      {
        key: 'duration',
        label: 'Duration',
        align: /** @type {const} */ ('right'),
        render: (/** @type {any} */ j) => formatDuration((j.endTime ?? Date.now()) - j.startTime),
      },
      { key: 'published', label: 'Published pipeline', render: (/** @type {any} */ j) => j.published ?? '—' },
      {
        key: 'file',
        label: 'File',
        render: (/** @type {any} */ j) => (j.file ? h('code', null, j.file) : '—'),
      },
    ];
    const loader = pageLoader('pipelines', async (alive) => {
      const page = await getJson('/pipelines', { limit: 1000 });
      if (!alive()) return;
      summary.textContent = `${formatNumber(page.total)} pipeline job${page.total === 1 ? '' : 's'}`;
      table.update(columns, page.items);
      ready(section);
    });
    return follow(loader, ['runs', 'pipelines'], 1000);
  },
};
