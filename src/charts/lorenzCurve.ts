import { scaleLinear } from 'd3-scale';
import {
  drawAxes,
  drawSeriesLine,
  linePath,
  plotFrame,
  prepareSvg,
  SERIES_STYLE,
  type PlotFrame,
  type Tick,
} from './plot';

/**
 * The Pareto (Lorenz) curve: customers ranked from the most valuable on x, the share of value they
 * bring on y, against the diagonal of equal customers. The chosen share is marked and its figure
 * printed beside it, so the chart reads without colour.
 */

export interface LorenzPoint {
  /** Share of customers (0–1), the most valuable first. */
  customers: number;
  /** Their share of value (0–1). */
  value: number;
}

export interface LorenzOptions {
  labels: { title: string; description: string; xTitle: string; yTitle: string; mark: string };
  /** The share of customers to mark (e.g. 0.2). */
  mark: number;
  formatPercent: (v: number) => string;
  width?: number;
  height?: number;
}

export interface LorenzLayout {
  frame: PlotFrame;
  curve: string;
  diagonal: string;
  markAt: { x: number; y: number; value: number } | null;
  xTicks: Tick[];
  yTicks: Tick[];
}

export function lorenzLayout(points: readonly LorenzPoint[], options: LorenzOptions): LorenzLayout {
  const frame = plotFrame(options.width ?? 480, options.height ?? 360);
  const x = scaleLinear().domain([0, 1]).range([frame.left, frame.right]);
  const y = scaleLinear().domain([0, 1]).range([frame.bottom, frame.top]);
  const all = [{ customers: 0, value: 0 }, ...points];
  // The point at or just past the mark: the curve's value there.
  const marked = points.find((p) => p.customers >= options.mark - 1e-9) ?? null;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  return {
    frame,
    curve: linePath(all.map((p) => [x(p.customers), y(p.value)] as const)),
    diagonal: linePath([
      [x(0), y(0)],
      [x(1), y(1)],
    ]),
    markAt: marked ? { x: x(marked.customers), y: y(marked.value), value: marked.value } : null,
    xTicks: ticks.map((t) => ({ at: x(t), label: options.formatPercent(t) })),
    yTicks: ticks.map((t) => ({ at: y(t), label: options.formatPercent(t) })),
  };
}

export function drawLorenzCurve(
  svgElement: SVGSVGElement,
  points: readonly LorenzPoint[],
  options: LorenzOptions,
): void {
  const layout = lorenzLayout(points, options);
  const svg = prepareSvg(svgElement, layout.frame, options.labels);
  drawAxes(svg, layout.frame, layout.xTicks, layout.yTicks, {
    x: options.labels.xTitle,
    y: options.labels.yTitle,
  });
  const layer = svg.append('g');
  layer
    .append('path')
    .attr('d', layout.diagonal)
    .attr('fill', 'none')
    .attr('stroke', 'currentColor')
    .attr('stroke-opacity', 0.4)
    .attr('stroke-dasharray', '4 4');
  drawSeriesLine(layer, layout.curve, SERIES_STYLE.actual, 'lorenz').attr(
    'data-testid',
    'lorenz-line',
  );
  if (layout.markAt) {
    const m = layout.markAt;
    layer
      .append('line')
      .attr('x1', m.x)
      .attr('x2', m.x)
      .attr('y1', layout.frame.bottom)
      .attr('y2', m.y)
      .attr('stroke', 'currentColor')
      .attr('stroke-dasharray', '2 3');
    layer
      .append('circle')
      .attr('cx', m.x)
      .attr('cy', m.y)
      .attr('r', 4)
      .attr('fill', 'currentColor');
    layer
      .append('text')
      .attr('x', m.x + 8)
      .attr('y', m.y + 14)
      .attr('font-size', 12)
      .attr('fill', 'currentColor')
      .text(options.labels.mark);
  }
}
