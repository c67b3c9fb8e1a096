// @ts-check
/**
 * Schedules: each with its trigger, whether it is enabled, its last fire and its next five
 * fire times; enabling or disabling one asks for confirmation and is recorded in the
 * audit log.
 */
import { getJson, send } from '../lib/api.js';
import { showError } from '../lib/banner.js';
import { confirmDialog } from '../lib/confirm.js';
import { h, pageSection, ready, replaceChildren } from '../lib/dom.js';
import { formatAgo, formatDate, formatNumber } from '../lib/format.js';
import { follow, pageLoader, statusBadge, useDomainStyles } from './domain-kit.js';

export default {
  route: '/schedules',
  title: 'Schedules',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @returns {() => void}
   */
  render(container) {
    useDomainStyles();
    const section = pageSection(container, 'schedules', 'Schedules');
    const summary = h('p', { class: 'muted' }, 'loading…');
    const list = h('div', { class: 'cards' });
    section.append(summary, list);

    /** @param {any} s */
    const toggle = async (s) => {
      const enable = !s.enabled;
      const yes = await confirmDialog({
        title: enable ? 'Enable schedule' : 'Disable schedule',
        message: enable
          ? `Enable ${s.name}? It fires from now on (${s.triggerText}); missed fire times are not caught up.`
          : `Disable ${s.name}? It stops firing until enabled again.`,
        confirmLabel: enable ? 'Enable' : 'Disable',
      });
      if (yes) {
        try {
          await send('PUT', `/schedules/${encodeURIComponent(s.name)}/enabled`, { enabled: enable });
        } catch (error) {
          showError(/** @type {Error} */ (error).message);
        }
      }
      loader.load();
    };

    /** @param {any} s */
    const scheduleCard = (s) =>
      h(
        'div',
        { class: 'card', 'data-schedule': s.name },
        h('h3', null, s.displayName, ' ', statusBadge(s.enabled ? 'enabled' : 'disabled')),
        h(
          'dl',
          { class: 'kv' },
          h('dt', null, 'trigger'),
          h('dd', null, s.triggerText),
          h('dt', null, 'runs'),
          h('dd', null, h('code', null, s.job)),
          h('dt', null, 'last fire'),
          h(
            'dd',
            null,
            s.lastFiredAt
              ? h('span', { title: formatDate(s.lastFiredAt) }, formatAgo(s.lastFiredAt))
              : 'never',
          ),
          h('dt', null, 'next fires'),
          h(
            'dd',
            null,
            s.nextFireTimes.length > 0
              ? h(
                  'ul',
                  { class: 'times', 'data-next-fires': '' },
                  s.nextFireTimes.map((/** @type {string} */ t) => h('li', null, formatDate(Date.parse(t)))),
                )
              : s.enabled
                ? 'when the data changes'
                : 'none while disabled',
          ),
          s.description ? [h('dt', null, 'description'), h('dd', null, s.description)] : null,
        ),
        h(
          'p',
          null,
          h(
            'button',
            { type: 'button', 'data-action': s.enabled ? 'disable' : 'enable', onclick: () => toggle(s) },
            s.enabled ? 'Disable' : 'Enable',
          ),
        ),
      );

    const loader = pageLoader('schedules', async (alive) => {
      const page = await getJson('/schedules', { limit: 1000 });
      if (!alive()) return;
      const enabled = page.items.filter((/** @type {any} */ s) => s.enabled).length;
      summary.textContent = `${formatNumber(page.total)} schedule${page.total === 1 ? '' : 's'}, ${formatNumber(enabled)} enabled`;
      replaceChildren(
        list,
        page.items.length > 0
          ? page.items.map(scheduleCard)
          : h('p', { class: 'muted' }, 'No schedule yet: mlsweep schedule create -f schedule.yml'),
      );
      ready(section);
    });
    return follow(loader, ['schedules'], 500);
  },
};
