// @ts-check
/**
 * ECharts wrappers (the bundled /static/vendor/echarts.min.js, loaded on first use): a
 * line chart of metrics by step (one run or many overlaid), parallel coordinates, a bar
 * chart and a scatter with a highlighted front. Each follows its element's size and is
 * disposed by the page's cleanup. Charts are kept in `globalThis.mlsweepCharts` by id so
 * tests can read what is drawn.
 */

/** @type {Promise<any> | undefined} */
let loading;

/**
 * Loads ECharts once (a script tag on the same origin).
 *
 * @example
 * const echarts = await loadEcharts();
 * @returns {Promise<any>}
 */
export function loadEcharts() {
  const global = /** @type {any} */ (globalThis);
  if (global.echarts) return Promise.resolve(global.echarts);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    // relative to this module: under /static/v/BUILD/ it is cached with the rest
    script.src = new URL('../vendor/echarts.min.js', import.meta.url).href;
    script.onload = () => resolve(global.echarts);
    script.onerror = () => reject(new Error('could not load /static/vendor/echarts.min.js'));
    document.head.appendChild(script);
  });
  return loading;
}

/**
 * @typedef {object} Chart
 * @property {(option: any) => void} set replaces the chart's option
 * @property {() => void} dispose
 * @property {HTMLElement} element
 */

/**
 * A chart in `element` (given a height by CSS class `chart`), resizing with it.
 *
 * @example
 * const chart = await createChart(h('div', { class: 'chart' }), 'loss');
 * chart.set({ series: [...] });
 * @param {HTMLElement} element
 * @param {string} id key in globalThis.mlsweepCharts
 * @returns {Promise<Chart>}
 */
export async function createChart(element, id) {
  const echarts = await loadEcharts();
  element.classList.add('chart');
  element.setAttribute('data-chart', id);
  const instance = echarts.init(element, null, { renderer: 'canvas' });
  const registry = /** @type {any} */ (globalThis);
  registry.mlsweepCharts ??= {};
  registry.mlsweepCharts[id] = instance;
  const observer = new ResizeObserver(() => instance.resize());
  observer.observe(element);
  let disposed = false;
  return {
    element,
    set(option) {
      if (!disposed) instance.setOption({ animation: false, ...option }, { notMerge: true });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      observer.disconnect();
      instance.dispose();
      if (registry.mlsweepCharts[id] === instance) delete registry.mlsweepCharts[id];
    },
  };
}

/**
 * A line chart option: each series a list of [step, value] points.
 *
 * @example
 * chart.set(lineOption('loss', [{ name: 'run-1', points: [[0, 0.9], [1, 0.5]] }]));
 * @param {string} title
 * @param {Array<{ name: string, points: Array<[number, number | null]> }>} series
 * @returns {any}
 */
export function lineOption(title, series) {
  return {
    title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { type: 'scroll', bottom: 0 } : undefined,
    grid: { left: 60, right: 20, top: 36, bottom: series.length > 1 ? 48 : 32 },
    xAxis: { type: 'value', name: 'step', nameLocation: 'end', minInterval: 1 },
    yAxis: { type: 'value', scale: true },
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      showSymbol: s.points.length < 50,
      data: s.points,
    })),
  };
}

/**
 * A parallel coordinates option: one axis per dimension (numbers, or categories), one
 * line per row, coloured by the last dimension (the metric).
 *
 * @example
 * chart.set(parallelOption([{ name: 'lr' }, { name: 'acc' }], [[0.1, 0.9], [0.01, 0.95]]));
 * @param {Array<{ name: string, categories?: string[] }>} dims
 * @param {Array<Array<number | string | null>>} rows
 * @returns {any}
 */
export function parallelOption(dims, rows) {
  const last = dims.length - 1;
  const values = rows.map((r) => r[last]).filter((v) => typeof v === 'number');
  return {
    parallelAxis: dims.map((d, i) =>
      d.categories
        ? { dim: i, name: d.name, type: 'category', data: d.categories }
        : { dim: i, name: d.name, scale: true },
    ),
    parallel: { left: 60, right: 80, top: 40, bottom: 30 },
    visualMap:
      values.length > 0
        ? {
            show: true,
            dimension: last,
            min: Math.min(...values),
            max: Math.max(...values),
            right: 0,
            top: 'middle',
            calculable: true,
            inRange: { color: ['#3b6fb6', '#e8a33d', '#c2452d'] },
          }
        : undefined,
    series: [{ type: 'parallel', lineStyle: { width: 1.5, opacity: 0.7 }, data: rows }],
  };
}

/**
 * A horizontal bar chart option (e.g. parameter importance), largest first.
 *
 * @example
 * chart.set(barOption('importance', [{ name: 'lr', value: 0.7 }]));
 * @param {string} title
 * @param {Array<{ name: string, value: number }>} bars
 * @returns {any}
 */
export function barOption(title, bars) {
  const sorted = [...bars].sort((a, b) => a.value - b.value);
  return {
    title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: {},
    grid: { left: 120, right: 20, top: 36, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: sorted.map((b) => b.name) },
    series: [{ type: 'bar', data: sorted.map((b) => b.value) }],
  };
}

/**
 * A scatter option of two objectives with the front drawn as a second, joined series.
 *
 * @example
 * chart.set(scatterOption(['loss', 'latency'], points, front));
 * @param {[string, string]} axes
 * @param {Array<[number, number]>} points
 * @param {Array<[number, number]>} front
 * @returns {any}
 */
export function scatterOption(axes, points, front) {
  return {
    tooltip: {},
    legend: { bottom: 0 },
    grid: { left: 60, right: 20, top: 20, bottom: 48 },
    xAxis: { type: 'value', name: axes[0], scale: true },
    yAxis: { type: 'value', name: axes[1], scale: true },
    series: [
      { name: 'trials', type: 'scatter', data: points, symbolSize: 7 },
      {
        name: 'front',
        type: 'line',
        data: [...front].sort((a, b) => a[0] - b[0]),
        symbolSize: 9,
        lineStyle: { type: 'dashed' },
      },
    ],
  };
}
