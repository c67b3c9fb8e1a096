// @ts-check
/** Online endpoints with their traffic split, and batch endpoints with their default deployment. */
import { getJson } from '../lib/api.js';
import { h, pageSection, ready } from '../lib/dom.js';
import { formatAgo, formatDate, formatNumber } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import { agoColumn, follow, pageLoader, useDomainStyles } from './domain-kit.js';

/**
 * `blue 90% · green 10%`.
 * @param {Record<string, number>} split
 */
function splitText(split) {
  const parts = Object.entries(split).filter(([, p]) => p > 0);
  return parts.length > 0 ? parts.map(([d, p]) => `${d} ${p}%`).join(' · ') : '—';
}

export default {
  route: '/endpoints',
  title: 'Endpoints',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @returns {() => void}
   */
  render(container) {
    useDomainStyles();
    const section = pageSection(container, 'endpoints', 'Endpoints');
    const summary = h('p', { class: 'muted' }, 'loading…');
    const online = createTable({
      label: 'Online endpoints',
      rowKey: (e) => e.name,
      onOpen: (e) => navigate('/endpoint', { name: e.name }),
    });
    const batch = createTable({
      label: 'Batch endpoints',
      rowKey: (e) => e.name,
      onOpen: (e) => navigate('/endpoint', { batch: e.name }),
    });
    section.append(
      summary,
      h('h2', null, 'Online endpoints'),
      online.element,
      h('h2', null, 'Batch endpoints'),
      batch.element,
    );
    const onlineColumns = [
      {
        key: 'name',
        label: 'Name',
        render: (/** @type {any} */ e) => h('a', { href: hrefFor('/endpoint', { name: e.name }) }, e.name),
      },
      { key: 'auth', label: 'Auth', render: (/** @type {any} */ e) => e.authMode },
      {
        key: 'deployments',
        label: 'Deployments',
        render: (/** @type {any} */ e) => e.deployments.join(', ') || '—',
      },
      { key: 'traffic', label: 'Traffic', render: (/** @type {any} */ e) => splitText(e.traffic) },
      { key: 'mirror', label: 'Mirror', render: (/** @type {any} */ e) => splitText(e.mirrorTraffic) },
      {
        key: 'updated',
        label: 'Changed',
        render: (/** @type {any} */ e) =>
          h(
            'span',
            { title: formatDate(e.updatedAt) },
            `${formatAgo(e.updatedAt)}${e.changedBy ? ` by ${e.changedBy}` : ''}`,
          ),
      },
    ];
    const batchColumns = [
      {
        key: 'name',
        label: 'Name',
        render: (/** @type {any} */ e) => h('a', { href: hrefFor('/endpoint', { batch: e.name }) }, e.name),
      },
      {
        key: 'deployments',
        label: 'Deployments',
        render: (/** @type {any} */ e) => e.deployments.join(', ') || '—',
      },
      { key: 'default', label: 'Default', render: (/** @type {any} */ e) => e.defaultDeployment ?? '—' },
      agoColumn('updated', 'Changed', (e) => e.updatedAt),
    ];
    const loader = pageLoader('endpoints', async (alive) => {
      const [onlinePage, batchPage] = await Promise.all([
        getJson('/endpoints', { limit: 1000 }),
        getJson('/batch-endpoints', { limit: 1000 }),
      ]);
      if (!alive()) return;
      summary.textContent = `${formatNumber(onlinePage.total)} online, ${formatNumber(batchPage.total)} batch`;
      online.update(onlineColumns, onlinePage.items);
      batch.update(batchColumns, batchPage.items);
      ready(section);
    });
    return follow(loader, ['endpoints'], 500);
  },
};
