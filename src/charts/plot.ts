import { select, type Selection } from 'd3-selection';

/**
 * What every chart here shares: the plot frame and its margins, line paths, an accessible SVG
 * (title and description), axes with grid lines, series styles (Okabe–Ito colours with dash
 * patterns and markers, so meaning never rests on colour alone), legends and markers.
 */

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

/** How each series is drawn: colour (Okabe–Ito), dash pattern, marker. */
export const SERIES_STYLE = {
  actual: { colour: 'var(--chart-actual, #0072B2)', dash: null, marker: 'circle' },
  predicted: { colour: 'var(--chart-predicted, #D55E00)', dash: '7 4', marker: 'square' },
} as const;

export type SeriesStyle = (typeof SERIES_STYLE)[keyof typeof SERIES_STYLE];

const MARGIN = { top: 16, right: 16, bottom: 48, left: 64 };

/** The plotting area inside a chart of this size, with the shared margins or a chart's own. */
export function plotFrame(
  width = 640,
  height = 400,
  margin: { top: number; right: number; bottom: number; left: number } = MARGIN,
): PlotFrame {
  return {
    width,
    height,
    left: margin.left,
    right: width - margin.right,
    top: margin.top,
    bottom: height - margin.bottom,
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

export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
export type Group = Selection<SVGGElement, unknown, null, undefined>;

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

/** Rough width of a 12px label: CJK characters are about twice as wide as Latin ones. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2E80-\uFFEF]/.test(ch) ? 12 : 7;
  return w;
}
