/**
 * The console's charts, as Observable Plot figures (SVG: each bar is a <rect>, so tests count what
 * was drawn). One function per kind of chart; pages pass plain data.
 */
import * as Plot from '@observablehq/plot';

const ACCENT = '#0b57d0';

export interface Bin {
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

/** Bars over contiguous bins of a numeric column. */
export function histogramPlot(
  bins: readonly Bin[],
  options: { width: number; label: string },
): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: options.width,
    height: 180,
    marginLeft: 48,
    x: { label: options.label },
    y: { label: 'rows', grid: true },
    marks: [
      Plot.rectY(bins, {
        x1: 'start',
        x2: (bin: Bin) => (bin.end > bin.start ? bin.end : bin.start + 1),
        y: 'count',
        fill: ACCENT,
        inset: 0.5,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** Horizontal bars, one per value, in the given order (most frequent first). */
export function topValuesPlot(
  values: readonly { value: string; count: number }[],
  options: { width: number; label: string },
): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: options.width,
    height: 28 + values.length * 22,
    marginLeft: 120,
    x: { label: options.label, grid: true },
    y: { label: null, domain: values.map((v) => v.value) },
    marks: [
      Plot.barX(values, { x: 'count', y: 'value', fill: ACCENT }),
      Plot.text(values, { x: 'count', y: 'value', text: (v: { count: number }) => String(v.count), dx: 14 }),
      Plot.ruleX([0]),
    ],
  });
}
