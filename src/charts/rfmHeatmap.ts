import { scaleBand } from 'd3-scale';
import { select } from 'd3-selection';
import { sequential } from './palettes';
import { plotFrame, prepareSvg, type PlotFrame } from './plot';

/**
 * R score (rows, 5 at the top) × F score (columns): each cell coloured by its customers' mean
 * monetary value on a cividis ramp and printing its number of customers, so the count never
 * depends on reading the colour. With a selection, the cell prints "selected / all" and a hatched
 * band shows the selected share. A legend gives the colour scale's ends.
 */

export interface RfmHeatmapCell {
  r: number;
  f: number;
  customers: number;
  meanM: number | null;
  selected: { customers: number; meanM: number | null } | null;
}

export interface RfmHeatmapOptions {
  labels: {
    title: string;
    description: string;
    xTitle: string;
    yTitle: string;
    legend: string;
    /** The cell's full text for its <title> and accessible name. */
    cell: (cell: RfmHeatmapCell) => string;
  };
  formatCount: (v: number) => string;
  formatMoney: (v: number) => string;
  onSelect?: (r: number, f: number) => void;
  width?: number;
  height?: number;
}

export interface HeatmapRect {
  cell: RfmHeatmapCell;
  x: number;
  y: number;
  size: { width: number; height: number };
  fill: string;
  /** Text colour readable on the fill. */
  ink: string;
  /** Printed in the cell: the count, or "selected / all". */
  text: string;
  selectedShare: number | null;
}

const SCORES = [1, 2, 3, 4, 5];
const MARGIN = { top: 8, right: 8, bottom: 84, left: 48 };
const EMPTY = 'var(--grid-empty, #f3f4f6)';

export function rfmHeatmapLayout(
  cells: readonly RfmHeatmapCell[],
  options: Pick<RfmHeatmapOptions, 'formatCount' | 'width' | 'height'>,
): { frame: PlotFrame; rects: HeatmapRect[]; min: number; max: number } {
  const width = options.width ?? 480;
  const height = options.height ?? 440;
  const frame = plotFrame(width, height, MARGIN);
  const x = scaleBand<number>().domain(SCORES).range([frame.left, frame.right]).padding(0.05);
  const y = scaleBand<number>()
    .domain([...SCORES].reverse())
    .range([frame.top, frame.bottom])
    .padding(0.05);
  const means = cells.map((c) => c.meanM).filter((m): m is number => m !== null);
  const min = means.length ? Math.min(...means) : 0;
  const max = means.length ? Math.max(...means) : 1;
  const t = (m: number) => (max > min ? (m - min) / (max - min) : 0.5);
  const rects = cells.map((cell) => {
    const shade = cell.meanM === null ? null : t(cell.meanM);
    const selected = cell.selected;
    return {
      cell,
      x: x(cell.f) ?? 0,
      y: y(cell.r) ?? 0,
      size: { width: x.bandwidth(), height: y.bandwidth() },
      fill: shade === null ? EMPTY : sequential(shade),
      // Cividis is dark blue at the low end and pale yellow at the top.
      ink: shade !== null && shade < 0.55 ? '#ffffff' : '#111827',
      text: selected
        ? `${options.formatCount(selected.customers)} / ${options.formatCount(cell.customers)}`
        : options.formatCount(cell.customers),
      selectedShare:
        selected === null ? null : cell.customers > 0 ? selected.customers / cell.customers : 0,
    };
  });
  return { frame, rects, min, max };
}

