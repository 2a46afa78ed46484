import { scaleLinear, scalePoint } from 'd3-scale';
import {
  drawAxes,
  drawLegend,
  drawMarker,
  drawSeriesLine,
  linePath,
  plotFrame,
  prepareSvg,
  SERIES_STYLE,
  type PlotFrame,
  type Tick,
} from './plot';

/**
 * Conditional expectations by calibration frequency: for customers grouped by their repeat
 * purchases in the calibration period (0, 1, …, "k+"), the mean actual holdout purchases (solid,
 * circles) against the mean the model predicted (dashed, squares). Lines, markers and the legend
 * tell the series apart, not colour alone; each marker has a tooltip with its value and the
 * bin's customers, and the customer counts are printed under the axis.
 * `conditionalExpectationLayout` is the pure geometry; `drawConditionalExpectationPlot` draws it.
 */

/** One frequency bin (the shape of `FrequencyBin` from src/models/holdout.ts). */
export interface ConditionalExpectationBin {
  frequency: number;
  /** The last bin, "frequency or more": labelled with a "+". */
  open: boolean;
  customers: number;
  /** Mean actual holdout purchases; null for an empty bin (no marker, the line breaks). */
  actual: number | null;
  predicted: number | null;
}

export interface ConditionalExpectationLabels {
  title: string;
  description: string;
  xTitle: string;
  yTitle: string;
  actual: string;
  predicted: string;
  /** Heads the row of customer counts under the axis and names them in tooltips. */
  customers: string;
}

export interface ConditionalExpectationOptions {
  /** Already translated. */
  labels: ConditionalExpectationLabels;
  width?: number;
  height?: number;
  formatNumber: (v: number) => string;
}

export interface ConditionalExpectationMarker {
  x: number;
  y: number;
  /** Tooltip text. */
  text: string;
}

export interface ConditionalExpectationLayout {
  frame: PlotFrame;
  actualPath: string;
  predictedPath: string;
  actualMarkers: ConditionalExpectationMarker[];
  predictedMarkers: ConditionalExpectationMarker[];
  /** Bin labels ("0", "1", …, "7+") along x. */
  xTicks: Tick[];
  /** Customer counts, under the bin labels. */
  counts: Tick[];
  yTicks: Tick[];
}

/** Geometry of the plot, without a DOM. */
export function conditionalExpectationLayout(
  bins: readonly ConditionalExpectationBin[],
  options: ConditionalExpectationOptions,
): ConditionalExpectationLayout {
  // Room under the bin labels for the customer counts.
  const base = plotFrame(options.width, options.height);
  const frame: PlotFrame = { ...base, bottom: base.bottom - 16 };
  const fmt = options.formatNumber;
  const labelOf = (b: ConditionalExpectationBin) => `${fmt(b.frequency)}${b.open ? '+' : ''}`;
  const x = scalePoint<number>()
    .domain(bins.map((_, i) => i))
    .range([frame.left, frame.right])
    .padding(0.5);
  const max = Math.max(1, ...bins.flatMap((b) => [b.actual ?? 0, b.predicted ?? 0]));
  const y = scaleLinear().domain([0, max]).nice().range([frame.bottom, frame.top]);
  const series = (value: (b: ConditionalExpectationBin) => number | null, name: string) => {
    const points = bins.map((b, i): [number, number] | null => {
      const v = value(b);
      return v === null || !Number.isFinite(v) ? null : [x(i) ?? 0, y(v)];
    });
    const markers = bins.flatMap((b, i) => {
      const p = points[i];
      const v = value(b);
      return p && v !== null
        ? [
            {
              x: p[0],
              y: p[1],
              text: `${labelOf(b)}: ${name} ${fmt(v)} · ${options.labels.customers} ${fmt(b.customers)}`,
            },
          ]
        : [];
    });
    return { path: linePath(points), markers };
  };
  const actual = series((b) => b.actual, options.labels.actual);
  const predicted = series((b) => b.predicted, options.labels.predicted);
  return {
    frame,
    actualPath: actual.path,
    predictedPath: predicted.path,
    actualMarkers: actual.markers,
    predictedMarkers: predicted.markers,
    xTicks: bins.map((b, i) => ({ at: x(i) ?? 0, label: labelOf(b) })),
    counts: bins.map((b, i) => ({ at: x(i) ?? 0, label: fmt(b.customers) })),
    yTicks: y.ticks(5).map((v) => ({ at: y(v), label: fmt(v) })),
  };
}

/**
 * Draw the plot into `svgElement` (its content is replaced). Pure given the element: the same
 * bins and options always give the same drawing.
 */
export function drawConditionalExpectationPlot(
  svgElement: SVGSVGElement,
  bins: readonly ConditionalExpectationBin[],
  options: ConditionalExpectationOptions,
): void {
  const layout = conditionalExpectationLayout(bins, options);
  const { frame } = layout;
  const { labels } = options;
  const svg = prepareSvg(svgElement, frame, labels);
  // The frame leaves a row under the bin labels for the counts; the x title goes below it.
  drawAxes(svg, frame, layout.xTicks, layout.yTicks, {
    x: labels.xTitle,
    y: labels.yTitle,
  });
  const counts = svg
    .append('g')
    .attr('class', 'counts')
    .attr('font-size', 11)
    .attr('fill', 'var(--chart-muted, #4b5563)');
  counts
    .append('text')
    .attr('x', frame.left - 8)
    .attr('y', frame.bottom + 34)
    .attr('text-anchor', 'end')
    .text(labels.customers);
  counts
    .selectAll('text.count')
    .data(layout.counts)
    .join('text')
    .attr('class', 'count')
    .attr('x', (d) => d.at)
    .attr('y', frame.bottom + 34)
    .attr('text-anchor', 'middle')
    .text((d) => d.label);
  const lines = svg.append('g').attr('class', 'lines');
  drawSeriesLine(lines, layout.actualPath, SERIES_STYLE.actual, 'actual');
  drawSeriesLine(lines, layout.predictedPath, SERIES_STYLE.predicted, 'predicted');
  for (const [markers, style, name] of [
    [layout.actualMarkers, SERIES_STYLE.actual, 'actual'],
    [layout.predictedMarkers, SERIES_STYLE.predicted, 'predicted'],
  ] as const) {
    const layer = svg.append('g').attr('class', `markers ${name}`);
    for (const m of markers) {
      drawMarker(layer, style, m.x, m.y).append('title').text(m.text);
    }
  }
  drawLegend(
    svg,
    frame,
    [
      { label: labels.actual, style: SERIES_STYLE.actual },
      { label: labels.predicted, style: SERIES_STYLE.predicted },
    ],
    true,
  );
}
