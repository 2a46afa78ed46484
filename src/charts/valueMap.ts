/**
 * The value map: every customer as a mark on two value axes, coloured by category and sized by
 * total value, with named quadrants, zoom and pan, rectangle brush and lasso.
 *
 * Marks are rasterised straight into an ImageData buffer (one typed-array write per pixel, one
 * putImageData per frame) rather than through canvas paths: at 100k marks a path per colour costs
 * several frames in software rendering, the pixel buffer a few milliseconds. Pixel coordinates are
 * computed once per data change or zoom step, so a brush move is one pass for the selection and
 * one for the redraw. Above `binThreshold` visible marks the map shows square bins (opacity by
 * count, colour of the most frequent category) while the selection stays exact per customer.
 * Axes, quadrants and the interaction overlays are SVG on top of the canvas.
 */
import { brush as d3brush, type BrushBehavior, type D3BrushEvent } from 'd3-brush';
import { quadtree as d3quadtree, type Quadtree } from 'd3-quadtree';
import {
  scaleLinear,
  scaleLog,
  scaleSqrt,
  scaleSymlog,
  type ScaleContinuousNumeric,
} from 'd3-scale';
import { select, type Selection } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { categoricalColour } from './palettes';
import { drawAxes, plotFrame, type PlotFrame } from './plot';
import { quadrantCorners } from './quadrantCorners';
import {
  axisDomain,
  axisTicks,
  binPoints,
  categoryCounts,
  discSpans,
  packColour,
  quadrantCounts,
  selectCategories,
  selectPolygon,
  selectRect,
  selectedPerBin,
  type AxisScale,
  type Bins,
} from './valueMapSelect';

export type ValueMapMode = 'brush' | 'lasso' | 'pan';

export interface ValueMapData {
  n: number;
  x: Float64Array;
  y: Float64Array;
  /** Mark size (total value); null draws every mark the same size. */
  size: Float64Array | null;
  /** Category code per mark, -1 for none. */
  colour: Int8Array;
  categories: { label: string }[];
  xLabel: string;
  yLabel: string;
  xScale: AxisScale;
  yScale: AxisScale;
  xSplit: number | null;
  ySplit: number | null;
  /** Top left, top right, bottom left, bottom right. */
  quadrantLabels: [string, string, string, string] | null;
  tooltip: (i: number) => string;
}

/** Timings of one redraw, for benchmarks and a performance overlay. */
export interface ValueMapFrame {
  cause: 'brush' | 'lasso' | 'legend' | 'selection' | 'zoom' | 'update';
  /** Selection computation (0 when the selection came from outside). */
  selectMs: number;
  /** Rasterising the marks and putting them on the canvas. */
  drawMs: number;
  selected: number | null;
  binned: boolean;
}

export interface ValueMapOptions {
  /** Accessible name of the whole chart (the container's group). */
  label: string;
  /** The canvas's accessible description of what is shown. */
  summary: (info: {
    n: number;
    visible: number;
    xLabel: string;
    yLabel: string;
    binned: boolean;
  }) => string;
  formatTick?: (v: number) => string;
  formatCount?: (v: number) => string;
  /** Called with a fresh mask (1 = selected) at most once a frame while brushing, and at the end. */
  onSelect?: (mask: Uint8Array | null) => void;
  onFrame?: (frame: ValueMapFrame) => void;
  /** Legend title and the name of marks without a category. */
  legendLabel?: string;
  noneLabel?: string;
  height?: number;
  /** Above this many marks in view the map shows bins. */
  binThreshold?: number;
  /** Bin side in CSS pixels. */
  binSize?: number;
  /** Radius range of the marks in CSS pixels (sqrt of size). */
  radius?: [number, number];
}

export interface ValueMapHandle {
  update(data: ValueMapData): void;
  setSelection(mask: Uint8Array | null): void;
  setMode(mode: ValueMapMode): void;
  resetZoom(): void;
  destroy(): void;
  /** The two layers to composite for an image export (canvas below, SVG above, same size). */
  snapshot(): { canvas: HTMLCanvasElement; svg: SVGSVGElement; width: number; height: number };
  /** A standalone SVG with the marks embedded as a PNG image under the axes. */
  toSvgString(): string;
}

