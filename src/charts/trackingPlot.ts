import { scaleLinear, scaleUtc } from 'd3-scale';
import { select, type Selection } from 'd3-selection';

/**
 * The tracking plot of a calibration/holdout test: cumulative repeat transactions of the cohort
 * over time, actual (solid) against the model's expectation (dashed), with the split marked and
 * the holdout shaded. Lines differ in dash and the legend names them, so meaning never rests on
 * colour alone; the colours are Okabe–Ito (colour-blind safe). `trackingPlotLayout` is the pure
 * geometry (testable without a DOM); `drawTrackingPlot` draws it into an SVG element.
 *
 * The line path and axis helpers here are shared with `conditionalExpectationPlot.ts` (d3-shape
 * and d3-axis are not dependencies; paths and ticks are built from d3-scale directly).
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

/** Plot area inside the SVG's viewBox. */
export interface PlotFrame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Tick {
  /** Position along the axis, in SVG units. */
  at: number;
  label: string;
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

/** How each series is drawn: colour (Okabe–Ito), dash pattern, marker. */
export const SERIES_STYLE = {
  actual: { colour: 'var(--chart-actual, #0072B2)', dash: null, marker: 'circle' },
  predicted: { colour: 'var(--chart-predicted, #D55E00)', dash: '7 4', marker: 'square' },
} as const;

export type SeriesStyle = (typeof SERIES_STYLE)[keyof typeof SERIES_STYLE];

const MARGIN = { top: 16, right: 16, bottom: 48, left: 64 };

export function plotFrame(width = 640, height = 400): PlotFrame {
  return {
    width,
    height,
    left: MARGIN.left,
    right: width - MARGIN.right,
    top: MARGIN.top,
    bottom: height - MARGIN.bottom,
  };
}

const round = (v: number) => Math.round(v * 100) / 100;

/**
 * An SVG path through the points; a null point breaks the line, so a missing value is never
 * bridged. Empty string when there is nothing to draw.
 */
export function linePath(points: readonly (readonly [number, number] | null)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round(p[0])},${round(p[1])}`;
    pen = true;
  }
  return d;
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

type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
type Group = Selection<SVGGElement, unknown, null, undefined>;

let nextChartId = 0;

/**
 * Clear the SVG, size it by viewBox and give it an accessible name and description (`<title>`
 * and `<desc>` referenced by aria-labelledby / aria-describedby; their ids are made once per
 * element, so redrawing an element always gives the same markup).
 */
export function prepareSvg(
  svgElement: SVGSVGElement,
  frame: PlotFrame,
  labels: { title: string; description: string },
): Svg {
  // One id per element, kept across redraws (title and desc ids must be unique in the page).
  const id = svgElement.getAttribute('data-chart-id') ?? `vm-chart-${nextChartId++}`;
  const svg = select(svgElement)
    .attr('data-chart-id', id)
    .attr('viewBox', `0 0 ${frame.width} ${frame.height}`)
    .attr('role', 'img')
    .attr('preserveAspectRatio', 'xMidYMid meet')
    .attr('aria-labelledby', `${id}-title`)
    .attr('aria-describedby', `${id}-desc`);
  svg.selectAll('*').remove();
  svg.append('title').attr('id', `${id}-title`).text(labels.title);
  svg.append('desc').attr('id', `${id}-desc`).text(labels.description);
  return svg;
}

/** Horizontal grid lines, tick labels on both axes and the axis titles. */
export function drawAxes(
  svg: Svg,
  frame: PlotFrame,
  xTicks: readonly Tick[],
  yTicks: readonly Tick[],
  titles: { x: string; y: string },
): void {
  const g = svg.append('g').attr('class', 'axes').attr('font-size', 12).attr('aria-hidden', 'true');
  g.append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(yTicks)
    .join('line')
    .attr('x1', frame.left)
    .attr('x2', frame.right)
    .attr('y1', (d) => d.at)
    .attr('y2', (d) => d.at)
    .attr('stroke', 'var(--chart-grid, #e5e7eb)');
  g.append('line')
    .attr('x1', frame.left)
    .attr('x2', frame.right)
    .attr('y1', frame.bottom)
    .attr('y2', frame.bottom)
    .attr('stroke', 'currentColor');
  g.selectAll('text.y')
    .data(yTicks)
    .join('text')
    .attr('class', 'y')
    .attr('x', frame.left - 8)
    .attr('y', (d) => d.at + 4)
    .attr('text-anchor', 'end')
    .attr('fill', 'currentColor')
    .text((d) => d.label);
  g.selectAll('line.x')
    .data(xTicks)
    .join('line')
    .attr('class', 'x')
    .attr('x1', (d) => d.at)
    .attr('x2', (d) => d.at)
    .attr('y1', frame.bottom)
    .attr('y2', frame.bottom + 5)
    .attr('stroke', 'currentColor');
  g.selectAll('text.x')
    .data(xTicks)
    .join('text')
    .attr('class', 'x')
    .attr('x', (d) => d.at)
    .attr('y', frame.bottom + 18)
    .attr('text-anchor', 'middle')
    .attr('fill', 'currentColor')
    .text((d) => d.label);
  g.append('text')
    .attr('x', (frame.left + frame.right) / 2)
    .attr('y', frame.height - 6)
    .attr('text-anchor', 'middle')
    .attr('fill', 'currentColor')
    .text(titles.x);
  g.append('text')
    .attr('transform', `translate(14,${(frame.top + frame.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('fill', 'currentColor')
    .text(titles.y);
}

/** A line in a series' style (decorative: the chart's title and description carry the meaning). */
export function drawSeriesLine(layer: Group, path: string, style: SeriesStyle, name: string) {
  return layer
    .append('path')
    .attr('class', `series ${name}`)
    .attr('d', path)
    .attr('fill', 'none')
    .attr('stroke', style.colour)
    .attr('stroke-width', 2.5)
    .attr('stroke-dasharray', style.dash)
    .attr('stroke-linejoin', 'round')
    .attr('stroke-linecap', 'round');
}

/** Legend entries (a sample of each line, with its marker, and its name), top left of the plot. */
export function drawLegend(
  svg: Svg,
  frame: PlotFrame,
  entries: readonly { label: string; style: SeriesStyle }[],
  withMarkers: boolean,
): void {
  const g = svg
    .append('g')
    .attr('class', 'legend')
    .attr('font-size', 12)
    .attr('transform', `translate(${frame.left + 12},${frame.top + 8})`);
  entries.forEach((e, i) => {
    const row = g.append('g').attr('transform', `translate(0,${i * 20})`);
    row
      .append('line')
      .attr('x1', 0)
      .attr('x2', 30)
      .attr('y1', 0)
      .attr('y2', 0)
      .attr('stroke', e.style.colour)
      .attr('stroke-width', 2.5)
      .attr('stroke-dasharray', e.style.dash);
    if (withMarkers) drawMarker(row, e.style, 15, 0);
    row.append('text').attr('x', 38).attr('y', 4).attr('fill', 'currentColor').text(e.label);
  });
}

/** A circle or square marker centred on (cx, cy), white-filled so it reads on any line. */
export function drawMarker(layer: Group, style: SeriesStyle, cx: number, cy: number) {
  return style.marker === 'circle'
    ? layer
        .append('circle')
        .attr('cx', cx)
        .attr('cy', cy)
        .attr('r', 4.5)
        .attr('fill', 'var(--chart-bg, #ffffff)')
        .attr('stroke', style.colour)
        .attr('stroke-width', 2)
    : layer
        .append('rect')
        .attr('x', cx - 4)
        .attr('y', cy - 4)
        .attr('width', 8)
        .attr('height', 8)
        .attr('fill', 'var(--chart-bg, #ffffff)')
        .attr('stroke', style.colour)
        .attr('stroke-width', 2);
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
