import uPlot from '/vendor/uplot/uPlot.esm.js';
import { num } from './format.js';

/** Aligns (x, y) series on the union of their xs, with null where a series has no point. */
export function join(series) {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  return [
    xs,
    ...series.map((s) => {
      const y = new Array(xs.length).fill(null);
      s.x.forEach((x, k) => (y[at.get(x)] = s.y[k]));
      return y;
    }),
  ];
}

const stepped = uPlot.paths.stepped({ align: 1 });

const pointsOf = (data) => data.slice(1).reduce((n, ys) => n + ys.filter((y) => y !== null && y !== undefined).length, 0);

/**
 * A uPlot line chart that fills its container's width and follows it (ResizeObserver), with
 * labelled axes and a legend. The container's data-series / data-points attributes say what
 * it shows, for tests and for screen readers' sake (aria-label).
 */
export function lineChart(container, { title, xLabel, yLabel, series, data, height = 300 }) {
  container.innerHTML = '';
  const width = () => Math.max(260, container.clientWidth);
  const chart = new uPlot(
    {
      title,
      width: width(),
      height,
      // Linear axes: schedules are compared by shape, and a log axis lets OneCycleLR's final 1e-6 dominate.
      scales: { x: { time: false } },
      axes: [
        { label: xLabel, stroke: '#444', grid: { stroke: '#eee' } },
        { label: yLabel, stroke: '#444', size: 64, grid: { stroke: '#eee' }, values: (_u, vals) => vals.map((v) => num(v, 2)) },
      ],
      series: [
        { label: xLabel, value: (_u, v) => (v === null ? '–' : num(v, 4)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          dash: s.dash,
          spanGaps: true,
          points: { show: false },
          // An lr holds from one step (or epoch) to the next: drawn as steps, not ramps.
          ...(s.stepped ? { paths: stepped } : {}),
          value: (_u, v) => (v === null ? '–' : num(v)),
        })),
      ],
    },
    data,
    container,
  );
  const describe = (d) => {
    container.dataset.series = String(series.length);
    container.dataset.points = String(pointsOf(d));
    container.setAttribute('aria-label', `${title}: ${series.length} series, ${pointsOf(d)} points`);
  };
  describe(data);
  const resize = new ResizeObserver(() => chart.setSize({ width: width(), height }));
  resize.observe(container);
  return {
    setData(d) {
      chart.setData(d);
      describe(d);
    },
    destroy() {
      resize.disconnect();
      chart.destroy();
    },
  };
}
