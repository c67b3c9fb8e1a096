// @ts-check
/**
 * One registered model (`#/model?name=NAME`): its aliases, which a person moves or
 * removes, and its versions (source run, metrics, tags, stage), whose tags and stage a
 * person changes. Every change asks for confirmation first and is recorded in the audit
 * log (who, when, from → to).
 */
import { getJson, send } from '../lib/api.js';
import { showError } from '../lib/banner.js';
import { confirmDialog } from '../lib/confirm.js';
import { discardEdits, h, pageSection, ready, redrawKeepingEdits, replaceChildren } from '../lib/dom.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { hrefFor } from '../lib/router.js';
import { card, follow, keyValues, pageLoader, runLink, useDomainStyles } from './domain-kit.js';

const STAGES = ['None', 'Staging', 'Production', 'Archived'];

/**
 * Asks, then writes; reports a refused write in the banner. Resolves whether it wrote.
 * @param {{ title: string, message: string, confirmLabel: string }} question
 * @param {() => Promise<unknown>} write
 * @returns {Promise<boolean>}
 */
async function confirmed(question, write) {
  if (!(await confirmDialog(question))) return false;
  try {
    await write();
    return true;
  } catch (error) {
    showError(/** @type {Error} */ (error).message);
    return false;
  }
}

/**
 * A select of the model's versions.
 * @param {number[]} versions
 * @param {number | undefined} current
 * @param {Record<string, unknown>} attrs
 */
function versionSelect(versions, current, attrs) {
  return h(
    'select',
    attrs,
    versions.map((v) => h('option', { value: String(v), selected: v === current }, `version ${v}`)),
  );
}

