import { scaleSequential } from 'd3-scale';
import { interpolateBlues } from 'd3-scale-chromatic';
import { prepareSvg, type PlotFrame } from './plot';

/**
 * The cohort triangle: a row per acquisition cohort (its size beside it), a column per period
 * since acquisition, each cell coloured by its value and printing it, so the numbers, not the
 * shade, carry the meaning. A last row gives the mean across cohorts.
 */

export interface CohortRow {
  label: string;
  size: number;
  /** One value per period since acquisition (k = 0, 1, …); null past the data's end. */
  values: readonly (number | null)[];
}

export interface CohortHeatmapOptions {
  labels: {
    title: string;
    description: string;
    cohort: string;
    size: string;
    period: (k: number) => string;
    mean: string;
  };
  formatValue: (v: number) => string;
  formatSize: (v: number) => string;
  /** The mean row (one value per k); omitted when null. */
  mean: readonly (number | null)[] | null;
}

export interface CohortCell {
  row: number;
  k: number;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
  fill: string;
  dark: boolean;
}

export interface CohortHeatmapLayout {
  frame: PlotFrame;
  cells: CohortCell[];
  columns: number;
}

const LABEL_WIDTH = 90;
const SIZE_WIDTH = 64;
const CELL_HEIGHT = 22;
const HEADER = 24;

/** The geometry, without a DOM. */
export function cohortHeatmapLayout(
  rows: readonly CohortRow[],
  mean: readonly (number | null)[] | null,
  width = 720,
): CohortHeatmapLayout {
  const columns = Math.max(1, ...rows.map((r) => r.values.length), mean?.length ?? 0);
  const all = [...rows.map((r) => r.values), ...(mean ? [mean] : [])];
  const height = HEADER + all.length * CELL_HEIGHT + 4;
  const frame: PlotFrame = {
    width,
    height,
    left: LABEL_WIDTH + SIZE_WIDTH,
    right: width - 4,
    top: HEADER,
    bottom: height - 4,
  };
  const cellWidth = (frame.right - frame.left) / columns;
  // Period 0 holds every customer of a cohort by definition; scaled on it, the rest would fade.
  const later = all.flatMap((row) => row.slice(columns > 1 ? 1 : 0));
  const values = later.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(Number.MIN_VALUE, ...values);
  const colour = scaleSequential(interpolateBlues).domain([-max * 0.1, max]);
  const cells: CohortCell[] = [];
  all.forEach((row, r) =>
    row.forEach((value, k) => {
      if (value === null || !Number.isFinite(value)) return;
      cells.push({
        row: r,
        k,
        x: frame.left + k * cellWidth,
        y: frame.top + r * CELL_HEIGHT,
        width: cellWidth - 1,
        height: CELL_HEIGHT - 1,
        value,
        fill: colour(Math.min(value, max)),
        dark: value > max * 0.55,
      });
    }),
  );
  return { frame, cells, columns };
}

export function drawCohortHeatmap(
  svgElement: SVGSVGElement,
  rows: readonly CohortRow[],
  options: CohortHeatmapOptions,
): void {
  const layout = cohortHeatmapLayout(rows, options.mean, 720);
  const { frame } = layout;
  const svg = prepareSvg(svgElement, frame, options.labels);
  const cellWidth = (frame.right - frame.left) / layout.columns;
  const text = svg.append('g').attr('font-size', 11).attr('fill', 'currentColor');
  text
    .append('text')
    .attr('x', 4)
    .attr('y', HEADER - 8)
    .attr('font-weight', 600)
    .text(options.labels.cohort);
  text
    .append('text')
    .attr('x', LABEL_WIDTH + SIZE_WIDTH - 6)
    .attr('y', HEADER - 8)
    .attr('text-anchor', 'end')
    .attr('font-weight', 600)
    .text(options.labels.size);
  for (let k = 0; k < layout.columns; k++) {
    text
      .append('text')
      .attr('x', frame.left + (k + 0.5) * cellWidth)
      .attr('y', HEADER - 8)
      .attr('text-anchor', 'middle')
      .text(options.labels.period(k));
  }
  const names = [
    ...rows.map((r) => ({ label: r.label, size: options.formatSize(r.size) })),
    ...(options.mean ? [{ label: options.labels.mean, size: '' }] : []),
  ];
  names.forEach((n, r) => {
    const y = frame.top + r * CELL_HEIGHT + CELL_HEIGHT / 2 + 4;
    text.append('text').attr('x', 4).attr('y', y).text(n.label);
    text
      .append('text')
      .attr('x', LABEL_WIDTH + SIZE_WIDTH - 6)
      .attr('y', y)
      .attr('text-anchor', 'end')
      .text(n.size);
  });
  const cell = svg.append('g').selectAll('g').data(layout.cells).join('g');
  cell
    .append('rect')
    .attr('x', (c) => c.x)
    .attr('y', (c) => c.y)
    .attr('width', (c) => c.width)
    .attr('height', (c) => c.height)
    .attr('fill', (c) => c.fill)
    .attr('data-row', (c) => c.row)
    .attr('data-k', (c) => c.k)
    .attr('data-value', (c) => c.value);
  const fontSize = cellWidth < 40 ? 9 : 11;
  // Every cell names its value for a pointer or a screen reader; the printed label only when it fits.
  cell.append('title').text((c) => options.formatValue(c.value));
  cell
    .append('text')
    .attr('x', (c) => c.x + c.width / 2)
    .attr('y', (c) => c.y + c.height / 2 + 4)
    .attr('text-anchor', 'middle')
    .attr('font-size', fontSize)
    .attr('fill', (c) => (c.dark ? '#ffffff' : '#111827'))
    .text((c) => cellLabel(c.value, c.width, fontSize, options.formatValue));
}

/**
 * The label a cell has room for: the formatted value, else the whole percent (11% for 10.6%), else
 * nothing (cohorts many periods long make cells narrower than "100%"); the <title> keeps it.
 */
export function cellLabel(
  value: number,
  width: number,
  fontSize: number,
  format: (v: number) => string,
): string {
  // About 0.6 em per digit or sign in the chart's sans-serif at these sizes.
  const fits = (text: string) => text.length * fontSize * 0.6 <= width - 2;
  const full = format(value);
  if (fits(full)) return full;
  const whole = `${Math.round(value * 100)}%`;
  return fits(whole) ? whole : '';
}
