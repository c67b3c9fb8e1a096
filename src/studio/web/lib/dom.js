// @ts-check
/**
 * Building elements with DOM APIs only: text goes in as text nodes and attributes through
 * setAttribute, so a value from the store is never parsed as HTML.
 */

/** @typedef {Node | string | number | boolean | null | undefined | ReadonlyArray<any>} Child */

/**
 * An element with attributes and children. `on<event>` attributes that are functions
 * become listeners; `class`, `data-*`, `aria-*` and others are set as attributes; `value`,
 * `checked`, `disabled`, `hidden`, `selected` as properties; null, undefined and false
 * attributes and children are left out.
 *
 * @example
 * h('a', { href: '#/runs', class: 'link' }, 'Runs (', 12, ')');
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (
      name === 'value' ||
      name === 'checked' ||
      name === 'disabled' ||
      name === 'hidden' ||
      name === 'selected'
    ) {
      /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (element))[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/**
 * An SVG element (the pipeline graph, icons), attributes set with setAttribute.
 *
 * @example
 * svg('circle', { cx: 5, cy: 5, r: 4 });
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...Child} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/**
 * Appends children (text for strings and numbers; arrays flattened; empty ones skipped).
 *
 * @example
 * append(list, items.map((i) => h('li', null, i.name)));
 * @param {Element} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) append(parent, /** @type {Child[]} */ (child));
    else if (typeof child === 'string' || typeof child === 'number')
      parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(/** @type {Node} */ (child));
  }
}

/**
 * Replaces an element's children.
 *
 * @example
 * replaceChildren(tbody, rows.map(renderRow));
 * @param {Element} parent
 * @param {...Child} children
 */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** The form fields of `parent` that `redrawKeepingEdits` follows: those with an aria-label. */
const LABELLED_FIELDS = 'input[aria-label], select[aria-label], textarea[aria-label]';

/**
 * Replaces an element's children as `replaceChildren` does, keeping what a person has
 * typed or chosen there and not saved: a live reload must not undo an edit in progress.
 * A field (matched by its aria-label) keeps its edit while the value drawn under it is
 * the one drawn before; when the stored value changed meanwhile, the new one shows. An
 * `input` event tells the field's listeners; the focused field keeps the focus.
 *
 * @example
 * redrawKeepingEdits(trafficPart, rows); // a traffic split being typed survives a reload
 * @param {Element} parent
 * @param {...Child} children
 */
export function redrawKeepingEdits(parent, ...children) {
  /** @type {Map<string, { drawn: string, value: string }>} */
  const edits = new Map();
  let focused;
  for (const field of fieldsIn(parent)) {
    const label = field.getAttribute('aria-label') ?? '';
    const drawn = field.dataset.drawn;
    if (drawn !== undefined && field.value !== drawn) edits.set(label, { drawn, value: field.value });
    if (field === document.activeElement) focused = label;
  }
  replaceChildren(parent, ...children);
  for (const field of fieldsIn(parent)) {
    const label = field.getAttribute('aria-label') ?? '';
    field.dataset.drawn = field.value;
    const edit = edits.get(label);
    if (edit !== undefined && edit.drawn === field.value) {
      field.value = edit.value;
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }
    if (label === focused) field.focus();
  }
}

/**
 * Puts the fields of `element` back to what `redrawKeepingEdits` last drew in them: an
 * edit that was saved is no longer one to keep.
 *
 * @example
 * if (await saved()) discardEdits(tagForm);
 * @param {Element} element
 */
export function discardEdits(element) {
  for (const field of fieldsIn(element)) {
    if (field.dataset.drawn !== undefined) field.value = field.dataset.drawn;
  }
}

/**
 * @param {Element} parent
 * @returns {Array<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>}
 */
function fieldsIn(parent) {
  return [
    .../** @type {NodeListOf<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>} */ (
      parent.querySelectorAll(LABELLED_FIELDS)
    ),
  ];
}

/**
 * The page's main element: `<section data-page="NAME">` with a heading, in `container`,
 * and sets document.title. Call `ready(section)` once its first data is drawn.
 *
 * @example
 * const section = pageSection(container, 'runs', 'Runs');
 * @param {HTMLElement} container
 * @param {string} name
 * @param {string} title
 * @returns {HTMLElement}
 */
export function pageSection(container, name, title) {
  document.title = `${title} · mlsweep studio`;
  const section = h('section', { class: 'page', 'data-page': name }, h('h1', null, title));
  container.replaceChildren(section);
  return section;
}

/**
 * Marks a page's first data as drawn (what tests and the benchmark wait on).
 *
 * @example
 * ready(section);
 * @param {HTMLElement} section
 */
export function ready(section) {
  section.setAttribute('data-ready', 'true');
}
