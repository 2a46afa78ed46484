import { scaleBand, scaleLinear, scaleUtc } from 'd3-scale';
import {
  symbol,
  symbolCircle,
  symbolCross,
  symbolDiamond,
  symbolSquare,
  symbolStar,
  symbolTriangle,
  symbolWye,
} from 'd3-shape';
import { categoricalColour } from './palettes';
import { drawAxes, linePath, plotFrame, prepareSvg, textWidth, type Tick } from './plot';

/**
 * A notebook chart cell: points, lines or bars of one result's columns, optionally split by a
 * colour column. Groups differ by colour and by marker shape (points), dash pattern (lines) or
 * order and label (bars), and the legend names them, so nothing rests on colour alone.
 */
export type CellChartMark = 'point' | 'line' | 'bar';
export type AxisKind = 'number' | 'date' | 'text';

export interface CellChartData {
  x: readonly (number | string | boolean | null)[];
  y: readonly (number | string | boolean | null)[];
  /** The colour column's values, or null for one series. */
  colour: readonly (number | string | boolean | null)[] | null;
  xKind: AxisKind;
}

export interface CellChartOptions {
  mark: CellChartMark;
  width?: number;
  height?: number;
  labels: { title: string; description: string; x: string; y: string; other: string };
  formatX: (v: number | string) => string;
  formatY: (v: number) => string;
  /** Points drawn at most (SVG slows down beyond a few tens of thousands of marks). */
  maxPoints?: number;
}

export interface CellChartSummary {
  /** Marks drawn (points, line vertices or bars). */
  drawn: number;
  /** Rows left out: no x or y, or beyond maxPoints. */
  skipped: number;
  groups: string[];
}

const SHAPES = [
  symbolCircle,
  symbolSquare,
  symbolTriangle,
  symbolDiamond,
  symbolCross,
  symbolStar,
  symbolWye,
];
const DASHES = [null, '8 4', '2 3', '10 3 2 3', '4 4', '14 4', '1 5'];
/** Colour groups shown; the rest are drawn as one "other" group. */
const MAX_GROUPS = 7;
const MAX_BARS = 60;

interface Point {
  x: number | string;
  y: number;
  group: number;
}

export function drawCellChart(
  element: SVGSVGElement,
  data: CellChartData,
  options: CellChartOptions,
): CellChartSummary {
  const frame = plotFrame(options.width ?? 720, options.height ?? 380);
  const svg = prepareSvg(element, frame, options.labels);
  const maxPoints = options.maxPoints ?? 20_000;
  const { points, groups, skipped } = chartPoints(data, options.labels.other, maxPoints);

  const ys = points.map((p) => p.y);
  if (options.mark === 'bar') return drawBars(svg, frame, points, groups, skipped, options);
  const [y0, y1] = extent(ys);
  const y = scaleLinear().domain([y0, y1]).nice().range([frame.bottom, frame.top]);
  const yTicks: Tick[] = y.ticks(6).map((v) => ({ at: y(v), label: options.formatY(v) }));

  let xPos: (v: number | string) => number;
  let xTicks: Tick[];
  if (data.xKind === 'text') {
    const band = scaleBand<string>()
      .domain(unique(points.map((p) => String(p.x))).slice(0, 500))
      .range([frame.left, frame.right])
      .padding(0.2);
    xPos = (v) => (band(String(v)) ?? Number.NaN) + band.bandwidth() / 2;
    xTicks = categoryTicks(band.domain(), xPos, frame.right - frame.left, (v) =>
      options.formatX(v),
    );
  } else {
    const xs = points.map((p) => p.x as number);
    const [x0, x1] = extent(xs);
    if (data.xKind === 'date') {
      const x = scaleUtc().domain([x0, x1]).range([frame.left, frame.right]);
      xPos = (v) => x(v as number);
      xTicks = x.ticks(6).map((d) => ({
        at: x(d),
        label: options.formatX(d.toISOString().slice(0, 10)),
      }));
    } else {
      const x = scaleLinear().domain([x0, x1]).nice().range([frame.left, frame.right]);
      xPos = (v) => x(v as number);
      xTicks = x.ticks(6).map((v) => ({ at: x(v), label: options.formatX(v) }));
    }
  }
  drawAxes(svg, frame, xTicks, yTicks, options.labels);
  const layer = svg.append('g').attr('class', 'marks');
  if (options.mark === 'line') {
    groups.forEach((_, g) => {
      const line = points
        .filter((p) => p.group === g)
        .map((p) => [xPos(p.x), y(p.y)] as const)
        .sort((a, b) => a[0] - b[0]);
      layer
        .append('path')
        .attr('class', 'series')
        .attr('data-group', g)
        .attr('d', linePath(line))
        .attr('fill', 'none')
        .attr('stroke', categoricalColour(g))
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', DASHES[g % DASHES.length] ?? null);
    });
  } else {
    layer
      .selectAll('path.point')
      .data(points)
      .join('path')
      .attr('class', 'point')
      .attr('d', (p) => symbol(SHAPES[p.group % SHAPES.length], 36)() ?? '')
      .attr('transform', (p) => `translate(${xPos(p.x)},${y(p.y)})`)
      .attr('fill', (p) => categoricalColour(p.group))
      .attr('fill-opacity', 0.7)
      .attr('stroke', 'var(--chart-bg, #ffffff)')
      .attr('stroke-width', 0.5);
  }
  if (data.colour) drawGroupLegend(svg, frame, groups, options.mark);
  return { drawn: points.length, skipped, groups };
}

