// @ts-check
/** The model registry: every registered model with its latest version and aliases. */
import { getJson } from '../lib/api.js';
import { h, pageSection, ready } from '../lib/dom.js';
import { formatNumber } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import { agoColumn, follow, numberColumn, pageLoader, useDomainStyles } from './domain-kit.js';

export default {
  route: '/models',
  title: 'Models',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @returns {() => void}
   */
  render(container) {
    useDomainStyles();
    const section = pageSection(container, 'models', 'Models');
    const summary = h('p', { class: 'muted' }, 'loading…');
    const table = createTable({
      label: 'Registered models',
      rowKey: (m) => m.name,
      onOpen: (m) => navigate('/model', { name: m.name }),
    });
    section.append(summary, table.element);
    const columns = [
      {
        key: 'name',
        label: 'Name',
        render: (/** @type {any} */ m) => h('a', { href: hrefFor('/model', { name: m.name }) }, m.name),
      },
      numberColumn('latest', 'Latest version', (m) => m.latestVersion),
      {
        key: 'aliases',
        label: 'Aliases',
        render: (/** @type {any} */ m) =>
          h(
            'span',
            { class: 'tags' },
            Object.entries(m.aliases).map(([alias, version]) =>
              h('span', { class: 'tag' }, `@${alias} → v${version}`),
            ),
          ),
      },
      { key: 'description', label: 'Description', render: (/** @type {any} */ m) => m.description || '—' },
      agoColumn('updated', 'Updated', (m) => m.updatedAt),
    ];
    const loader = pageLoader('models', async (alive) => {
      const page = await getJson('/models', { limit: 1000 });
      if (!alive()) return;
      summary.textContent = `${formatNumber(page.total)} registered model${page.total === 1 ? '' : 's'}`;
      table.update(columns, page.items);
      ready(section);
    });
    return follow(loader, ['models'], 500);
  },
};