type Scale = ScaleContinuousNumeric<number, number>;

const NONE_COLOUR = '#BBBBBB';
const ALPHA = { normal: 0.75, selected: 1, dimmed: 0.22 };

function makeScale(type: AxisScale, domain: [number, number], range: [number, number]): Scale {
  const s = type === 'log' ? scaleLog() : type === 'symlog' ? scaleSymlog() : scaleLinear();
  return (s as Scale).domain(domain).range(range);
}

/** Alpha in [0, 1] as the alpha byte of a packed pixel. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const alphaBits = (a: number) => {
  const byte = Math.round(Math.min(1, Math.max(0, a)) * 255);
  return LITTLE_ENDIAN ? (byte << 24) >>> 0 : byte;
};

export function createValueMap(container: HTMLElement, options: ValueMapOptions): ValueMapHandle {
  const binThreshold = options.binThreshold ?? 50_000;
  const binSize = options.binSize ?? 5;
  const [rMin, rMax] = options.radius ?? [1.5, 5];
  const height = options.height ?? 440;
  const fmtTick = options.formatTick ?? ((v: number) => String(v));
  const fmtCount = options.formatCount ?? ((v: number) => String(v));

  container.setAttribute('role', 'group');
  container.setAttribute('aria-label', options.label);
  container.classList.add('value-map');

  const plot = document.createElement('div');
  plot.className = 'value-map-plot';
  plot.style.cssText = `position:relative;width:100%;height:${height}px;touch-action:none;`;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.dataset.testid = 'value-map-canvas';
  canvas.style.cssText = 'position:absolute;left:0;top:0;';
  const svgEl = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svgEl.style.cssText = 'position:absolute;left:0;top:0;overflow:visible;';
  svgEl.setAttribute('class', 'value-map-overlay');
  const tooltip = document.createElement('div');
  tooltip.className = 'value-map-tooltip';
  tooltip.setAttribute('role', 'status');
  tooltip.style.cssText =
    'position:absolute;pointer-events:none;display:none;white-space:pre-line;font-size:12px;' +
    'padding:4px 6px;border-radius:4px;background:var(--tooltip-bg,rgba(20,20,20,0.88));' +
    'color:var(--tooltip-fg,#fff);max-width:260px;z-index:2;';
  const legend = document.createElement('ul');
  legend.className = 'value-map-legend';
  legend.setAttribute('aria-label', options.legendLabel ?? '');
  legend.style.cssText =
    'list-style:none;display:flex;flex-wrap:wrap;gap:4px 12px;padding:0;margin:8px 0 0;font-size:12px;';
  plot.append(canvas, svgEl, tooltip);
  container.append(plot, legend);

  const ctx = canvas.getContext('2d');
  const svg = select(svgEl);
  const axesLayer = svg.append('g').attr('class', 'vm-axes-host');
  const quadLayer = svg
    .append('g')
    .attr('class', 'quadrants')
    .attr('pointer-events', 'none')
    .attr('aria-hidden', 'true');
  const hit = svg.append('rect').attr('class', 'hit').attr('fill', 'transparent');
  const brushLayer = svg.append('g').attr('class', 'brush');
  const lassoTarget = svg
    .append('rect')
    .attr('class', 'lasso-target')
    .attr('fill', 'transparent')
    .style('cursor', 'crosshair')
    .style('display', 'none');
  const lassoPath = svg
    .append('path')
    .attr('class', 'lasso')
    .attr('fill', 'rgba(0,114,178,0.08)')
    .attr('stroke', '#0072B2')
    .attr('stroke-width', 1.5)
    .attr('stroke-dasharray', '4 3')
    .attr('pointer-events', 'none');

  // ---- state -------------------------------------------------------------------------------
  let data: ValueMapData | null = null;
  let frame: PlotFrame = plotFrame(640, height);
  let dpr = 1;
  let mode: ValueMapMode = 'brush';
  let transform: ZoomTransform = zoomIdentity;
  let xBase: Scale = scaleLinear();
  let yBase: Scale = scaleLinear();
  /** Base (unzoomed) and current pixel coordinates, CSS px; NaN = not placeable. */
  let bx = new Float32Array(0);
  let by = new Float32Array(0);
  let px = new Float32Array(0);
  let py = new Float32Array(0);
  /** Current device-pixel centres for the rasteriser (far outside when not placeable). */
  let cx = new Int32Array(0);
  let cy = new Int32Array(0);
  let radiusOf = new Uint8Array(0);
  let spans: Int16Array[] = [];
  let visible = 0;
  let bins: Bins | null = null;
  let selPerBin = new Uint32Array(0);
  let image: ImageData | null = null;
  let pixels = new Uint32Array(0);
  /** Packed colours per category code + 1 (index 0 = no category). */
  let palette: string[] = [];
  let colNormal = new Uint32Array(0);
  let colSelected = new Uint32Array(0);
  let colDimmed = new Uint32Array(0);
  let colBase = new Uint32Array(0);
  let mask: Uint8Array | null = null;
  let work = new Uint8Array(0);
  let lastEmitted: Uint8Array | null = null;
  let highlighted = new Set<number>();
  let tree: Quadtree<number> | null = null;
  /** Customers per quadrant: fixed for the data, so counted once, not on every zoom step. */
  let quadCounts: [number, number, number, number] | null = null;
  let pendingRect: [[number, number], [number, number]] | null = null;
  let pendingZoom = false;
  let raf = 0;
  let destroyed = false;

  // ---- layout ------------------------------------------------------------------------------
  function layout() {
    const width = Math.max(320, Math.round(plot.clientWidth || container.clientWidth || 640));
    frame = plotFrame(width, height);
    dpr = Math.max(1, Math.min(3, globalThis.devicePixelRatio || 1));
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    svgEl.setAttribute('width', String(width));
    svgEl.setAttribute('height', String(height));
    svgEl.setAttribute('viewBox', `0 0 ${width} ${height}`);
    image = ctx ? ctx.createImageData(canvas.width, canvas.height) : null;
    pixels = image ? new Uint32Array(image.data.buffer) : new Uint32Array(0);
    const plotArea = {
      x: frame.left,
      y: frame.top,
      width: frame.right - frame.left,
      height: frame.bottom - frame.top,
    };
    for (const r of [hit, lassoTarget])
      r.attr('x', plotArea.x)
        .attr('y', plotArea.y)
        .attr('width', plotArea.width)
        .attr('height', plotArea.height);
    brushBehaviour.extent([
      [frame.left, frame.top],
      [frame.right, frame.bottom],
    ]);
    brushLayer.call(brushBehaviour);
    // A light box: the emphasised marks show the selection, a grey fill would hide them.
    brushLayer
      .select('.selection')
      .attr('fill', '#0072B2')
      .attr('fill-opacity', 0.06)
      .attr('stroke', '#0072B2')
      .attr('stroke-width', 1.5);
    zoomBehaviour
      .extent([
        [frame.left, frame.top],
        [frame.right, frame.bottom],
      ])
      .translateExtent([
        [frame.left, frame.top],
        [frame.right, frame.bottom],
      ]);
  }

  // ---- data → pixels -----------------------------------------------------------------------
  function prepare(d: ValueMapData) {
    const n = d.n;
    xBase = makeScale(d.xScale, axisDomain(d.x.subarray(0, n), d.xScale), [
      frame.left,
      frame.right,
    ]);
    yBase = makeScale(d.yScale, axisDomain(d.y.subarray(0, n), d.yScale), [
      frame.bottom,
      frame.top,
    ]);
    if (bx.length !== n) {
      bx = new Float32Array(n);
      by = new Float32Array(n);
      px = new Float32Array(n);
      py = new Float32Array(n);
      cx = new Int32Array(n);
      cy = new Int32Array(n);
      radiusOf = new Uint8Array(n);
      work = new Uint8Array(n);
    }
    const xLog = d.xScale === 'log';
    const yLog = d.yScale === 'log';
    for (let i = 0; i < n; i++) {
      const xv = d.x[i]!;
      const yv = d.y[i]!;
      bx[i] = Number.isFinite(xv) && !(xLog && xv <= 0) ? xBase(xv) : NaN;
      by[i] = Number.isFinite(yv) && !(yLog && yv <= 0) ? yBase(yv) : NaN;
    }
    // Radii in device pixels: the rasteriser draws integer discs.
    let sMax = 0;
    if (d.size) for (let i = 0; i < n; i++) if (d.size[i]! > sMax) sMax = d.size[i]!;
    const size = scaleSqrt()
      .domain([0, sMax || 1])
      .range([rMin * dpr, rMax * dpr])
      .clamp(true);
    let rTop = 0;
    for (let i = 0; i < n; i++) {
      const v = d.size ? d.size[i]! : 0;
      const r = Math.max(0, Math.round(size(Number.isFinite(v) && v > 0 ? v : 0) - 0.5));
      radiusOf[i] = r;
      if (r > rTop) rTop = r;
    }
    spans = Array.from({ length: rTop + 1 }, (_, r) => discSpans(r));
    const k = d.categories.length;
    palette = [NONE_COLOUR, ...Array.from({ length: k }, (_, i) => categoricalColour(i))];
    colNormal = Uint32Array.from(palette, (c) => packColour(c, ALPHA.normal));
    colSelected = Uint32Array.from(palette, (c) => packColour(c, ALPHA.selected));
    colDimmed = Uint32Array.from(palette, (c) => packColour(c, ALPHA.dimmed));
    colBase = Uint32Array.from(palette, (c) => packColour(c, 0));
    tree = null;
    quadCounts =
      d.xSplit === null || d.ySplit === null
        ? null
        : quadrantCounts(d.x, d.y, n, d.xSplit, d.ySplit);
  }

  /** Current (zoomed) pixel positions and, when too many marks show, their bins. */
  function project() {
    if (!data) return;
    const n = data.n;
    const { k, x: tx, y: ty } = transform;
    let count = 0;
    const l = frame.left;
    const r = frame.right;
    const t = frame.top;
    const b = frame.bottom;
    for (let i = 0; i < n; i++) {
      const x = k * bx[i]! + tx;
      const y = k * by[i]! + ty;
      px[i] = x;
      py[i] = y;
      if (x === x && y === y) {
        cx[i] = Math.round(x * dpr);
        cy[i] = Math.round(y * dpr);
        if (x >= l && x <= r && y >= t && y <= b) count++;
      } else {
        cx[i] = -1e6;
        cy[i] = -1e6;
      }
    }
    visible = count;
    bins =
      visible > binThreshold
        ? binPoints(px, py, n, frame, binSize, data.colour, data.categories.length)
        : null;
    if (bins && selPerBin.length !== bins.total.length)
      selPerBin = new Uint32Array(bins.total.length);
    canvas.setAttribute(
      'aria-label',
      options.summary({
        n,
        visible,
        xLabel: data.xLabel,
        yLabel: data.yLabel,
        binned: bins !== null,
      }),
    );
    canvas.dataset.binned = String(bins !== null);
  }

  // ---- drawing ------------------------------------------------------------------------------
  function clip() {
    return {
      L: Math.ceil(frame.left * dpr),
      R: Math.floor(frame.right * dpr) - 1,
      T: Math.ceil(frame.top * dpr),
      B: Math.floor(frame.bottom * dpr) - 1,
    };
  }

  /** One pass over the marks: draws those with mask value `want` (or all when mask is null). */
  function rasterPoints(colours: Uint32Array, want: number, m: Uint8Array | null) {
    if (!data) return;
    const { L, R, T, B } = clip();
    const W = canvas.width;
    const buf = pixels;
    const colour = data.colour;
    const n = data.n;
    for (let i = 0; i < n; i++) {
      if (m !== null && m[i] !== want) continue;
      const x = cx[i]!;
      const y = cy[i]!;
      const rad = radiusOf[i]!;
      if (x + rad < L || x - rad > R || y + rad < T || y - rad > B) continue;
      const c = colours[colour[i]! + 1]!;
      const sp = spans[rad]!;
      for (let dy = -rad; dy <= rad; dy++) {
        const yy = y + dy;
        if (yy < T || yy > B) continue;
        const w = sp[dy + rad]!;
        const xa = x - w < L ? L : x - w;
        const xb = x + w > R ? R : x + w;
        const row = yy * W;
        for (let xx = xa; xx <= xb; xx++) buf[row + xx] = c;
      }
    }
  }

  function rasterBins(b: Bins, m: Uint8Array | null) {
    if (!data) return;
    const { L, R, T, B } = clip();
    const W = canvas.width;
    const buf = pixels;
    const logMax = Math.log1p(b.max);
    let logSel = 1;
    if (m) logSel = Math.log1p(selectedPerBin(b.binOf, m, data.n, selPerBin)) || 1;
    for (let r = 0; r < b.rows; r++) {
      const y0 = Math.max(T, Math.round((b.top + r * b.size) * dpr));
      const y1 = Math.min(B, Math.round((b.top + (r + 1) * b.size) * dpr) - 1);
      for (let c = 0; c < b.cols; c++) {
        const bin = r * b.cols + c;
        const total = b.total[bin]!;
        if (total === 0) continue;
        let alpha: number;
        if (!m) alpha = 0.3 + (0.7 * Math.log1p(total)) / logMax;
        else {
          const s = selPerBin[bin]!;
          alpha =
            s > 0
              ? 0.5 + (0.5 * Math.log1p(s)) / logSel
              : 0.05 + (0.15 * Math.log1p(total)) / logMax;
        }
        const colour = (colBase[b.dominant[bin]! + 1]! | alphaBits(alpha)) >>> 0;
        const x0 = Math.max(L, Math.round((b.left + c * b.size) * dpr));
        const x1 = Math.min(R, Math.round((b.left + (c + 1) * b.size) * dpr) - 1);
        for (let y = y0; y <= y1; y++) {
          const row = y * W;
          for (let x = x0; x <= x1; x++) buf[row + x] = colour;
        }
      }
    }
  }

  function draw(): number {
    const t0 = performance.now();
    if (!ctx || !image || !data) return 0;
    pixels.fill(0);
    if (bins) rasterBins(bins, mask);
    else if (!mask) rasterPoints(colNormal, 1, null);
    else {
      rasterPoints(colDimmed, 0, mask);
      rasterPoints(colSelected, 1, mask);
    }
    const { L, R, T, B } = clip();
    ctx.putImageData(image, 0, 0, L, T, R - L + 1, B - T + 1);
    return performance.now() - t0;
  }

  function drawAxesAndQuadrants() {
    if (!data) return;
    const xs = transform.rescaleX(xBase);
    const ys = transform.rescaleY(yBase);
    const [x0, x1] = xs.domain() as [number, number];
    const [y0, y1] = ys.domain() as [number, number];
    const toTicks = (scale: Scale, type: AxisScale, lo: number, hi: number) =>
      axisTicks(type, lo, hi, 6).map((v) => ({ at: scale(v), label: fmtTick(v) }));
    axesLayer.selectAll('*').remove();
    const host = axesLayer as unknown as Selection<SVGSVGElement, unknown, null, undefined>;
    drawAxes(host, frame, toTicks(xs, data.xScale, x0, x1), toTicks(ys, data.yScale, y0, y1), {
      x: data.xLabel,
      y: data.yLabel,
    });
    axesLayer
      .attr('pointer-events', 'none')
      .attr('aria-hidden', 'true')
      .select('.grid')
      .attr('opacity', 0.6);

    quadLayer.selectAll('*').remove();
    if (data.xSplit === null || data.ySplit === null) return;
    const sx = xs(data.xSplit);
    const sy = ys(data.ySplit);
    const line = (a: [number, number], b: [number, number]) =>
      quadLayer
        .append('line')
        .attr('x1', a[0])
        .attr('y1', a[1])
        .attr('x2', b[0])
        .attr('y2', b[1])
        .attr('stroke', 'currentColor')
        .attr('stroke-opacity', 0.55)
        .attr('stroke-dasharray', '5 4');
    if (sx >= frame.left && sx <= frame.right) line([sx, frame.top], [sx, frame.bottom]);
    if (sy >= frame.top && sy <= frame.bottom) line([frame.left, sy], [frame.right, sy]);
    if (!data.quadrantLabels) return;
    const counts = quadCounts ?? [0, 0, 0, 0];
    const corners = quadrantCorners(frame);
    data.quadrantLabels.forEach((label, q) => {
      const [x, y, anchor] = corners[q]!;
      quadLayer
        .append('text')
        .attr('class', `quadrant q${q}`)
        .attr('x', x)
        .attr('y', y)
        .attr('text-anchor', anchor)
        .attr('font-size', 12)
        .attr('font-weight', 600)
        .attr('fill', 'currentColor')
        .attr('paint-order', 'stroke')
        .attr('stroke', 'var(--chart-bg, #ffffff)')
        .attr('stroke-width', 3)
        .attr('stroke-linejoin', 'round')
        .text(`${label} · ${fmtCount(counts[q]!)}`);
    });
  }

  function renderLegend() {
    legend.replaceChildren();
    if (!data) return;
    const counts = categoryCounts(data.colour, data.n, data.categories.length);
    let none = 0;
    for (let i = 0; i < data.n; i++) if (data.colour[i]! < 0) none++;
    const entries = data.categories.map((c, k) => ({ code: k, label: c.label, count: counts[k]! }));
    if (none > 0) entries.push({ code: -1, label: options.noneLabel ?? '–', count: none });
    for (const e of entries) {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'value-map-legend-item';
      button.dataset.code = String(e.code);
      button.disabled = e.count === 0;
      button.setAttribute('aria-pressed', String(highlighted.has(e.code)));
      button.style.cssText =
        'display:inline-flex;align-items:center;gap:4px;border:1px solid transparent;' +
        'background:none;color:inherit;font:inherit;padding:2px 4px;cursor:pointer;border-radius:3px;';
      if (highlighted.has(e.code)) button.style.borderColor = 'currentColor';
      const swatch = document.createElement('span');
      swatch.setAttribute('aria-hidden', 'true');
      swatch.style.cssText = `display:inline-block;width:10px;height:10px;border-radius:50%;background:${palette[e.code + 1]};`;
      button.append(swatch, `${e.label} (${fmtCount(e.count)})`);
      button.addEventListener('click', () => toggleCategory(e.code));
      li.append(button);
      legend.append(li);
    }
  }

  // ---- selection ----------------------------------------------------------------------------
  function emit(m: Uint8Array | null) {
    lastEmitted = m ? m.slice() : null;
    options.onSelect?.(lastEmitted);
  }

  function report(
    cause: ValueMapFrame['cause'],
    selectMs: number,
    drawMs: number,
    selected: number | null,
  ) {
    options.onFrame?.({ cause, selectMs, drawMs, selected, binned: bins !== null });
  }

  function applyRect(s: [[number, number], [number, number]]) {
    if (!data) return;
    const t0 = performance.now();
    const count = selectRect(
      px,
      py,
      data.n,
      { x0: s[0][0], y0: s[0][1], x1: s[1][0], y1: s[1][1] },
      work,
    );
    mask = work;
    const selectMs = performance.now() - t0;
    const drawMs = draw();
    report('brush', selectMs, drawMs, count);
  }

  function clearSelection(notify: boolean) {
    const had = mask !== null;
    mask = null;
    pendingRect = null;
    if (highlighted.size > 0) {
      highlighted = new Set();
      renderLegend();
    }
    brushLayer.call(brushBehaviour.clear);
    lassoPath.attr('d', null);
    if (had) report('selection', 0, draw(), null);
    if (notify && had) emit(null);
  }

  function toggleCategory(code: number) {
    if (!data) return;
    const next = new Set(highlighted);
    if (next.has(code)) next.delete(code);
    else next.add(code);
    brushLayer.call(brushBehaviour.clear);
    highlighted = next;
    renderLegend();
    if (next.size === 0) {
      mask = null;
      report('legend', 0, draw(), null);
      emit(null);
      return;
    }
    const t0 = performance.now();
    const count = selectCategories(data.colour, data.n, next, work);
    mask = work;
    report('legend', performance.now() - t0, draw(), count);
    emit(mask);
  }

  function schedule() {
    if (!raf && !destroyed) raf = requestAnimationFrame(onFrame);
  }

  function onFrame() {
    raf = 0;
    if (pendingZoom) {
      pendingZoom = false;
      const t0 = performance.now();
      project();
      drawAxesAndQuadrants();
      const prepMs = performance.now() - t0;
      report('zoom', prepMs, draw(), null);
    }
    if (pendingRect) {
      const s = pendingRect;
      pendingRect = null;
      applyRect(s);
      emit(mask);
    }
  }

  // ---- interaction --------------------------------------------------------------------------
  const brushBehaviour: BrushBehavior<unknown> = d3brush<unknown>()
    .keyModifiers(false)
    .on('brush end', (event: D3BrushEvent<unknown>) => {
      // Programmatic moves (clearing after a zoom, a legend click) are not the analyst's.
      if (!event.sourceEvent) return;
      const s = event.selection as [[number, number], [number, number]] | null;
      if (event.type === 'end') {
        if (raf) {
          cancelAnimationFrame(raf);
          raf = 0;
        }
        if (!s) {
          if (mask !== null) clearSelection(true);
          return;
        }
        pendingRect = null;
        if (highlighted.size > 0) {
          highlighted = new Set();
          renderLegend();
        }
        applyRect(s);
        emit(mask);
        return;
      }
      if (s) {
        pendingRect = s;
        schedule();
      }
    });

  const zoomBehaviour: ZoomBehavior<SVGSVGElement, unknown> = d3zoom<SVGSVGElement, unknown>()
    .scaleExtent([1, 256])
    .filter((event: Event) => {
      // The wheel scrolls the page unless the analyst is panning or holds Ctrl/⌘ (as on maps).
      if (event.type === 'wheel') {
        const wheel = event as WheelEvent;
        return mode === 'pan' || wheel.ctrlKey || wheel.metaKey;
      }
      if (event.type === 'dblclick') return mode === 'pan';
      return mode === 'pan' && !(event as MouseEvent).button;
    })
    .on('zoom', (event: { transform: ZoomTransform }) => {
      transform = event.transform;
      if (mode === 'brush') brushLayer.call(brushBehaviour.clear);
      pendingZoom = true;
      schedule();
    });
  svg.call(zoomBehaviour);

  // Lasso: pointer path → polygon; the selection is computed once, when the pointer is released.
  let lasso: [number, number][] | null = null;
  const local = (e: PointerEvent): [number, number] => {
    const r = svgEl.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const lassoD = (pts: [number, number][]) =>
    pts.length ? `M${pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L')}Z` : null;
  lassoTarget
    .on('pointerdown', (e: PointerEvent) => {
      if (e.button !== 0) return;
      e.stopPropagation();
      (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
      lasso = [local(e)];
      lassoPath.attr('d', lassoD(lasso));
    })
    .on('pointermove', (e: PointerEvent) => {
      if (!lasso) return;
      const p = local(e);
      const last = lasso[lasso.length - 1]!;
      if (Math.hypot(p[0] - last[0], p[1] - last[1]) < 2) return;
      lasso.push(p);
      lassoPath.attr('d', lassoD(lasso));
    })
    .on('pointerup pointercancel', () => {
      if (!lasso || !data) return;
      const polygon = lasso;
      lasso = null;
      lassoPath.attr('d', null);
      if (polygon.length < 3) {
        clearSelection(true);
        return;
      }
      if (highlighted.size > 0) {
        highlighted = new Set();
        renderLegend();
      }
      const t0 = performance.now();
      const count = selectPolygon(px, py, data.n, polygon, work);
      mask = work;
      const selectMs = performance.now() - t0;
      report('lasso', selectMs, draw(), count);
      emit(mask);
    });

  // Pan mode: a click without a drag on empty space clears.
  let down: [number, number] | null = null;
  hit
    .on('pointerdown', (e: PointerEvent) => (down = [e.clientX, e.clientY]))
    .on('click', (e: MouseEvent) => {
      if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) < 3 && mask)
        clearSelection(true);
      down = null;
    });

  // Tooltip: the nearest mark within a few pixels, found in a quadtree over the unzoomed positions.
  function nearest(mx: number, my: number): number | null {
    if (!data || data.n === 0) return null;
    if (!tree) {
      const idx: number[] = [];
      for (let i = 0; i < data.n; i++) if (bx[i] === bx[i] && by[i] === by[i]) idx.push(i);
      tree = d3quadtree<number>()
        .x((i) => bx[i]!)
        .y((i) => by[i]!)
        .addAll(idx);
    }
    const found = tree.find(transform.invertX(mx), transform.invertY(my), 8 / transform.k);
    return found ?? null;
  }
  svgEl.addEventListener('pointermove', (e) => {
    if (!data || lasso || e.buttons) {
      tooltip.style.display = 'none';
      return;
    }
    const [mx, my] = local(e);
    const inside = mx >= frame.left && mx <= frame.right && my >= frame.top && my <= frame.bottom;
    const i = inside ? nearest(mx, my) : null;
    if (i === null) {
      tooltip.style.display = 'none';
      return;
    }
    tooltip.textContent = data.tooltip(i);
    tooltip.style.display = 'block';
    const left = Math.min(px[i]! + 12, frame.right - 180);
    tooltip.style.left = `${Math.max(0, left)}px`;
    tooltip.style.top = `${Math.max(0, py[i]! - 12 - tooltip.offsetHeight)}px`;
  });
  svgEl.addEventListener('pointerleave', () => (tooltip.style.display = 'none'));

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && mask !== null) {
      clearSelection(true);
      e.preventDefault();
    }
  };
  container.addEventListener('keydown', onKey);

  function applyMode(next: ValueMapMode) {
    mode = next;
    brushLayer.style('display', mode === 'brush' ? 'inline' : 'none');
    lassoTarget.style('display', mode === 'lasso' ? 'inline' : 'none');
    hit.style('cursor', mode === 'pan' ? 'grab' : 'default');
    container.dataset.mode = mode;
  }

  const resize =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => {
          const width = Math.round(plot.clientWidth);
          if (!data || width === frame.width || width === 0) return;
          full();
        });
  resize?.observe(plot);

  function full() {
    layout();
    transform = zoomIdentity;
    svg.property('__zoom', zoomIdentity);
    if (!data) return;
    const t0 = performance.now();
    prepare(data);
    project();
    drawAxesAndQuadrants();
    renderLegend();
    report('update', performance.now() - t0, draw(), null);
  }

  layout();
  applyMode('brush');

  return {
    update(next) {
      data = next;
      if (mask && mask.length !== next.n) mask = null;
      if (highlighted.size > 0) highlighted = new Set();
      full();
    },
    setSelection(next) {
      if (next === lastEmitted && next !== null) return;
      lastEmitted = null;
      if (next === null) {
        clearSelection(false);
        return;
      }
      // Before the first update the mask is kept for it; a mask for other data is ignored.
      if (data && next.length < data.n) return;
      brushLayer.call(brushBehaviour.clear);
      mask = next;
      report('selection', 0, draw(), null);
    },
    setMode(next) {
      applyMode(next);
    },
    resetZoom() {
      svg.call(zoomBehaviour.transform, zoomIdentity);
    },
    destroy() {
      destroyed = true;
      if (raf) cancelAnimationFrame(raf);
      resize?.disconnect();
      container.removeEventListener('keydown', onKey);
      svg.on('.zoom', null);
      plot.remove();
      legend.remove();
    },
    snapshot() {
      return { canvas, svg: svgEl, width: frame.width, height: frame.height };
    },
    toSvgString() {
      const copy = svgEl.cloneNode(true) as SVGSVGElement;
      copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      copy.removeAttribute('style');
      for (const sel of ['.brush', '.lasso-target', '.lasso', '.hit'])
        copy.querySelectorAll(sel).forEach((el) => el.remove());
      const img = document.createElementNS('http://www.w3.org/2000/svg', 'image');
      img.setAttribute('href', canvas.toDataURL('image/png'));
      img.setAttribute('width', String(frame.width));
      img.setAttribute('height', String(frame.height));
      copy.insertBefore(img, copy.firstChild);
      return new XMLSerializer().serializeToString(copy);
    },
  };
}
