// @ts-check
/**
 * A modal confirmation (a `<dialog>`): Enter or the confirm button says yes, Escape or
 * Cancel says no. For writes that change what is served (an alias, traffic).
 */
import { h } from './dom.js';

/**
 * Asks for confirmation; resolves true when confirmed.
 *
 * @example
 * if (await confirmDialog({ title: 'Move alias', message: 'champion → version 4?', confirmLabel: 'Move' })) save();
 * @param {{ title: string, message: string | Node, confirmLabel?: string }} options
 * @returns {Promise<boolean>}
 */
export function confirmDialog(options) {
  return new Promise((resolve) => {
    const confirm = h(
      'button',
      { type: 'submit', value: 'yes', class: 'primary' },
      options.confirmLabel ?? 'Confirm',
    );
    const cancel = h('button', { type: 'button', value: 'no' }, 'Cancel');
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', null, options.title),
      h('div', { class: 'dialog-body' }, options.message),
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    const dialog = h('dialog', { class: 'confirm', 'aria-label': options.title }, form);
    let answered = false;
    /** @param {boolean} yes */
    const done = (yes) => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(yes);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      done(true);
    });
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      done(false);
    });
    dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && /** @type {HTMLElement} */ (event.target).tagName !== 'BUTTON') {
        event.preventDefault();
        done(true);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        done(false);
      }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    confirm.focus();
  });
}
