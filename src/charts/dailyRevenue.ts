import { scaleLinear, scaleUtc } from 'd3-scale';
import { drawAxes, plotFrame, prepareSvg, type PlotFrame, type Tick } from './plot';

/**
 * Revenue by day as bars on a time axis: one bar per day with orders (days without are gaps, not
 * zeros drawn), a negative day (refunds larger than sales) below the baseline.
 * `dailyRevenueLayout` is the geometry without a DOM; `drawDailyRevenue` draws it.
 */

export interface DailyRevenuePoint {
  /** YYYY-MM-DD. */
  day: string;
  revenue: number;
}

export interface DailyRevenueOptions {
  labels: { title: string; description: string; xTitle: string; yTitle: string };
  formatNumber: (v: number) => string;
  formatDate: (d: Date) => string;
  width?: number;
  height?: number;
}

export interface DailyRevenueLayout {
  frame: PlotFrame;
  bars: { day: string; x: number; y: number; width: number; height: number; revenue: number }[];
  xTicks: Tick[];
  yTicks: Tick[];
}

const DAY_MS = 86_400_000;

export function dailyRevenueLayout(
  points: readonly DailyRevenuePoint[],
  options: DailyRevenueOptions,
): DailyRevenueLayout {
  const frame = plotFrame(options.width ?? 720, options.height ?? 280);
  const times = points.map((p) => Date.parse(p.day));
  const first = times.length > 0 ? Math.min(...times) : 0;
  const last = times.length > 0 ? Math.max(...times) : DAY_MS;
  // Half a day either side, so the first and last bars sit inside the axis.
  const x = scaleUtc()
    .domain([new Date(first - DAY_MS / 2), new Date(last + DAY_MS / 2)])
    .range([frame.left, frame.right]);
  const values = points.map((p) => p.revenue);
  const y = scaleLinear()
    .domain([Math.min(0, ...values), Math.max(1, ...values)])
    .nice()
    .range([frame.bottom, frame.top]);
  const dayWidth = x(new Date(first + DAY_MS)) - x(new Date(first));
  const width = Math.max(1, dayWidth * 0.8);
  return {
    frame,
    bars: points.map((p, i) => {
      const top = y(Math.max(0, p.revenue));
      const bottom = y(Math.min(0, p.revenue));
      return {
        day: p.day,
        x: x(new Date(times[i] as number)) - width / 2,
        y: top,
        width,
        height: Math.max(0.5, bottom - top),
        revenue: p.revenue,
      };
    }),
    xTicks: x
      .ticks(Math.max(2, Math.floor((frame.right - frame.left) / 110)))
      .map((d) => ({ at: x(d), label: options.formatDate(d) })),
    yTicks: y.ticks(5).map((v) => ({ at: y(v), label: options.formatNumber(v) })),
  };
}

export function drawDailyRevenue(
  svgElement: SVGSVGElement,
  points: readonly DailyRevenuePoint[],
  options: DailyRevenueOptions,
): void {
  const layout = dailyRevenueLayout(points, options);
  const svg = prepareSvg(svgElement, layout.frame, options.labels);
  drawAxes(svg, layout.frame, layout.xTicks, layout.yTicks, {
    x: options.labels.xTitle,
    y: options.labels.yTitle,
  });
  svg
    .append('g')
    .attr('class', 'bars')
    .selectAll('rect')
    .data(layout.bars)
    .join('rect')
    .attr('x', (b) => b.x)
    .attr('y', (b) => b.y)
    .attr('width', (b) => b.width)
    .attr('height', (b) => b.height)
    .attr('fill', (b) =>
      b.revenue < 0 ? 'var(--chart-predicted, #D55E00)' : 'var(--chart-actual, #0072B2)',
    )
    .append('title')
    .text((b) => `${b.day}: ${options.formatNumber(b.revenue)}`);
}
