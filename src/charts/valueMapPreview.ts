/**
 * The value map of a first screen computed at build time (scripts/generate-first-screen.mjs),
 * and its drawing while the engine starts: no brush, zoom, lasso or tooltips (those need every
 * customer's point from the engine, and d3-brush/d3-zoom would add to the JavaScript of the
 * first screen). valueMapPreviewData.ts reduces the points at build time; this draws what it
 * stored, positions already placed on the plot, so the page needs no scale. It draws with the DOM
 * alone, not plot.ts and d3-selection, which would bring more shared chart code into the first
 * screen's JavaScript (scripts/bundle-size.mjs); the layout follows plot.ts's frame and axes.
 */
import { categoricalColour } from './categorical';
import { quadrantCorners } from './quadrantCorners';

/** What the page stores of the value map for its first screen (a few kB gzip). */
export interface ValueMapPreview {
  /** The axes the value map opens with: current × predicted value when anything is predicted. */
  axes: 'value' | 'fm';
  /** Customers on the map: all of them, whether or not each has a mark stored. */
  n: number;
  /** Axis ticks as [value, position]: 0–1 from the left (x) or from the bottom (y). */
  xTicks: [number, number][];
  yTicks: [number, number][];
  /** The median lines' positions (0–1), null when no split shows. */
  xSplit: number | null;
  ySplit: number | null;
  /** Customers per quadrant (top left, top right, bottom left, bottom right), of all of them. */
  quadrants: [number, number, number, number];
  /** The points' segment keys by code, and the customers of each (of all of them). */
  segmentKeys: string[];
  segmentCounts: number[];
  /** Customers without a segment. */
  none: number;
  /**
   * The marks drawn, as columns of integers: x and y in thousandths of the plot area (from the
   * left, from the bottom), size level 0–SIZE_LEVELS (square root of total value, as the chart
   * sizes its marks), segment code (-1 none). Sorted by x, which is stored as the step from the
   * mark before (small numbers gzip well). Every customer up to MAX_MARKS; above, an even sample
   * of MAX_MARKS in the points' order, so that the file stays a few kB gzip.
   */
  marks: { dx: number[]; y: number[]; size: number[]; segment: number[] };
}

/** Above this many customers the preview stores an even sample of the marks. */
export const MAX_MARKS = 2000;
export const SIZE_LEVELS = 8;
/** The chart's own mark radii in CSS pixels (valueMap.ts), and its height. */
const RADIUS: [number, number] = [1.5, 5];
const HEIGHT = 440;
const ALPHA = 0.75;
const NONE_COLOUR = '#BBBBBB';
/** plot.ts's margins. */
const MARGIN = { top: 16, right: 16, bottom: 48, left: 64 };
const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with its attributes (and text), appended to `parent`. */
function svgChild(
  parent: Element,
  tag: string,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  parent.append(el);
  return el;
}

export interface ValueMapPreviewOptions {
  /** The canvas's accessible description. */
  summary: string;
  xLabel: string;
  yLabel: string;
  /** Top left, top right, bottom left, bottom right. */
  quadrantLabels: [string, string, string, string];
  /** Segment labels by code. */
  categories: string[];
  noneLabel: string;
  legendLabel: string;
  formatTick: (v: number) => string;
  formatCount: (v: number) => string;
}

/**
 * Draw the stored value map into `container` (canvas marks under SVG axes, quadrant lines and
 * a legend, as the chart lays them out), at the container's width. Nothing responds to the
 * pointer. Returns a function that removes it.
 */