export function createRfmHeatmap(
  svgElement: SVGSVGElement,
  cells: readonly RfmHeatmapCell[],
  options: RfmHeatmapOptions,
) {
  function draw(data: readonly RfmHeatmapCell[], o: RfmHeatmapOptions) {
    const { frame, rects, min, max } = rfmHeatmapLayout(data, o);
    const svg = prepareSvg(svgElement, frame, o.labels)
      .attr('aria-label', o.labels.title)
      // A group when its marks are buttons: an image's children would be hidden from assistive tech.
      .attr('role', o.onSelect ? 'group' : 'img');
    const id = svgElement.getAttribute('data-chart-id') ?? 'rfm-heatmap';
    svg
      .append('defs')
      .append('pattern')
      .attr('id', `${id}-hatch`)
      .attr('patternUnits', 'userSpaceOnUse')
      .attr('width', 5)
      .attr('height', 5)
      .attr('patternTransform', 'rotate(-45)')
      .append('line')
      .attr('x1', 0)
      .attr('y1', 0)
      .attr('x2', 0)
      .attr('y2', 5)
      .attr('stroke', '#111827')
      .attr('stroke-width', 2);
    const groups = svg
      .append('g')
      .attr('class', 'cells')
      .selectAll('g')
      .data(rects)
      .join('g')
      .attr('class', 'cell')
      .attr('data-r', (d) => d.cell.r)
      .attr('data-f', (d) => d.cell.f)
      .attr('data-customers', (d) => d.cell.customers)
      .attr('data-selected', (d) => d.cell.selected?.customers ?? null)
      .attr('transform', (d) => `translate(${d.x},${d.y})`)
      .attr('tabindex', o.onSelect ? 0 : null)
      .attr('role', o.onSelect ? 'button' : null)
      .attr('aria-label', (d) => o.labels.cell(d.cell))
      .style('cursor', o.onSelect ? 'pointer' : 'default')
      .on('click', (_, d) => o.onSelect?.(d.cell.r, d.cell.f))
      .on('keydown', (event: KeyboardEvent, d) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          o.onSelect?.(d.cell.r, d.cell.f);
        }
      });
    groups.append('title').text((d) => o.labels.cell(d.cell));
    groups
      .append('rect')
      .attr('width', (d) => d.size.width)
      .attr('height', (d) => d.size.height)
      .attr('rx', 3)
      .attr('fill', (d) => d.fill);
    groups
      .filter((d) => d.selectedShare !== null && d.selectedShare > 0)
      .append('rect')
      .attr('class', 'selected-part')
      .attr('y', (d) => d.size.height - 8)
      .attr('width', (d) => d.size.width * (d.selectedShare ?? 0))
      .attr('height', 8)
      .attr('fill', '#ffffff')
      .attr('stroke', '#111827')
      .attr('stroke-width', 0.5);
    groups
      .filter((d) => d.selectedShare !== null && d.selectedShare > 0)
      .append('rect')
      .attr('y', (d) => d.size.height - 8)
      .attr('width', (d) => d.size.width * (d.selectedShare ?? 0))
      .attr('height', 8)
      .attr('fill', `url(#${id}-hatch)`);
    groups
      .append('text')
      .attr('aria-hidden', 'true')
      .attr('x', (d) => d.size.width / 2)
      .attr('y', (d) => d.size.height / 2 + 4)
      .attr('text-anchor', 'middle')
      .attr('font-size', 13)
      .attr('font-weight', 600)
      .attr('fill', (d) => d.ink)
      .style('pointer-events', 'none')
      .text((d) => d.text);

    const axes = svg.append('g').attr('font-size', 12).attr('fill', 'currentColor');
    const first = rects.filter((d) => d.cell.r === 5);
    const row = rects.filter((d) => d.cell.f === 1);
    axes
      .selectAll('text.x')
      .data(first)
      .join('text')
      .attr('class', 'x')
      .attr('x', (d) => d.x + d.size.width / 2)
      .attr('y', frame.bottom + 16)
      .attr('text-anchor', 'middle')
      .text((d) => d.cell.f);
    axes
      .selectAll('text.y')
      .data(row)
      .join('text')
      .attr('class', 'y')
      .attr('x', frame.left - 10)
      .attr('y', (d) => d.y + d.size.height / 2 + 4)
      .attr('text-anchor', 'end')
      .text((d) => d.cell.r);
    axes
      .append('text')
      .attr('x', (frame.left + frame.right) / 2)
      .attr('y', frame.bottom + 34)
      .attr('text-anchor', 'middle')
      .text(o.labels.xTitle);
    axes
      .append('text')
      .attr('transform', `translate(14,${(frame.top + frame.bottom) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(o.labels.yTitle);

    // Legend: the ramp from the lowest to the highest mean, its ends printed.
    const legendWidth = Math.min(240, frame.right - frame.left);
    const lx = (frame.left + frame.right) / 2 - legendWidth / 2;
    const ly = frame.bottom + 48;
    const gradientId = `${id}-ramp`;
    const gradient = svg
      .select('defs')
      .append('linearGradient')
      .attr('id', gradientId)
      .attr('x1', '0%')
      .attr('x2', '100%');
    for (let i = 0; i <= 10; i++) {
      gradient
        .append('stop')
        .attr('offset', `${i * 10}%`)
        .attr('stop-color', sequential(i / 10));
    }
    const legend = svg.append('g').attr('class', 'legend').attr('font-size', 11);
    legend
      .append('text')
      .attr('x', lx - 8)
      .attr('y', ly + 10)
      .attr('text-anchor', 'end')
      .attr('fill', 'currentColor')
      .text(o.formatMoney(min));
    legend
      .append('rect')
      .attr('x', lx)
      .attr('y', ly)
      .attr('width', legendWidth)
      .attr('height', 12)
      .attr('fill', `url(#${gradientId})`);
    legend
      .append('text')
      .attr('x', lx + legendWidth + 8)
      .attr('y', ly + 10)
      .attr('fill', 'currentColor')
      .text(o.formatMoney(max));
    legend
      .append('text')
      .attr('x', (frame.left + frame.right) / 2)
      .attr('y', ly + 28)
      .attr('text-anchor', 'middle')
      .attr('fill', 'currentColor')
      .text(o.labels.legend);
  }

  let current = options;
  draw(cells, options);
  return {
    update(data: readonly RfmHeatmapCell[], next: Partial<RfmHeatmapOptions> = {}) {
      current = { ...current, ...next };
      draw(data, current);
    },
    destroy() {
      select(svgElement).selectAll('*').remove();
    },
  };
}
