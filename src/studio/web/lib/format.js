// @ts-check
/** Numbers, durations and dates as the pages show them. */

/**
 * A number: integers with separators, others with 4 significant digits; '—' for none.
 *
 * @example
 * formatNumber(0.123456); // '0.1235'
 * @param {number | null | undefined} value
 * @returns {string}
 */
export function formatNumber(value) {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/**
 * A duration in ms: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`.
 *
 * @example
 * formatDuration(125000); // '2 min 5 s'
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * A date in ms since the epoch as `2026-12-03 15:04:05` (local time).
 *
 * @example
 * formatDate(Date.now());
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function formatDate(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  /** @param {number} n */
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * How long ago: `just now`, `5 min ago`, `3 h ago`, `2 d ago`.
 *
 * @example
 * formatAgo(Date.now() - 90_000); // '1 min ago'
 * @param {number | null | undefined} ms
 * @param {number} [now]
 * @returns {string}
 */
export function formatAgo(ms, now = Date.now()) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}
