import { TRIAL_STATUSES } from '../core/trial.ts';
import type { TrialResult } from '../sweep/types.ts';
import { escapeHtml } from './html.ts';
import type { LeaderboardRow } from './types.ts';

/** A status cell of the trials table (any trial status), coloured by its class. */
const STATUS_CELL = new RegExp(`<td>(${TRIAL_STATUSES.join('|')})</td>`, 'g');

/** A table cell: text, and for numbers a data-sort key and right alignment. */
function cell(value: unknown): string {
  if (typeof value === 'number') {
    return `<td class="num" data-sort="${value}">${escapeHtml(formatNumber(value))}</td>`;
  }
  const text = escapeHtml(value === undefined || value === null ? '' : String(value));
  // long cells (an ensemble's members, parameters, errors) are cut with an ellipsis; the title keeps them whole
  return text.length > 60 ? `<td title="${text}">${text}</td>` : `<td>${text}</td>`;
}

/** Numbers for people: 4 significant digits, exponent form for the very small and large. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e7)
    ? value.toExponential(3)
    : Number(value.toPrecision(4)).toString();
}

/** A sortable HTML table (click a header to sort; numbers sort as numbers). */
export function sortableTable(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table class="sortable"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Every trial: id, status, value, each parameter, duration and error. */
export function trialsTable(
  trials: readonly TrialResult[],
  paramNames: readonly string[],
  metric: string,
): string {
  const rows = trials.map((t) => [
    t.id,
    t.status,
    t.value,
    ...paramNames.map((n) => t.params[n]),
    t.durationMs / 1000,
    t.error ?? '',
  ]);
  const html = sortableTable(['trial', 'status', metric, ...paramNames, 'seconds', 'error'], rows);
  // colour the status column
  return html.replace(STATUS_CELL, '<td class="status-$1">$1</td>');
}

/** The AutoML leaderboard, best first. */
export function leaderboardTable(rows: readonly LeaderboardRow[], metric: string): string {
  return sortableTable(
    ['rank', 'model', metric, 'fit seconds', 'predict seconds', 'parameters'],
    rows.map((r) => [r.rank, r.model, r.score, r.fitSeconds, r.predictSeconds, JSON.stringify(r.params)]),
  );
}

/** Summary cards: label -> value. */
export function cards(entries: ReadonlyArray<readonly [string, string]>): string {
  return `<div class="cards">${entries
    .map(([k, v]) => `<div class="card"><b>${escapeHtml(k)}</b><span>${escapeHtml(v)}</span></div>`)
    .join('')}</div>`;
}
