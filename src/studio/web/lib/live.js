// @ts-check
/**
 * Live updates: one EventSource on `/studio/api/events` shared by every page; a page
 * subscribes to a topic (`runs`, `metrics`, `sweeps`, `models`, `endpoints`, `pipelines`,
 * `schedules`, `audit`) and unsubscribes when it goes.
 */

/** @type {EventSource | undefined} */
let source;
let listeners = 0;

/**
 * Opens the shared stream (once): the shell calls it at start so the navigation's live
 * indicator says whether updates flow, whatever the page.
 *
 * @example
 * connect();
 * @returns {EventSource}
 */
export function connect() {
  if (source === undefined || source.readyState === EventSource.CLOSED) {
    source = new EventSource('/studio/api/events');
    const state = document.getElementById('live-state');
    source.addEventListener('open', () => state?.classList.add('on'));
    source.addEventListener('error', () => state?.classList.remove('on'));
  }
  return source;
}

/**
 * Calls `fn(data)` for each event of `topic`, and `fn(null)` each time the stream opens
 * after the subscription (what happened while it was closed is unknown); with
 * `throttleMs`, at most once per period (with the latest data, and once more after a
 * burst). Returns the unsubscribe function.
 *
 * @example
 * const stop = subscribe('runs', () => reload(), { throttleMs: 500 });
 * @param {string} topic
 * @param {(data: any) => void} fn
 * @param {{ throttleMs?: number }} [options]
 * @returns {() => void}
 */
export function subscribe(topic, fn, options) {
  const events = connect();
  const period = options?.throttleMs ?? 0;
  let last = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pending;
  /** @type {any} */
  let latest;
  const fire = () => {
    pending = undefined;
    last = Date.now();
    fn(latest);
  };
  /** @param {any} data */
  const deliver = (data) => {
    latest = data;
    if (period === 0) return fn(latest);
    if (pending !== undefined) return;
    const wait = last + period - Date.now();
    if (wait <= 0) fire();
    else pending = setTimeout(fire, wait);
  };
  /** @param {MessageEvent} event */
  const handler = (event) => {
    let data = null;
    try {
      data = JSON.parse(event.data);
    } catch {}
    deliver(data);
  };
  // Events sent while the stream was not open (before its first open, between a drop and
  // the reconnect) are lost: an open tells the subscriber that anything may have changed.
  const reopened = () => deliver(null);
  events.addEventListener(topic, /** @type {EventListener} */ (handler));
  events.addEventListener('open', reopened);
  listeners += 1;
  return () => {
    events.removeEventListener(topic, /** @type {EventListener} */ (handler));
    events.removeEventListener('open', reopened);
    if (pending !== undefined) clearTimeout(pending);
    listeners -= 1;
  };
}

/**
 * How many subscriptions are open (for tests of page cleanup).
 *
 * @example
 * liveSubscriptions(); // 2
 * @returns {number}
 */
export function liveSubscriptions() {
  return listeners;
}
