import { select } from 'd3-selection';
import { area, line } from 'd3-shape';

/**
 * A small line with its area for a few periods (a persona's last months): no axes, the first and
 * last value marked with dots, the values in the SVG's title for screen readers and tooltips.
 */
export interface SparklineOptions {
  width?: number;
  height?: number;
  /** Accessible name: what is shown, over which periods. */
  label: string;
  /** The values in words (e.g. "Jan 3, Feb 5 …"), for the description. */
  description: string;
}

export function drawSparkline(
  element: SVGSVGElement,
  values: readonly number[],
  options: SparklineOptions,
): void {
  const width = options.width ?? 120;
  const height = options.height ?? 32;
  const pad = 3;
  const svg = select(element)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .attr('aria-label', options.label);
  svg.selectAll('*').remove();
  svg.append('title').text(options.label);
  svg.append('desc').text(options.description);
  if (values.length === 0) return;
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const x = (i: number) =>
    pad + (values.length === 1 ? 0 : (i * (width - 2 * pad)) / (values.length - 1));
  const y = (v: number) => height - pad - ((v - min) * (height - 2 * pad)) / span;
  const points = values.map((v, i) => [x(i), y(v)] as [number, number]);
  svg
    .append('path')
    .attr('class', 'spark-area')
    .attr('fill', 'var(--spark-fill, rgba(0, 114, 178, 0.15))')
    .attr(
      'd',
      area<[number, number]>()
        .x((p) => p[0])
        .y0(y(0))
        .y1((p) => p[1])(points) ?? '',
    );
  svg
    .append('path')
    .attr('class', 'spark-line')
    .attr('fill', 'none')
    .attr('stroke', 'var(--spark-stroke, #0072B2)')
    .attr('stroke-width', 1.5)
    .attr('d', line()(points) ?? '');
  const ends = [points[0], points[points.length - 1]].filter((p) => p !== undefined);
  svg
    .selectAll('circle')
    .data(ends)
    .join('circle')
    .attr('cx', (p) => p[0])
    .attr('cy', (p) => p[1])
    .attr('r', 2)
    .attr('fill', 'var(--spark-stroke, #0072B2)');
}
