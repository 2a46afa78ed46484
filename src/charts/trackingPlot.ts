import { scaleLinear, scaleUtc } from 'd3-scale';
import {
  drawAxes,
  drawLegend,
  drawSeriesLine,
  linePath,
  plotFrame,
  prepareSvg,
  SERIES_STYLE,
  type PlotFrame,
  type Tick,
} from './plot';

/**
 * The tracking plot of a calibration/holdout test: cumulative repeat transactions of the cohort
 * over time, actual (solid) against the model's expectation (dashed), with the split marked and
 * the holdout shaded. Lines differ in dash and the legend names them, so meaning never rests on
 * colour alone; the colours are Okabe–Ito (colour-blind safe). `trackingPlotLayout` is the pure
 * geometry (testable without a DOM); `drawTrackingPlot` draws it into an SVG element.
 */

export interface TrackingPlotPoint {
  /** End of the period (UTC midnight of the day after it): the values are cumulative through it. */
  date: Date;
  actual: number;
  predicted: number;
}

export interface TrackingPlotData {
  /** In time order; start with the beginning of the first period and zeros for a curve from 0. */
  points: readonly TrackingPlotPoint[];
  /** First holdout day (UTC midnight). */
  split: Date;
}

export interface TrackingPlotLabels {
  /** Accessible name of the chart (the SVG `<title>`). */
  title: string;
  /** Accessible description, e.g. the error figures in words (the SVG `<desc>`). */
  description: string;
  xTitle: string;
  yTitle: string;
  actual: string;
  predicted: string;
  /** Printed beside the split line, e.g. "Holdout starts". */
  split: string;
}

export interface TrackingPlotOptions {
  /** Already translated. */
  labels: TrackingPlotLabels;
  width?: number;
  height?: number;
  formatNumber: (v: number) => string;
  formatDate: (d: Date) => string;
}

export interface TrackingPlotLayout {
  frame: PlotFrame;
  actualPath: string;
  predictedPath: string;
  /** x of the split line, or null when the split is outside the data's dates. */
  splitX: number | null;
  xTicks: Tick[];
  yTicks: Tick[];
}

/** Geometry of the tracking plot, without a DOM. */
export function trackingPlotLayout(
  data: TrackingPlotData,
  options: TrackingPlotOptions,
): TrackingPlotLayout {
  const frame = plotFrame(options.width, options.height);
  const times = data.points.map((p) => p.date.getTime());
  const first = times.length > 0 ? Math.min(...times) : data.split.getTime();
  const last = times.length > 0 ? Math.max(...times) : data.split.getTime();
  const x = scaleUtc()
    .domain([new Date(first), new Date(last)])
    .range([frame.left, frame.right]);
  const max = Math.max(1, ...data.points.flatMap((p) => [p.actual, p.predicted]));
  const y = scaleLinear().domain([0, max]).nice().range([frame.bottom, frame.top]);
  const line = (value: (p: TrackingPlotPoint) => number) =>
    linePath(
      data.points.map((p) => {
        const v = value(p);
        return Number.isFinite(v) ? [x(p.date), y(v)] : null;
      }),
    );
  const split = data.split.getTime();
  return {
    frame,
    actualPath: line((p) => p.actual),
    predictedPath: line((p) => p.predicted),
    splitX: split >= first && split <= last ? x(data.split) : null,
    xTicks: x
      .ticks(Math.max(2, Math.floor((frame.right - frame.left) / 110)))
      .map((d) => ({ at: x(d), label: options.formatDate(d) })),
    yTicks: y.ticks(5).map((v) => ({ at: y(v), label: options.formatNumber(v) })),
  };
}

/**
 * Draw the tracking plot into `svgElement` (its content is replaced). Pure given the element:
 * the same data and options always give the same drawing.
 */
export function drawTrackingPlot(
  svgElement: SVGSVGElement,
  data: TrackingPlotData,
  options: TrackingPlotOptions,
): void {
  const layout = trackingPlotLayout(data, options);
  const { frame, splitX } = layout;
  const { labels } = options;
  const svg = prepareSvg(svgElement, frame, labels);
  if (splitX !== null) {
    svg
      .append('rect')
      .attr('class', 'holdout')
      .attr('x', splitX)
      .attr('y', frame.top)
      .attr('width', Math.max(0, frame.right - splitX))
      .attr('height', frame.bottom - frame.top)
      .attr('fill', 'var(--chart-holdout, rgba(0, 0, 0, 0.05))')
      .attr('aria-hidden', 'true');
  }
  drawAxes(svg, frame, layout.xTicks, layout.yTicks, { x: labels.xTitle, y: labels.yTitle });
  if (splitX !== null) {
    const g = svg.append('g').attr('class', 'split').attr('aria-hidden', 'true');
    g.append('line')
      .attr('x1', splitX)
      .attr('x2', splitX)
      .attr('y1', frame.top)
      .attr('y2', frame.bottom)
      .attr('stroke', 'var(--chart-split, #4b5563)')
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', '2 3');
    g.append('text')
      .attr('x', splitX + 6)
      .attr('y', frame.top + 12)
      .attr('font-size', 12)
      .attr('fill', 'currentColor')
      .text(labels.split);
  }
  const lines = svg.append('g').attr('class', 'lines').attr('aria-hidden', 'true');
  drawSeriesLine(lines, layout.actualPath, SERIES_STYLE.actual, 'actual');
  drawSeriesLine(lines, layout.predictedPath, SERIES_STYLE.predicted, 'predicted');
  drawLegend(
    svg,
    frame,
    [
      { label: labels.actual, style: SERIES_STYLE.actual },
      { label: labels.predicted, style: SERIES_STYLE.predicted },
    ],
    false,
  );
}
