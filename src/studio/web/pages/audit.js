// @ts-check
/** The audit log page: every write made through the studio, newest first (who, when, what). */
import { getJson } from '../lib/api.js';
import { h, pageSection, ready } from '../lib/dom.js';
import { formatDate } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { createPager, createTable } from '../lib/table.js';
import { follow, pageLoader } from './domain-kit.js';

const LIMIT = 50;

export default {
  route: '/audit',
  title: 'Audit log',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    const section = pageSection(container, 'audit', 'Audit log');
    let offset = Number(params.offset ?? 0) || 0;
    const note = h(
      'p',
      { class: 'muted' },
      'Writes made through the studio: alias moves, traffic changes, and the like.',
    );
    const table = createTable({ label: 'Audit log', rowKey: (e) => String(e.id) });
    const pager = createPager((next) => {
      offset = next;
      navigate('/audit', { offset: offset || undefined }, { replace: true });
      load();
    });
    section.append(note, table.element, pager.element);
    const columns = [
      { key: 'at', label: 'When', render: (/** @type {any} */ e) => formatDate(e.at) },
      { key: 'actor', label: 'Who', render: (/** @type {any} */ e) => e.actor },
      { key: 'action', label: 'Action', render: (/** @type {any} */ e) => h('code', null, e.action) },
      { key: 'target', label: 'Target', render: (/** @type {any} */ e) => e.target },
      {
        key: 'detail',
        label: 'Detail',
        render: (/** @type {any} */ e) => h('code', null, JSON.stringify(e.detail)),
      },
    ];
    const loader = pageLoader('audit', async (alive) => {
      const page = await getJson('/audit', { limit: LIMIT, offset });
      if (!alive()) return;
      table.update(columns, page.items);
      pager.update(offset, LIMIT, page.total);
      ready(section);
    });
    const load = loader.load;
    return follow(loader, ['audit'], 500);
  },
};
