import type { ChartSpec } from './types.ts';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element (no `</script>` or `<!--` can appear). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A section of the page: a heading and its body HTML. */
export interface PageSection {
  readonly title: string;
  readonly html: string;
}

/** The div a chart is drawn into, with its title and caption. */
export function chartBlock(chart: ChartSpec): string {
  return `<figure class="chart">
<figcaption><strong>${escapeHtml(chart.title)}</strong><span>${escapeHtml(chart.caption)}</span></figcaption>
<div class="chart-canvas" id="chart-${escapeHtml(chart.id)}" data-chart="${escapeHtml(chart.id)}" style="height:${chart.height ?? 360}px"></div>
</figure>`;
}

const STYLE = `
:root { color-scheme: light; --ink:#1d2330; --muted:#5d6675; --line:#e3e7ee; --accent:#2f6fdf; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fb; }
header { background: #11306b; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 21px; }
header p { margin: 0; opacity: .85; }
main { max-width: 1180px; margin: 0 auto; padding: 18px 24px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 16px 0; break-inside: avoid; }
section h2 { margin: 0 0 10px; font-size: 17px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card b { display: block; font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
.card span { font-size: 16px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 12px; }
figure.chart { margin: 0; }
figcaption { display: flex; flex-direction: column; margin-bottom: 4px; }
figcaption span { color: var(--muted); font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; white-space: nowrap; }
td { max-width: 460px; overflow: hidden; text-overflow: ellipsis; }
th { position: sticky; top: 0; background: #eef2f8; cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.status-completed { color: #1b7a47; } .status-failed { color: #c02f43; } .status-early_terminated { color: #c26317; }
.status-timed_out { color: #8e3aa5; } .status-cancelled { color: #6b717c; }
code { background: #f0f2f6; padding: 1px 4px; border-radius: 3px; }
@media print { body { background: #fff; } header { color: #000; background: #fff; border-bottom: 2px solid #000; }
  section { border: none; padding: 0; } .table-wrap { max-height: none; overflow: visible; } }
`;

// Draws every chart from the embedded options, and makes tables sortable by clicking a
// header. Runs offline: the only script is ECharts, inlined before this one.
const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('mlsweep-charts').textContent);
  window.mlsweepCharts = {};
  specs.forEach(function (spec) {
    var el = document.getElementById('chart-' + spec.id);
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    spec.option.animation = false;
    chart.setOption(spec.option);
    window.mlsweepCharts[spec.id] = chart;
  });
  window.addEventListener('resize', function () {
    Object.keys(window.mlsweepCharts).forEach(function (k) { window.mlsweepCharts[k].resize(); });
  });
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent;
          var y = b.cells[col].getAttribute('data-sort') || b.cells[col].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
          return asc ? cmp : -cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.body.setAttribute('data-rendered', String(specs.length));
})();
`;

/** The whole page: styles, sections, the inlined chart library, the chart data and the boot script. */
export function page(options: {
  title: string;
  subtitle: string;
  sections: readonly PageSection[];
  charts: readonly ChartSpec[];
  chartLibrary: string;
}): string {
  const body = options.sections
    .map((s) => `<section><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`)
    .join('\n');
  const specs = options.charts.map((c) => ({ id: c.id, option: c.option }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mlsweep">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.subtitle)}</p></header>
<main>
${body}
</main>
<script>${options.chartLibrary.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="mlsweep-charts">${scriptJson(specs)}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}
