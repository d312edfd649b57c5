/**
 * The training pages' charts, as Observable Plot figures (SVG, so tests count what was drawn: a bar
 * or a matrix cell is a <rect>, a dot a <circle>): the candidates compared, the chosen classifier's
 * confusion matrix, the chosen regressor's predictions against the truth, and a metric across a
 * model's versions. Pages pass the rows of pages/training/job-charts.ts and version-metrics.ts.
 */
import * as Plot from '@observablehq/plot';
import type { CandidateBar, ConfusionCell, ResidualPoint } from '../pages/training/job-charts.ts';
import type { MetricPoint } from '../pages/training/version-metrics.ts';

const ACCENT = '#0b57d0';
const MUTED = '#8d96a0';
const INK = '#1f2328';

/** One horizontal bar per candidate, best first; the chosen one in the accent colour, the folds' spread as a whisker. */
export function candidatesPlot(
  bars: readonly CandidateBar[],
  options: { width: number; metric: string },
): SVGSVGElement | HTMLElement {
  const longest = Math.max(10, ...bars.map((bar) => bar.label.length));
  return Plot.plot({
    width: options.width,
    height: 48 + 30 * bars.length,
    marginLeft: Math.min(Math.round(options.width / 2), 12 + 6 * longest),
    x: { label: options.metric, grid: true },
    y: { label: null, domain: bars.map((bar) => bar.label) },
    marks: [
      Plot.barX(bars, {
        x: 'score',
        y: 'label',
        fill: (bar: CandidateBar) => (bar.chosen ? ACCENT : MUTED),
        title: (bar: CandidateBar) => `${bar.label}: ${bar.score}`,
      }),
      Plot.ruleY(
        bars.filter((bar) => bar.low !== undefined),
        { x1: 'low', x2: 'high', y: 'label', stroke: INK, strokeWidth: 1.5 },
      ),
      Plot.ruleX([0]),
    ],
  });
}

/** Actual class by row, predicted by column; the shade is the share of the actual class, the number the count. */
export function confusionPlot(
  cells: readonly ConfusionCell[],
  options: { width: number },
): SVGSVGElement | HTMLElement {
  const classes = [...new Set(cells.map((cell) => cell.actual))];
  return Plot.plot({
    width: Math.min(options.width, 120 + 70 * classes.length),
    height: 70 + 56 * classes.length,
    marginLeft: 110,
    marginBottom: 56,
    x: { label: 'Predicted', domain: classes, tickRotate: classes.length > 4 ? -30 : 0 },
    y: { label: 'Actual', domain: classes },
    color: { type: 'linear', domain: [0, 1], range: ['#f6f8fa', ACCENT] },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'share', inset: 0.5 }),
      Plot.text(cells, {
        x: 'predicted',
        y: 'actual',
        text: (cell: ConfusionCell) => String(cell.count),
        fill: (cell: ConfusionCell) => (cell.share > 0.5 ? 'white' : INK),
        fontSize: 13,
      }),
    ],
  });
}

/** Predicted against actual, on equal axes, the diagonal where a prediction is exact. */
export function residualPlot(
  points: readonly ResidualPoint[],
  options: { width: number },
): SVGSVGElement | HTMLElement {
  const values = points.flatMap((point) => [point.actual, point.predicted]);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return Plot.plot({
    width: Math.min(options.width, 520),
    height: Math.min(options.width, 520),
    x: { label: 'Actual', domain: [low, high], grid: true },
    y: { label: 'Predicted', domain: [low, high], grid: true },
    marks: [
      Plot.line(
        [
          [low, low],
          [high, high],
        ],
        { stroke: MUTED, strokeDasharray: '4 3' },
      ),
      Plot.dot(points, { x: 'actual', y: 'predicted', r: 3, fill: ACCENT, fillOpacity: 0.7 }),
    ],
  });
}

/** A metric version by version: a line through one dot per version, coloured by approval status. */
export function metricHistoryPlot(
  points: readonly MetricPoint[],
  options: { width: number; metric: string },
): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: options.width,
    height: 300,
    x: { label: 'Version', ticks: points.map((p) => p.version), tickFormat: (v: number) => `v${v}` },
    y: { label: options.metric, grid: true },
    color: {
      domain: ['approved', 'pending', 'rejected'],
      range: ['#1a7f37', '#9a6700', '#cf222e'],
      legend: true,
    },
    marks: [
      Plot.line(points, { x: 'version', y: 'value', stroke: MUTED }),
      Plot.dot(points, {
        x: 'version',
        y: 'value',
        fill: 'status',
        r: 5,
        title: (p: MetricPoint) => `v${p.version}: ${p.value}`,
      }),
    ],
  });
}