function drawBars(
  svg: ReturnType<typeof prepareSvg>,
  frame: ReturnType<typeof plotFrame>,
  points: Point[],
  groups: string[],
  skipped: number,
  options: CellChartOptions,
): CellChartSummary {
  // One bar per x category and group: the sum of y (a SQL result usually has one row each).
  const categories = unique(points.map((p) => String(p.x))).slice(0, MAX_BARS);
  const sums = new Map<string, number>();
  for (const p of points) {
    const key = `${p.group}\u0000${String(p.x)}`;
    sums.set(key, (sums.get(key) ?? 0) + p.y);
  }
  const bars = [...sums.entries()]
    .map(([key, value]) => {
      const [g, x] = key.split('\u0000') as [string, string];
      return { x, group: Number(g), value };
    })
    .filter((b) => categories.includes(b.x));
  const [lo, hi] = extent([0, ...bars.map((b) => b.value)]);
  const y = scaleLinear().domain([lo, hi]).nice().range([frame.bottom, frame.top]);
  const outer = scaleBand<string>()
    .domain(categories)
    .range([frame.left, frame.right])
    .padding(0.2);
  const inner = scaleBand<number>()
    .domain(groups.map((_, g) => g))
    .range([0, outer.bandwidth()])
    .padding(0.05);
  const xTicks = categoryTicks(
    categories,
    (c) => (outer(c) ?? 0) + outer.bandwidth() / 2,
    frame.right - frame.left,
    (c) => options.formatX(c),
  );
  const yTicks = y.ticks(6).map((v) => ({ at: y(v), label: options.formatY(v) }));
  drawAxes(svg, frame, xTicks, yTicks, options.labels);
  svg
    .append('g')
    .attr('class', 'marks')
    .selectAll('rect')
    .data(bars)
    .join('rect')
    .attr('class', 'bar')
    .attr('x', (b) => (outer(b.x) ?? 0) + (inner(b.group) ?? 0))
    .attr('width', inner.bandwidth())
    .attr('y', (b) => Math.min(y(b.value), y(0)))
    .attr('height', (b) => Math.abs(y(b.value) - y(0)))
    .attr('fill', (b) => categoricalColour(b.group))
    .append('title')
    .text(
      (b) =>
        `${groups.length > 1 ? `${groups[b.group]} · ` : ''}${options.formatX(b.x)}: ${options.formatY(b.value)}`,
    );
  if (groups.length > 1) drawGroupLegend(svg, frame, groups, 'bar');
  return { drawn: bars.length, skipped, groups };
}

