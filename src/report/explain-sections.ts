import { chartBlock, escapeHtml, type PageSection } from './html.ts';
import { formatNumber, sortableTable } from './tables.ts';
import type { ChartSpec, ContributionSample, InputImportanceSection } from './types.ts';

/**
 * A chart of permutation importances: each input column's interval of the mean drop as a
 * box from its low to its high end, the mean as the line inside (largest on top).
 *
 * @example
 * const chart = importanceIntervalChart(section); // ChartSpec for the page's charts
 */
export function importanceIntervalChart(section: InputImportanceSection): ChartSpec {
  const shown = section.columns.slice(0, 30).reverse();
  return {
    id: 'input-importance',
    title: `Permutation importance of the input columns (drop of ${section.metric})`,
    caption: `${section.method} A box spans the ${Math.round(section.confidence * 100)}% interval of the mean drop, the line inside is the mean; an interval above 0 marks a column the model relies on.`,
    height: Math.max(160, 28 * shown.length + 60),
    option: {
      tooltip: { trigger: 'item' },
      grid: { left: 160, right: 40, top: 10, bottom: 30 },
      xAxis: { type: 'value', name: `drop of ${section.metric}` },
      yAxis: { type: 'category', data: shown.map((c) => c.column) },
      series: [
        {
          type: 'boxplot',
          itemStyle: { color: '#dbe6fb', borderColor: '#2f6fdf' },
          data: shown.map((c) => [c.low, c.low, c.mean, c.high, c.high]),
        },
      ],
    },
  };
}

/** The permutation-importance table: column, mean drop, interval ends. */
function importanceTable(section: InputImportanceSection): string {
  const pct = Math.round(section.confidence * 100);
  return sortableTable(
    ['input column', `mean drop of ${section.metric}`, `${pct}% low`, `${pct}% high`],
    section.columns.map((c) => [c.column, c.mean, c.low, c.high]),
  );
}

/** The contributions of a few rows: one line per row and contribution (largest first), the row's prediction on its first line. */
function contributionTable(sample: ContributionSample): string {
  const rows = sample.rows.flatMap((r) =>
    r.contributions.map((c, i) => [
      i === 0 ? r.row : '',
      i === 0 ? r.prediction : '',
      i === 0 ? r.expectedValue : '',
      c.column,
      c.value === '' ? '(missing)' : c.value,
      c.contribution,
    ]),
  );
  return sortableTable(
    ['row', 'prediction', 'expected value', 'input column', 'value', 'contribution'],
    rows,
  );
}

/**
 * The explanation sections of an AutoML report: the permutation importance of the input
 * columns with intervals (chart and table), and the per-row contributions of a sample of
 * rows. Charts are appended to `charts`.
 *
 * @example
 * sections.push(...explanationSections(automl.inputImportance, automl.contributionSample, charts));
 */
export function explanationSections(
  importance: InputImportanceSection | undefined,
  sample: ContributionSample | undefined,
  charts: ChartSpec[],
): PageSection[] {
  const sections: PageSection[] = [];
  if (importance && importance.columns.length > 0) {
    const chart = importanceIntervalChart(importance);
    charts.push(chart);
    sections.push({
      title: 'Input column importance',
      html: `${chartBlock(chart)}\n<p>${escapeHtml(`${importance.metric} on the held-out rows as they are: ${formatNumber(importance.baseline)}.`)}</p>\n${importanceTable(importance)}`,
    });
  }
  if (sample && sample.rows.length > 0) {
    sections.push({
      title: 'Per-row contributions',
      html: `<p>${escapeHtml(`${sample.method}. Each row: what the model gives with no column known (expected value), then the input columns that moved its ${sample.output} most; the expected value plus every column's contribution is the row's ${sample.output}.`)}</p>\n${contributionTable(sample)}`,
    });
  }
  return sections;
}
