import type { ChartSpec, Curve } from './types.ts';

/** Confusion matrix as a heatmap: rows are true labels, columns predicted, cells counts. */
export function confusionChart(labels: readonly string[], matrix: readonly (readonly number[])[]): ChartSpec {
  const data: Array<[number, number, number]> = [];
  let max = 0;
  matrix.forEach((row, i) => {
    row.forEach((count, j) => {
      data.push([j, labels.length - 1 - i, count]);
      max = Math.max(max, count);
    });
  });
  return {
    id: 'confusion',
    title: 'Confusion matrix',
    caption: 'Rows: true label; columns: predicted label; cells: number of rows.',
    height: Math.max(280, 46 * labels.length + 110),
    option: {
      tooltip: { position: 'top' },
      grid: { left: 110, right: 90, top: 20, bottom: 50 },
      xAxis: {
        type: 'category',
        data: labels,
        name: 'predicted',
        nameLocation: 'middle',
        nameGap: 30,
        splitArea: { show: true },
      },
      yAxis: { type: 'category', data: [...labels].reverse(), name: 'true', splitArea: { show: true } },
      visualMap: {
        min: 0,
        max,
        calculable: true,
        orient: 'vertical',
        right: 0,
        top: 'middle',
        inRange: { color: ['#f2f6fc', '#2f6fdf', '#11306b'] },
      },
      series: [{ name: 'rows', type: 'heatmap', data, label: { show: true } }],
    },
  };
}

/** Curves on a unit square (ROC, precision-recall, calibration), with an optional reference diagonal. */
export function curvesChart(
  id: string,
  title: string,
  caption: string,
  curves: readonly Curve[],
  axes: { x: string; y: string; diagonal: boolean },
): ChartSpec {
  const series: Record<string, unknown>[] = curves.map((c) => ({
    name: c.name,
    type: 'line',
    symbol: 'none',
    data: c.x.map((x, i) => [x, c.y[i]]),
  }));
  if (axes.diagonal) {
    series.push({
      name: 'reference',
      type: 'line',
      symbol: 'none',
      lineStyle: { type: 'dashed', color: '#999' },
      itemStyle: { color: '#999' },
      data: [
        [0, 0],
        [1, 1],
      ],
    });
  }
  return {
    id,
    title,
    caption,
    option: {
      tooltip: { trigger: 'item' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 55, right: 20, top: 40, bottom: 45 },
      xAxis: { type: 'value', min: 0, max: 1, name: axes.x, nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', min: 0, max: 1, name: axes.y },
      series,
    },
  };
}

/** Regression: predicted against actual values, with the line of perfect predictions. */
export function predictedVsActualChart(actual: readonly number[], predicted: readonly number[]): ChartSpec {
  const lo = Math.min(...actual, ...predicted);
  const hi = Math.max(...actual, ...predicted);
  return {
    id: 'predicted-vs-actual',
    title: 'Predicted vs actual',
    caption: 'Each point is an evaluation row; points on the dashed line are predicted exactly.',
    option: {
      tooltip: { trigger: 'item' },
      grid: { left: 60, right: 20, top: 20, bottom: 45 },
      xAxis: { type: 'value', name: 'actual', nameLocation: 'middle', nameGap: 28, scale: true },
      yAxis: { type: 'value', name: 'predicted', scale: true },
      series: [
        {
          type: 'scatter',
          symbolSize: 5,
          itemStyle: { opacity: 0.6 },
          data: actual.map((a, i) => [a, predicted[i]]),
        },
        {
          type: 'line',
          symbol: 'none',
          lineStyle: { type: 'dashed', color: '#999' },
          data: [
            [lo, lo],
            [hi, hi],
          ],
        },
      ],
    },
  };
}

/** Regression: residuals (actual - predicted) against predicted values. */
export function residualsChart(actual: readonly number[], predicted: readonly number[]): ChartSpec {
  return {
    id: 'residuals',
    title: 'Residuals',
    caption:
      'Actual minus predicted, against the prediction: a shapeless band around 0 is what a good model leaves.',
    option: {
      tooltip: { trigger: 'item' },
      grid: { left: 60, right: 20, top: 20, bottom: 45 },
      xAxis: { type: 'value', name: 'predicted', nameLocation: 'middle', nameGap: 28, scale: true },
      yAxis: { type: 'value', name: 'residual' },
      series: [
        {
          type: 'scatter',
          symbolSize: 5,
          itemStyle: { opacity: 0.6, color: '#e8833a' },
          data: actual.map((a, i) => [predicted[i], a - predicted[i]!]),
          markLine: { symbol: 'none', lineStyle: { color: '#999' }, data: [{ yAxis: 0 }] },
        },
      ],
    },
  };
}