function drawGroupLegend(
  svg: ReturnType<typeof prepareSvg>,
  frame: ReturnType<typeof plotFrame>,
  groups: readonly string[],
  mark: CellChartMark,
): void {
  const g = svg
    .append('g')
    .attr('class', 'legend')
    .attr('font-size', 12)
    .attr('transform', `translate(${frame.right - 150},${frame.top + 8})`);
  groups.forEach((label, i) => {
    const row = g.append('g').attr('transform', `translate(0,${i * 18})`);
    if (mark === 'line') {
      row
        .append('line')
        .attr('x1', 0)
        .attr('x2', 24)
        .attr('stroke', categoricalColour(i))
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', DASHES[i % DASHES.length] ?? null);
    } else if (mark === 'point') {
      row
        .append('path')
        .attr('d', symbol(SHAPES[i % SHAPES.length], 50)() ?? '')
        .attr('transform', 'translate(12,0)')
        .attr('fill', categoricalColour(i));
    } else {
      row
        .append('rect')
        .attr('x', 4)
        .attr('y', -6)
        .attr('width', 12)
        .attr('height', 12)
        .attr('fill', categoricalColour(i));
    }
    row.append('text').attr('x', 30).attr('y', 4).attr('fill', 'currentColor').text(label);
  });
}

/**
 * The rows with an x and a numeric y, up to `max`, with their colour group: the most frequent
 * colour values first, the rest together as `other`.
 */
export function chartPoints(
  data: CellChartData,
  other: string,
  max: number,
): { points: Point[]; groups: string[]; skipped: number } {
  const counts = new Map<string, number>();
  if (data.colour) {
    for (const c of data.colour) {
      const key = c === null ? '–' : String(c);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = ranked.length > MAX_GROUPS ? ranked.slice(0, MAX_GROUPS - 1) : ranked;
  const groups = data.colour ? (ranked.length > shown.length ? [...shown, other] : shown) : [''];
  const index = new Map(shown.map((k, i) => [k, i]));
  const points: Point[] = [];
  let skipped = 0;
  for (let r = 0; r < data.x.length; r++) {
    const x = axisValue(data.x[r] ?? null, data.xKind);
    const rawY = data.y[r];
    const y = typeof rawY === 'number' ? rawY : Number.NaN;
    if (x === null || !Number.isFinite(y) || points.length >= max) {
      skipped++;
      continue;
    }
    const c = data.colour ? (data.colour[r] ?? null) : null;
    const group = data.colour ? (index.get(c === null ? '–' : String(c)) ?? groups.length - 1) : 0;
    points.push({ x, y, group });
  }
  return { points, groups, skipped };
}

function axisValue(v: number | string | boolean | null, kind: AxisKind): number | string | null {
  if (v === null) return null;
  if (kind === 'text') return String(v);
  if (kind === 'date') {
    const t = Date.parse(
      String(v).length === 10 ? `${String(v)}T00:00:00Z` : `${String(v).replace(' ', 'T')}Z`,
    );
    return Number.isNaN(t) ? null : t;
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Every band when few, else every k-th, so tick labels do not overlap. */
/** Longest label on a category axis, in characters; longer ones end in "…". */
const MAX_LABEL_CHARS = 12;

/**
 * Category ticks that do not collide: every k-th band, k chosen so that the widest label shown
 * fits in k bands (12 px type: about 7 px a Latin character, 12 px a Chinese one), labels cut to
 * MAX_LABEL_CHARS.
 */
export function categoryTicks(
  domain: readonly string[],
  at: (value: string) => number,
  plotWidth: number,
  format: (value: string) => string,
): Tick[] {
  const labels = domain.map((v) => shorten(format(v)));
  const widest = Math.max(0, ...labels.map(textWidth)) + 8;
  const band = plotWidth / Math.max(1, domain.length);
  const step = Math.max(1, Math.ceil(widest / Math.max(1, band)));
  return domain.flatMap((v, i) =>
    i % step === 0 ? [{ at: at(v), label: labels[i] as string }] : [],
  );
}

function shorten(label: string): string {
  const chars = [...label];
  return chars.length > MAX_LABEL_CHARS
    ? `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…`
    : label;
}
