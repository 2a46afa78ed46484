import { brushX, type D3BrushEvent } from 'd3-brush';
import { scaleLinear, scaleLog } from 'd3-scale';
import { pointer, select } from 'd3-selection';
import { drawAxes, plotFrame, prepareSvg, type PlotFrame, type Tick } from './plot';

/**
 * The distribution of one value over customers: a light bar per bin for all customers and, with a
 * selection, a narrower dark bar inside it for the selected ones (told apart by width as well as
 * shade). Drag across the plot to select a range of values; click a bar (or focus it and press
 * Enter) to select that bin.
 */

export interface HistogramData {
  /** bins + 1 edges, increasing. */
  edges: readonly number[];
  all: readonly number[];
  selected: readonly number[] | null;
  log: boolean;
}

export interface HistogramOptions {
  labels: {
    title: string;
    description: string;
    xTitle: string;
    yTitle: string;
    all: string;
    selected: string;
    /** A bar's text for its <title> and accessible name. */
    bar: (lo: number, hi: number, all: number, selected: number | null) => string;
  };
  formatValue: (v: number) => string;
  formatCount: (v: number) => string;
  /** A bin clicked: its edges, and whether its upper edge is included (the last bin). */
  onBin?: (lo: number, hi: number, closed: boolean) => void;
  /** A range dragged out on x. */
  onRange?: (lo: number, hi: number) => void;
  /** The range to show as brushed (when the selection came from this chart). */
  range?: readonly [number, number] | null;
  width?: number;
  height?: number;
}

export interface HistogramBar {
  index: number;
  lo: number;
  hi: number;
  x: number;
  width: number;
  all: { y: number; height: number; count: number };
  selected: { y: number; height: number; count: number } | null;
}

export interface HistogramLayout {
  frame: PlotFrame;
  bars: HistogramBar[];
  xTicks: Tick[];
  yTicks: Tick[];
  x: (v: number) => number;
  invert: (px: number) => number;
}

export function histogramLayout(
  data: HistogramData,
  options: Pick<HistogramOptions, 'formatValue' | 'formatCount' | 'width' | 'height'>,
): HistogramLayout {
  const frame = plotFrame(options.width ?? 480, options.height ?? 320);
  const n = data.all.length;
  const edge = (i: number) => data.edges[i] as number;
  const lo = edge(0);
  const hi = edge(n);
  const x = data.log
    ? scaleLog().domain([lo, hi]).range([frame.left, frame.right])
    : scaleLinear().domain([lo, hi]).range([frame.left, frame.right]);
  const max = Math.max(1, ...data.all);
  const y = scaleLinear().domain([0, max]).range([frame.bottom, frame.top]).nice();
  const bars: HistogramBar[] = data.all.map((count, i) => {
    const x0 = x(edge(i));
    const x1 = x(edge(i + 1));
    const width = Math.max(1, x1 - x0 - 1);
    const sel = data.selected ? (data.selected[i] ?? 0) : null;
    return {
      index: i,
      lo: edge(i),
      hi: edge(i + 1),
      x: x0 + 0.5,
      width,
      all: { y: y(count), height: frame.bottom - y(count), count },
      selected: sel === null ? null : { y: y(sel), height: frame.bottom - y(sel), count: sel },
    };
  });
  const ticks = data.log ? logTicks(lo, hi) : x.ticks(6);
  return {
    frame,
    bars,
    xTicks: ticks.map((t) => ({ at: x(t), label: options.formatValue(t) })),
    yTicks: y.ticks(5).map((t) => ({ at: y(t), label: options.formatCount(t) })),
    x: (v) => x(v),
    invert: (px) => x.invert(px),
  };
}

/** Powers of ten within the domain (or its ends when it spans less than one decade). */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let p = Math.ceil(Math.log10(lo)); p <= Math.floor(Math.log10(hi)); p++) ticks.push(10 ** p);
  return ticks.length >= 2 ? ticks : [lo, hi];
}

