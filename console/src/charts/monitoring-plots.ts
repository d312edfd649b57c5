/**
 * The monitoring pages' charts, as Observable Plot figures (SVG: a line is a <path>, a bar a
 * <rect>): traffic and errors over time per version, latency percentiles over time per version,
 * the arms' percentiles side by side, and a feature's training and live distributions overlaid.
 * Pages pass the rows of pages/monitoring/usage-charts.ts.
 */
import * as Plot from '@observablehq/plot';
import type { DistributionBar, LatencyPoint, TrafficPoint } from '../pages/monitoring/usage-charts.ts';

const PERCENTILE_COLOURS = { domain: ['p50', 'p95', 'p99'], range: ['#1a7f37', '#9a6700', '#cf222e'] };

/** One line per version over time: requests, or errors (4xx + 5xx). */
export function trafficPlot(
  points: readonly TrafficPoint[],
  options: { width: number; y: 'requests' | 'errors'; label: string },
): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: options.width,
    height: 220,
    x: { type: 'utc', label: null },
    y: { label: options.label, grid: true },
    color: { legend: true, label: 'Version' },
    marks: [
      Plot.lineY(points, { x: 'start', y: options.y, stroke: 'version', marker: 'circle' }),
      Plot.ruleY([0]),
    ],
  });
}

/** p50, p95 and p99 over time, one panel per version. */
export function latencyPlot(
  points: readonly LatencyPoint[],
  options: { width: number },
): SVGSVGElement | HTMLElement {
  const versions = new Set(points.map((point) => point.version)).size;
  return Plot.plot({
    width: options.width,
    height: 80 + 130 * Math.max(1, versions),
    x: { type: 'utc', label: null },
    y: { label: 'ms', grid: true },
    fy: { label: null },
    color: { ...PERCENTILE_COLOURS, legend: true },
    marks: [
      Plot.lineY(points, { x: 'start', y: 'ms', stroke: 'percentile', fy: 'version', marker: 'circle' }),
      Plot.ruleY([0]),
    ],
  });
}

/** The arms' p50/p95/p99 over the window, grouped by version. */
export function armsLatencyPlot(
  bars: readonly { version: string; percentile: string; ms: number }[],
  options: { width: number },
): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: options.width,
    height: 240,
    x: { axis: null, domain: PERCENTILE_COLOURS.domain },
    y: { label: 'ms', grid: true },
    fx: { label: 'Version' },
    color: { ...PERCENTILE_COLOURS, legend: true },
    marks: [
      Plot.barY(bars, { fx: 'version', x: 'percentile', y: 'ms', fill: 'percentile' }),
      Plot.ruleY([0]),
    ],
  });
}

/** Training and live shares per bin, overlaid (translucent bars over the same bins). */
export function distributionPlot(
  bars: readonly DistributionBar[],
  options: { width: number },
): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: options.width,
    height: 220,
    marginBottom: 60,
    x: { label: null, domain: [...new Set(bars.map((bar) => bar.bin))], tickRotate: -30 },
    y: { label: 'Share', grid: true, percent: true },
    color: { domain: ['training', 'live'], range: ['#8d96a0', '#0b57d0'], legend: true },
    // y1/y2 rather than y: the two sources overlap on each bin instead of stacking.
    marks: [
      Plot.barY(bars, { x: 'bin', y1: 0, y2: 'share', fill: 'source', fillOpacity: 0.55 }),
      Plot.ruleY([0]),
    ],
  });
}
