import { scaleBand, scaleSequential } from 'd3-scale';
import { interpolateBlues } from 'd3-scale-chromatic';
import { select } from 'd3-selection';

export interface RfmGridCell {
  r: number;
  fm: number;
  /** The measure the cell is coloured by (customers or revenue). */
  value: number;
  /** The segment name printed in the cell (null for an empty cell). */
  label: string | null;
  /** Cells with the same group key get no border between them (one segment = one region). */
  group: string | null;
  /** Text for screen readers and the tooltip. */
  description: string;
}

export interface RfmGridOptions {
  formatValue: (v: number) => string;
  xTitle: string;
  yTitle: string;
  onSelect?: (cell: RfmGridCell) => void;
}

const SCORES = [1, 2, 3, 4, 5];
const MARGIN = { top: 8, right: 8, bottom: 44, left: 44 };
const WIDTH = 640;
const HEIGHT = 480;

/**
 * The R × FM grid: FM on x (1 → 5), R on y (5 at the top), each cell coloured by its value and
 * labelled with its segment and value, so meaning never rests on colour alone. Segment regions are
 * outlined where neighbouring cells belong to different segments.
 */
export function drawRfmGrid(
  svgElement: SVGSVGElement,
  cells: readonly RfmGridCell[],
  options: RfmGridOptions,
): void {
  const svg = select(svgElement)
    .attr('viewBox', `0 0 ${WIDTH} ${HEIGHT}`)
    // A group, not an image: its cells are buttons (an image's children are presentational).
    .attr('role', 'group')
    .attr('preserveAspectRatio', 'xMidYMid meet');
  svg.selectAll('*').remove();
  const x = scaleBand<number>()
    .domain(SCORES)
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .padding(0.04);
  const y = scaleBand<number>()
    .domain([...SCORES].reverse())
    .range([MARGIN.top, HEIGHT - MARGIN.bottom])
    .padding(0.04);
  const max = Math.max(1, ...cells.map((c) => c.value));
  const colour = scaleSequential(interpolateBlues).domain([-max * 0.08, max]);
  const darkText = (v: number) => v < max * 0.55;

  const cellGroups = svg
    .append('g')
    .selectAll('g')
    .data(cells)
    .join('g')
    .attr('class', 'cell')
    .attr('data-r', (d) => d.r)
    .attr('data-fm', (d) => d.fm)
    .attr('transform', (d) => `translate(${x(d.fm) ?? 0},${y(d.r) ?? 0})`)
    .attr('tabindex', options.onSelect ? 0 : null)
    .attr('role', options.onSelect ? 'button' : null)
    .style('cursor', options.onSelect ? 'pointer' : 'default')
    .on('click', (_, d) => options.onSelect?.(d))
    .on('keydown', (event: KeyboardEvent, d) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        options.onSelect?.(d);
      }
    });
  // The title is the tooltip and the cell's accessible name: it starts with what the cell shows.
  cellGroups
    .append('title')
    .text((d) =>
      [d.label, options.formatValue(d.value), d.description].filter(Boolean).join(' · '),
    );
  cellGroups
    .append('rect')
    .attr('width', x.bandwidth())
    .attr('height', y.bandwidth())
    .attr('rx', 3)
    .attr('fill', (d) => (d.value > 0 ? colour(d.value) : 'var(--grid-empty, #f3f4f6)'));
  const text = cellGroups
    .append('text')
    .attr('aria-hidden', 'true')
    .attr('x', x.bandwidth() / 2)
    .attr('text-anchor', 'middle')
    .attr('fill', (d) => (darkText(d.value) ? '#111827' : '#ffffff'))
    .style('pointer-events', 'none');
  text
    .append('tspan')
    .attr('class', 'segment-label')
    .attr('x', x.bandwidth() / 2)
    .attr('y', y.bandwidth() / 2 - 4)
    .attr('font-size', 12)
    .text((d) => d.label ?? '');
  text
    .append('tspan')
    .attr('class', 'cell-value')
    .attr('x', x.bandwidth() / 2)
    .attr('y', y.bandwidth() / 2 + 14)
    .attr('font-size', 13)
    .attr('font-weight', 600)
    .text((d) => options.formatValue(d.value));

  drawSegmentBorders(svg.append('g').attr('class', 'segment-borders'), cells, x, y);

  const axes = svg.append('g').attr('font-size', 12).attr('fill', 'currentColor');
  axes
    .selectAll('text.x')
    .data(SCORES)
    .join('text')
    .attr('class', 'x')
    .attr('x', (d) => (x(d) ?? 0) + x.bandwidth() / 2)
    .attr('y', HEIGHT - MARGIN.bottom + 16)
    .attr('text-anchor', 'middle')
    .text((d) => d);
  axes
    .selectAll('text.y')
    .data(SCORES)
    .join('text')
    .attr('class', 'y')
    .attr('x', MARGIN.left - 10)
    .attr('y', (d) => (y(d) ?? 0) + y.bandwidth() / 2 + 4)
    .attr('text-anchor', 'end')
    .text((d) => d);
  axes
    .append('text')
    .attr('x', (MARGIN.left + WIDTH - MARGIN.right) / 2)
    .attr('y', HEIGHT - 6)
    .attr('text-anchor', 'middle')
    .text(options.xTitle);
  axes
    .append('text')
    .attr('transform', `translate(14,${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(options.yTitle);
}

type Band = ReturnType<typeof scaleBand<number>>;

function drawSegmentBorders(
  layer: ReturnType<typeof select<SVGGElement, unknown>>,
  cells: readonly RfmGridCell[],
  x: Band,
  y: Band,
): void {
  const groupAt = new Map(cells.map((c) => [`${c.r},${c.fm}`, c.group]));
  const step = x.step();
  const pad = (step - x.bandwidth()) / 2;
  const lines: [number, number, number, number][] = [];
  for (const c of cells) {
    const left = (x(c.fm) ?? 0) - pad;
    const top = (y(c.r) ?? 0) - pad;
    const right = groupAt.get(`${c.r},${c.fm + 1}`);
    if (c.fm < 5 && right !== c.group) lines.push([left + step, top, left + step, top + y.step()]);
    const below = groupAt.get(`${c.r - 1},${c.fm}`);
    if (c.r > 1 && below !== c.group)
      lines.push([left, top + y.step(), left + step, top + y.step()]);
  }
  layer
    .selectAll('line')
    .data(lines)
    .join('line')
    .attr('x1', (d) => d[0])
    .attr('y1', (d) => d[1])
    .attr('x2', (d) => d[2])
    .attr('y2', (d) => d[3])
    .attr('stroke', 'var(--grid-border, #111827)')
    .attr('stroke-width', 2.5)
    .attr('stroke-linecap', 'round');
}