export default {
  route: '/model',
  title: 'Model',
  nav: false,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    useDomainStyles();
    const name = params.name ?? '';
    const section = pageSection(container, 'model', `Model ${name}`);
    const overview = h('div', { class: 'cards' });
    const aliasesPart = h('div');
    const versionsPart = h('div', { class: 'cards' });
    section.append(
      h('p', null, h('a', { href: hrefFor('/models') }, '← Models')),
      overview,
      h('h2', null, 'Aliases'),
      aliasesPart,
      h('h2', null, 'Versions'),
      versionsPart,
    );
    const path = `/models/${encodeURIComponent(name)}`;

    /** @param {any} model @param {number[]} versions */
    const drawAliases = (model, versions) => {
      const rows = Object.entries(model.aliases).map(([alias, version]) => {
        const select = versionSelect(versions, /** @type {number} */ (version), {
          'data-alias': alias,
          'aria-label': `version for @${alias}`,
        });
        const move = h(
          'button',
          {
            type: 'button',
            'data-action': 'move-alias',
            'data-alias': alias,
            onclick: async () => {
              const to = Number(/** @type {HTMLSelectElement} */ (select).value);
              if (to === version) return;
              const done = await confirmed(
                {
                  title: 'Move alias',
                  message: `Move ${name}@${alias} from version ${version} to version ${to}? Whatever loads models:/${name}@${alias} gets version ${to}.`,
                  confirmLabel: 'Move',
                },
                () => send('PUT', `${path}/aliases/${encodeURIComponent(alias)}`, { version: to }),
              );
              if (!done) /** @type {HTMLSelectElement} */ (select).value = String(version);
              loader.load();
            },
          },
          'Move',
        );
        const remove = h(
          'button',
          {
            type: 'button',
            'data-action': 'delete-alias',
            'data-alias': alias,
            onclick: async () => {
              await confirmed(
                {
                  title: 'Remove alias',
                  message: `Remove ${name}@${alias} (now version ${version})? models:/${name}@${alias} will no longer resolve.`,
                  confirmLabel: 'Remove',
                },
                () => send('DELETE', `${path}/aliases/${encodeURIComponent(alias)}`),
              );
              loader.load();
            },
          },
          'Remove',
        );
        return h(
          'li',
          { class: 'inline-form', 'data-alias-row': alias },
          h('code', null, `@${alias}`),
          ' → ',
          select,
          move,
          remove,
        );
      });
      const newAlias = h('input', {
        type: 'text',
        placeholder: 'alias',
        'aria-label': 'new alias',
        'data-new-alias': '',
      });
      const newVersion = versionSelect(versions, versions[versions.length - 1], {
        'aria-label': 'version for the new alias',
      });
      const add = h(
        'form',
        {
          class: 'inline-form',
          onsubmit: async (/** @type {Event} */ event) => {
            event.preventDefault();
            const alias = /** @type {HTMLInputElement} */ (newAlias).value.trim();
            const to = Number(/** @type {HTMLSelectElement} */ (newVersion).value);
            if (alias === '') return;
            const done = await confirmed(
              {
                title: 'Set alias',
                message: `Point ${name}@${alias} at version ${to}?`,
                confirmLabel: 'Set',
              },
              () => send('PUT', `${path}/aliases/${encodeURIComponent(alias)}`, { version: to }),
            );
            if (done) discardEdits(add);
            loader.load();
          },
        },
        newAlias,
        newVersion,
        h('button', { type: 'submit' }, 'Set alias'),
      );
      redrawKeepingEdits(
        aliasesPart,
        rows.length > 0 ? h('ul', { class: 'tree' }, rows) : h('p', { class: 'muted' }, 'No alias yet.'),
        add,
      );
    };

    /** @param {any} v */
    const versionCard = (v) => {
      const vpath = `${path}/versions/${v.version}`;
      const stage = h(
        'select',
        { 'aria-label': `stage of version ${v.version}`, 'data-stage-of': String(v.version) },
        STAGES.map((s) => h('option', { value: s, selected: s === v.stage }, s)),
      );
      const applyStage = h(
        'button',
        {
          type: 'button',
          'data-action': 'set-stage',
          onclick: async () => {
            const to = /** @type {HTMLSelectElement} */ (stage).value;
            if (to === v.stage) return;
            const done = await confirmed(
              {
                title: 'Move stage',
                message: `Move version ${v.version} of ${name} from ${v.stage} to ${to}?`,
                confirmLabel: 'Move',
              },
              () => send('PUT', `${vpath}/stage`, { stage: to }),
            );
            if (!done) /** @type {HTMLSelectElement} */ (stage).value = v.stage;
            loader.load();
          },
        },
        'Apply',
      );
      const tags = Object.entries(v.tags).map(([key, value]) =>
        h(
          'span',
          { class: 'tag' },
          `${key}=${value}`,
          h(
            'button',
            {
              type: 'button',
              'aria-label': `delete tag ${key}`,
              'data-action': 'delete-tag',
              onclick: async () => {
                await confirmed(
                  {
                    title: 'Delete tag',
                    message: `Delete the tag ${key} (${value}) of version ${v.version}?`,
                    confirmLabel: 'Delete',
                  },
                  () => send('DELETE', `${vpath}/tags/${encodeURIComponent(key)}`),
                );
                loader.load();
              },
            },
            '×',
          ),
        ),
      );
      const tagKey = h('input', {
        type: 'text',
        placeholder: 'key',
        'aria-label': `tag key for version ${v.version}`,
      });
      const tagValue = h('input', {
        type: 'text',
        placeholder: 'value',
        'aria-label': `tag value for version ${v.version}`,
      });
      const addTag = h(
        'form',
        {
          class: 'inline-form',
          onsubmit: async (/** @type {Event} */ event) => {
            event.preventDefault();
            const key = /** @type {HTMLInputElement} */ (tagKey).value.trim();
            const value = /** @type {HTMLInputElement} */ (tagValue).value;
            if (key === '') return;
            const from = v.tags[key];
            const done = await confirmed(
              {
                title: 'Set tag',
                message:
                  from === undefined
                    ? `Set ${key}=${value} on version ${v.version}?`
                    : `Change ${key} of version ${v.version} from ${from} to ${value}?`,
                confirmLabel: 'Set',
              },
              () => send('PUT', `${vpath}/tags/${encodeURIComponent(key)}`, { value }),
            );
            if (done) discardEdits(addTag);
            loader.load();
          },
        },
        tagKey,
        tagValue,
        h('button', { type: 'submit' }, 'Set tag'),
      );
      return h(
        'div',
        { class: 'card', 'data-version': String(v.version) },
        h(
          'h3',
          null,
          `Version ${v.version}`,
          v.aliases.length > 0 ? ` (${v.aliases.map((/** @type {string} */ a) => `@${a}`).join(', ')})` : '',
        ),
        keyValues([
          ['stage', h('span', { class: 'inline-form' }, stage, applyStage)],
          ['source run', runLink(v.runId)],
          ['source', h('code', null, v.source)],
          ['registered', formatDate(v.createdAt)],
          ['description', v.description || undefined],
          ...Object.entries(v.metrics).map(
            ([k, m]) => /** @type {[string, string]} */ ([k, formatNumber(/** @type {number} */ (m))]),
          ),
          ['tags', h('span', { class: 'tags' }, tags.length > 0 ? tags : '—')],
        ]),
        addTag,
      );
    };

    const loader = pageLoader('model', async (alive) => {
      const { model, versions } = await getJson(path);
      if (!alive()) return;
      const numbers = versions
        .map((/** @type {any} */ v) => v.version)
        .sort((/** @type {number} */ a, /** @type {number} */ b) => a - b);
      replaceChildren(
        overview,
        card(
          'Model',
          keyValues([
            ['name', model.name],
            ['latest version', formatNumber(model.latestVersion)],
            ['description', model.description || undefined],
            ['created', formatDate(model.createdAt)],
            ['updated', formatDate(model.updatedAt)],
            ...Object.entries(model.tags).map(([k, v]) => /** @type {[string, string]} */ ([k, String(v)])),
          ]),
        ),
      );
      drawAliases(model, numbers);
      redrawKeepingEdits(versionsPart, versions.map(versionCard));
      ready(section);
    });
    return follow(loader, ['models'], 500);
  },
};