export function drawValueMapPreview(
  container: HTMLElement,
  preview: ValueMapPreview,
  options: ValueMapPreviewOptions,
): () => void {
  const width = Math.max(320, Math.round(container.clientWidth || 640));
  const frame = {
    left: MARGIN.left,
    right: width - MARGIN.right,
    top: MARGIN.top,
    bottom: HEIGHT - MARGIN.bottom,
  };
  const dpr = Math.max(1, Math.min(3, globalThis.devicePixelRatio || 1));
  const plot = document.createElement('div');
  plot.style.cssText = `position:relative;width:100%;height:${HEIGHT}px;`;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', options.summary);
  canvas.dataset.testid = 'value-map-preview-canvas';
  canvas.dataset.marks = String(preview.marks.y.length);
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(HEIGHT * dpr);
  canvas.style.cssText = `position:absolute;left:0;top:0;width:${width}px;height:${HEIGHT}px;`;
  const svgEl = document.createElementNS(SVG_NS, 'svg');
  svgEl.setAttribute('width', String(width));
  svgEl.setAttribute('height', String(HEIGHT));
  svgEl.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  svgEl.setAttribute('aria-hidden', 'true');
  svgEl.style.cssText = 'position:absolute;left:0;top:0;overflow:visible;pointer-events:none;';
  plot.append(canvas, svgEl);

  const px = (u: number) => frame.left + u * (frame.right - frame.left);
  const py = (u: number) => frame.bottom - u * (frame.bottom - frame.top);
  const colour = (code: number) => (code < 0 ? NONE_COLOUR : categoricalColour(code));

  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.scale(dpr, dpr);
    ctx.beginPath();
    ctx.rect(frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top);
    ctx.clip();
    ctx.globalAlpha = ALPHA;
    const { dx, y, size, segment } = preview.marks;
    let x = 0;
    for (let k = 0; k < y.length; k++) {
      x += dx[k]!;
      const r = RADIUS[0] + ((RADIUS[1] - RADIUS[0]) * size[k]!) / SIZE_LEVELS;
      ctx.fillStyle = colour(segment[k]!);
      ctx.beginPath();
      ctx.arc(px(x / 1000), py(y[k]! / 1000), r, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  // Axes as plot.ts draws them: grid lines, baseline, tick labels, titles.
  const axes = svgChild(svgEl, 'g', { class: 'axes', 'font-size': 12 });
  const grid = svgChild(axes, 'g', { class: 'grid', opacity: 0.6 });
  const text = { fill: 'currentColor' };
  for (const [value, at] of preview.yTicks) {
    const y = py(at);
    svgChild(grid, 'line', {
      x1: frame.left,
      x2: frame.right,
      y1: y,
      y2: y,
      stroke: 'var(--chart-grid, #e5e7eb)',
    });
    svgChild(
      axes,
      'text',
      { ...text, x: frame.left - 8, y: y + 4, 'text-anchor': 'end' },
      options.formatTick(value),
    );
  }
  const baseline = { y1: frame.bottom, y2: frame.bottom, stroke: 'currentColor' };
  svgChild(axes, 'line', { ...baseline, x1: frame.left, x2: frame.right });
  for (const [value, at] of preview.xTicks) {
    const x = px(at);
    svgChild(axes, 'line', { ...baseline, x1: x, x2: x, y2: frame.bottom + 5 });
    svgChild(
      axes,
      'text',
      { ...text, x, y: frame.bottom + 18, 'text-anchor': 'middle' },
      options.formatTick(value),
    );
  }
  const middle = { ...text, 'text-anchor': 'middle' };
  svgChild(
    axes,
    'text',
    { ...middle, x: (frame.left + frame.right) / 2, y: HEIGHT - 6 },
    options.xLabel,
  );
  svgChild(
    axes,
    'text',
    { ...middle, transform: `translate(14,${(frame.top + frame.bottom) / 2}) rotate(-90)` },
    options.yLabel,
  );

  // The median lines and the quadrants' names with their customers, as the chart shows them.
  const quads = svgChild(svgEl, 'g', { class: 'quadrants' });
  const dashed = {
    stroke: 'currentColor',
    'stroke-opacity': 0.55,
    'stroke-dasharray': '5 4',
  };
  const { xSplit, ySplit } = preview;
  if (xSplit !== null)
    svgChild(quads, 'line', {
      ...dashed,
      x1: px(xSplit),
      x2: px(xSplit),
      y1: frame.top,
      y2: frame.bottom,
    });
  if (ySplit !== null)
    svgChild(quads, 'line', {
      ...dashed,
      x1: frame.left,
      x2: frame.right,
      y1: py(ySplit),
      y2: py(ySplit),
    });
  if (xSplit !== null && ySplit !== null) {
    const corners = quadrantCorners(frame);
    options.quadrantLabels.forEach((label, q) => {
      const [x, y, anchor] = corners[q]!;
      svgChild(
        quads,
        'text',
        {
          ...text,
          class: `quadrant q${q}`,
          x,
          y,
          'text-anchor': anchor,
          'font-size': 12,
          'font-weight': 600,
          'paint-order': 'stroke',
          stroke: 'var(--chart-bg, #ffffff)',
          'stroke-width': 3,
          'stroke-linejoin': 'round',
        },
        `${label} · ${options.formatCount(preview.quadrants[q]!)}`,
      );
    });
  }

  const legend = document.createElement('ul');
  legend.setAttribute('aria-label', options.legendLabel);
  legend.style.cssText =
    'list-style:none;display:flex;flex-wrap:wrap;gap:4px 12px;padding:0;margin:8px 0 0;font-size:12px;';
  const entries = preview.segmentCounts.map((count, code) => ({
    code,
    label: options.categories[code] ?? preview.segmentKeys[code] ?? '',
    count,
  }));
  if (preview.none > 0) entries.push({ code: -1, label: options.noneLabel, count: preview.none });
  for (const e of entries) {
    const li = document.createElement('li');
    li.style.cssText = 'display:inline-flex;align-items:center;gap:4px;padding:2px 4px;';
    const swatch = document.createElement('span');
    swatch.setAttribute('aria-hidden', 'true');
    swatch.style.cssText = `display:inline-block;width:10px;height:10px;border-radius:50%;background:${colour(e.code)};`;
    li.append(swatch, `${e.label} (${options.formatCount(e.count)})`);
    legend.append(li);
  }
  container.append(plot, legend);
  return () => {
    plot.remove();
    legend.remove();
  };
}
