import { scaleLinear, scaleUtc } from 'd3-scale';
import { area, stack, stackOrderNone, stackOffsetNone } from 'd3-shape';
import { drawAxes, plotFrame, prepareSvg, type PlotFrame, type Tick } from './plot';

/**
 * Customers (or revenue) in each lifecycle stage over time, stacked. Each band is named at its
 * right end where it is thick enough and in the legend, so meaning never rests on colour alone;
 * colours are Okabe–Ito and avoid a red/green good/bad pair.
 */

export interface StageAreaSeries {
  key: string;
  label: string;
  /** One value per period, in the order of `periods`. */
  values: readonly number[];
}

export interface StageAreaData {
  /** Period ends, in time order. */
  periods: readonly Date[];
  /** Bottom band first. */
  series: readonly StageAreaSeries[];
}

export interface StageAreaOptions {
  labels: { title: string; description: string; xTitle: string; yTitle: string };
  formatNumber: (v: number) => string;
  formatDate: (d: Date) => string;
  width?: number;
  height?: number;
}

/** Stage colours (Okabe–Ito); unknown keys fall back to grey. */
export const STAGE_COLOURS: Record<string, string> = {
  new: '#56B4E9',
  active: '#0072B2',
  loyal: '#009E73',
  at_risk: '#E69F00',
  churned: '#8C8C8C',
  won_back: '#CC79A7',
};

export interface StageAreaBand {
  key: string;
  label: string;
  colour: string;
  path: string;
  /** Where the band's name goes (its middle at the last period), or null when too thin. */
  labelAt: { x: number; y: number } | null;
}

export interface StageAreaLayout {
  frame: PlotFrame;
  bands: StageAreaBand[];
  xTicks: Tick[];
  yTicks: Tick[];
}

/** Bands thinner than this (SVG units) at the right edge are named only in the legend. */
const MIN_LABEL_HEIGHT = 14;

/** The geometry, without a DOM. */
export function stageAreaLayout(data: StageAreaData, options: StageAreaOptions): StageAreaLayout {
  const frame = plotFrame(options.width ?? 720, options.height ?? 380);
  // Room on the right for the band names.
  frame.right -= 90;
  const n = data.periods.length;
  const rows = data.periods.map((_, i) =>
    Object.fromEntries(data.series.map((s) => [s.key, s.values[i] ?? 0])),
  );
  const stacked = stack<Record<string, number>>()
    .keys(data.series.map((s) => s.key))
    .order(stackOrderNone)
    .offset(stackOffsetNone)(rows);
  const x = scaleUtc()
    .domain(n > 0 ? [data.periods[0] as Date, data.periods[n - 1] as Date] : [0, 1])
    .range([frame.left, frame.right]);
  const top = Math.max(1, ...stacked.flatMap((layer) => layer.map((p) => p[1])));
  const y = scaleLinear().domain([0, top]).nice().range([frame.bottom, frame.top]);
  // One period has no width to spread an area over: it is drawn as one stacked bar.
  const single = n === 1;
  const barLeft = frame.left + (frame.right - frame.left) * 0.35;
  const barRight = frame.right - (frame.right - frame.left) * 0.35;
  const bar = (p: [number, number]) => `M${barLeft},${y(p[0])}H${barRight}V${y(p[1])}H${barLeft}Z`;
  const shape = area<[number, number]>()
    .x((_, i) => x(data.periods[i] as Date))
    .y0((p) => y(p[0]))
    .y1((p) => y(p[1]));
  const bands = stacked.map((layer, k) => {
    const series = data.series[k] as StageAreaSeries;
    const last = layer[n - 1];
    const thick = last ? y(last[0]) - y(last[1]) : 0;
    return {
      key: series.key,
      label: series.label,
      colour: STAGE_COLOURS[series.key] ?? '#8C8C8C',
      path:
        n === 0
          ? ''
          : single
            ? bar([layer[0]?.[0] ?? 0, layer[0]?.[1] ?? 0])
            : (shape(layer.map((p) => [p[0], p[1]])) ?? ''),
      labelAt:
        last && thick >= MIN_LABEL_HEIGHT
          ? { x: frame.right + 6, y: (y(last[0]) + y(last[1])) / 2 + 4 }
          : null,
    };
  });
  return {
    frame,
    bands,
    xTicks: single
      ? [{ at: (barLeft + barRight) / 2, label: options.formatDate(data.periods[0] as Date) }]
      : x
          .ticks(Math.max(2, Math.floor((frame.right - frame.left) / 110)))
          .map((d) => ({ at: x(d), label: options.formatDate(d) })),
    yTicks: y.ticks(5).map((v) => ({ at: y(v), label: options.formatNumber(v) })),
  };
}

export function drawStageArea(
  svgElement: SVGSVGElement,
  data: StageAreaData,
  options: StageAreaOptions,
): void {
  const layout = stageAreaLayout(data, options);
  const svg = prepareSvg(svgElement, layout.frame, options.labels);
  drawAxes(svg, layout.frame, layout.xTicks, layout.yTicks, {
    x: options.labels.xTitle,
    y: options.labels.yTitle,
  });
  const layer = svg.append('g').attr('class', 'bands');
  for (const band of layout.bands) {
    layer
      .append('path')
      .attr('d', band.path)
      .attr('fill', band.colour)
      .attr('stroke', 'var(--chart-bg, #ffffff)')
      .attr('stroke-width', 0.5)
      .attr('data-stage', band.key)
      .append('title')
      .text(band.label);
    if (band.labelAt) {
      svg
        .append('text')
        .attr('x', band.labelAt.x)
        .attr('y', band.labelAt.y)
        .attr('font-size', 12)
        .attr('fill', 'currentColor')
        .text(band.label);
    }
  }
}
