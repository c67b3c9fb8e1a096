import { confusionChart, curvesChart, predictedVsActualChart, residualsChart } from './automl-charts.ts';
import { explanationSections } from './explain-sections.ts';
import { chartBlock, type PageSection } from './html.ts';
import { barChart } from './sweep-charts.ts';
import { leaderboardTable } from './tables.ts';
import type { AutomlReportSection, ChartSpec } from './types.ts';

/**
 * The AutoML sections of a report: leaderboard, then the model's quality pictures for
 * its task, then feature importances, then (given held-out rows) the input columns'
 * permutation importance with intervals and a sample of per-row contributions. Charts are
 * appended to `charts`.
 */
export function automlSections(automl: AutomlReportSection, charts: ChartSpec[]): PageSection[] {
  const sections: PageSection[] = [
    { title: 'Leaderboard', html: leaderboardTable(automl.leaderboard, automl.primaryMetric) },
  ];
  const quality: ChartSpec[] = [];
  if (automl.task === 'classification') {
    if (automl.labels && automl.confusionMatrix)
      quality.push(confusionChart(automl.labels, automl.confusionMatrix));
    if (automl.roc?.length) {
      quality.push(
        curvesChart(
          'roc',
          'ROC curve',
          'True positive rate against false positive rate, one curve per class (one-vs-rest).',
          automl.roc,
          {
            x: 'false positive rate',
            y: 'true positive rate',
            diagonal: true,
          },
        ),
      );
    }
    if (automl.precisionRecall?.length) {
      quality.push(
        curvesChart(
          'pr',
          'Precision-recall curve',
          'Precision against recall, one curve per class (one-vs-rest).',
          automl.precisionRecall,
          {
            x: 'recall',
            y: 'precision',
            diagonal: false,
          },
        ),
      );
    }
    if (automl.calibration?.length) {
      quality.push(
        curvesChart(
          'calibration',
          'Calibration',
          'Observed frequency against mean predicted probability per bin; the diagonal is perfect calibration.',
          automl.calibration,
          {
            x: 'mean predicted probability',
            y: 'fraction of positives',
            diagonal: true,
          },
        ),
      );
    }
  } else if (automl.actual && automl.predicted) {
    quality.push(predictedVsActualChart(automl.actual, automl.predicted));
    quality.push(residualsChart(automl.actual, automl.predicted));
  }
  if (quality.length > 0) {
    charts.push(...quality);
    sections.push({
      title: 'Best model quality',
      html: `<div class="grid2">${quality.map(chartBlock).join('\n')}</div>`,
    });
  }
  if (automl.featureImportances?.length) {
    const chart = barChart(
      'feature-importance',
      'Feature importances of the best model',
      'As the model reports them (normalized to sum to 1).',
      automl.featureImportances.map((f) => ({ name: f.feature, value: f.importance })),
    );
    charts.push(chart);
    sections.push({ title: 'Feature importances', html: chartBlock(chart) });
  }
  sections.push(...explanationSections(automl.inputImportance, automl.contributionSample, charts));
  return sections;
}