export function createHistogram(
  svgElement: SVGSVGElement,
  data: HistogramData,
  options: HistogramOptions,
) {
  function draw(d: HistogramData, o: HistogramOptions) {
    const layout = histogramLayout(d, o);
    const { frame, bars } = layout;
    const svg = prepareSvg(svgElement, frame, o.labels)
      .attr('aria-label', o.labels.title)
      // A group when its marks are buttons: an image's children would be hidden from assistive tech.
      .attr('role', o.onBin ? 'group' : 'img');
    drawAxes(svg, frame, layout.xTicks, layout.yTicks, { x: o.labels.xTitle, y: o.labels.yTitle });
    const last = bars.length - 1;
    const select_ = (b: HistogramBar) => o.onBin?.(b.lo, b.hi, b.index === last);
    const groups = svg
      .append('g')
      .attr('class', 'bars')
      .selectAll('g')
      .data(bars)
      .join('g')
      .attr('class', 'bar')
      .attr('data-count', (b) => b.all.count)
      .attr('data-selected', (b) => b.selected?.count ?? null)
      .attr('tabindex', o.onBin ? 0 : null)
      .attr('role', o.onBin ? 'button' : null)
      .attr('aria-label', (b) => o.labels.bar(b.lo, b.hi, b.all.count, b.selected?.count ?? null))
      .on('keydown', (event: KeyboardEvent, b) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          select_(b);
        }
      });
    groups
      .append('title')
      .text((b) => o.labels.bar(b.lo, b.hi, b.all.count, b.selected?.count ?? null));
    groups
      .append('rect')
      .attr('class', 'all')
      .attr('x', (b) => b.x)
      .attr('y', (b) => b.all.y)
      .attr('width', (b) => b.width)
      .attr('height', (b) => b.all.height)
      .attr('fill', 'var(--chart-all, #56B4E9)')
      .attr('fill-opacity', 0.55);
    groups
      .filter((b) => b.selected !== null && b.selected.count > 0)
      .append('rect')
      .attr('class', 'selected')
      .attr('x', (b) => b.x + b.width * 0.2)
      .attr('y', (b) => b.selected?.y ?? 0)
      .attr('width', (b) => b.width * 0.6)
      .attr('height', (b) => b.selected?.height ?? 0)
      .attr('fill', 'var(--chart-selected, #0072B2)');

    if (d.selected) {
      const legend = svg
        .append('g')
        .attr('class', 'legend')
        .attr('font-size', 12)
        .attr('transform', `translate(${frame.right - 130},${frame.top + 4})`);
      legend
        .append('rect')
        .attr('width', 14)
        .attr('height', 12)
        .attr('fill', 'var(--chart-all, #56B4E9)')
        .attr('fill-opacity', 0.55);
      legend
        .append('text')
        .attr('x', 20)
        .attr('y', 10)
        .attr('fill', 'currentColor')
        .text(o.labels.all);
      legend
        .append('rect')
        .attr('x', 3)
        .attr('y', 18)
        .attr('width', 8)
        .attr('height', 12)
        .attr('fill', 'var(--chart-selected, #0072B2)');
      legend
        .append('text')
        .attr('x', 20)
        .attr('y', 28)
        .attr('fill', 'currentColor')
        .text(o.labels.selected);
    }

    if (!o.onBin && !o.onRange) return;
    // The brush lies over the bars: a drag selects a range, a plain click the bar under it.
    const brush = brushX<unknown>()
      .extent([
        [frame.left, frame.top],
        [frame.right, frame.bottom],
      ])
      .on('end', (event: D3BrushEvent<unknown>) => {
        if (!event.sourceEvent) return; // moved by code, not by the analyst
        const s = event.selection as [number, number] | null;
        if (s && s[1] - s[0] >= 2) {
          o.onRange?.(layout.invert(s[0]), layout.invert(s[1]));
          return;
        }
        const [px] = pointer(event.sourceEvent as MouseEvent, svgElement);
        const bar = bars.find((b) => px >= b.x - 0.5 && px < b.x + b.width + 0.5);
        if (bar) select_(bar);
      });
    const g = svg.append('g').attr('class', 'brush').attr('aria-hidden', 'true').call(brush);
    if (o.range) {
      const a = Math.max(frame.left, layout.x(o.range[0]));
      const b = Math.min(frame.right, layout.x(o.range[1]));
      if (b > a) g.call(brush.move, [a, b]);
    }
  }

  let current = options;
  draw(data, options);
  return {
    update(next: HistogramData, nextOptions: Partial<HistogramOptions> = {}) {
      current = { ...current, ...nextOptions };
      draw(next, current);
    },
    destroy() {
      select(svgElement).selectAll('*').remove();
    },
  };
}
