/**
 * A chart on screen as a file: standalone SVG text, or a PNG. Charts style their marks with CSS
 * variables and `currentColor` that only mean something inside the page, so the computed values
 * of the properties the charts use are written onto each element of a copy. A chart can also be a
 * container holding a <canvas> with an SVG overlay (the value map): the SVG then embeds the canvas
 * as an image under the overlay, and the PNG draws the canvas, then the overlay.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** Presentation properties the charts set (by attribute, CSS or inheritance). */
const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'stop-color',
  'stop-opacity',
] as const;

/** Characters no file system accepts in a name, and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;

/** `Pareto curve` + `2024-06-30` → `Pareto-curve-2024-06-30.svg`; Chinese titles are kept. */
export function exportFileName(title: string, date: string, extension: string): string {
  const stem =
    title
      .normalize('NFKC')
      .replace(UNSAFE, ' ')
      .trim()
      .replace(/\s+/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .slice(0, 80) || 'chart';
  return date ? `${stem}-${date}.${extension}` : `${stem}.${extension}`;
}

/** The local calendar date as YYYY-MM-DD (what the analyst sees as "today"). */
export function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

interface Layer {
  element: SVGSVGElement | HTMLCanvasElement;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Plan {
  width: number;
  height: number;
  layers: Layer[];
}

function viewBoxSize(svg: SVGSVGElement): { width: number; height: number } {
  const vb = svg.viewBox.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return { width: vb.width, height: vb.height };
  const r = svg.getBoundingClientRect();
  return { width: Math.max(1, r.width), height: Math.max(1, r.height) };
}

/** What to draw and where: an SVG alone at its viewBox size, or the layers of a container. */
function plan(element: Element): Plan {
  if (element instanceof SVGSVGElement) {
    const size = viewBoxSize(element);
    return { ...size, layers: [{ element, x: 0, y: 0, ...size }] };
  }
  const box = element.getBoundingClientRect();
  const candidates = [
    ...element.querySelectorAll<SVGSVGElement | HTMLCanvasElement>('canvas, svg'),
  ];
  const layers = candidates
    // An <svg> nested in another <svg> is drawn with its parent.
    .filter((e) => !(e instanceof SVGSVGElement && e.parentElement?.closest('svg')))
    .map((e) => {
      const r = e.getBoundingClientRect();
      return {
        element: e,
        x: r.left - box.left,
        y: r.top - box.top,
        width: r.width,
        height: r.height,
      };
    })
    .filter((l) => l.width > 0 && l.height > 0);
  return { width: Math.max(1, box.width), height: Math.max(1, box.height), layers };
}

/** The page's background behind the chart (its theme), white when nothing sets one. */
export function backgroundOf(element: Element): string {
  for (let e: Element | null = element; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

/** Properties an element does not take from its parent, with their initial values. */
const NOT_INHERITED: Partial<Record<(typeof STYLE_PROPERTIES)[number], string>> = {
  opacity: '1',
  'stop-color': 'rgb(0, 0, 0)',
  'stop-opacity': '1',
};

/** Attributes that may name a page-only value (a CSS variable or currentColor). */
const PAINT_ATTRIBUTES = ['fill', 'stroke', 'stop-color', 'color'];

/**
 * A copy of the SVG with the computed styles of the properties above written on each element:
 * only where they differ from what the element would inherit, so the file stays small. Paint
 * attributes that refer to the page (var(--…), currentColor) are dropped: the style holds their
 * resolved value, and other SVG readers need not understand CSS variables.
 */
function inlined(source: SVGSVGElement): SVGSVGElement {
  const copy = source.cloneNode(true) as SVGSVGElement;
  const from = [source, ...source.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((element, i) => {
    const target = to[i];
    if (!target) return;
    const computed = getComputedStyle(element);
    const parent =
      element === source || !element.parentElement ? null : getComputedStyle(element.parentElement);
    const declarations: string[] = [];
    for (const p of STYLE_PROPERTIES) {
      const v = computed.getPropertyValue(p);
      if (v === '') continue;
      const initial = NOT_INHERITED[p];
      const redundant =
        initial !== undefined ? v === initial : parent !== null && parent.getPropertyValue(p) === v;
      if (!redundant) declarations.push(`${p}:${v}`);
    }
    for (const name of PAINT_ATTRIBUTES) {
      const value = target.getAttribute(name);
      if (value !== null && /var\(|currentColor/i.test(value)) target.removeAttribute(name);
    }
    if (declarations.length > 0) target.setAttribute('style', declarations.join(';'));
    else target.removeAttribute('style');
    // Focus hooks mean nothing in a file.
    target.removeAttribute('tabindex');
  });
  return copy;
}

function standalone(width: number, height: number, background: string, font: string) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('xmlns:xlink', XLINK_NS);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('font-family', font);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  svg.append(bg);
  return svg;
}

/** The chart as the text of a standalone SVG file. */
export function exportSvg(element: Element): string {
  const { width, height, layers } = plan(element);
  const background = backgroundOf(element);
  const font = getComputedStyle(element).fontFamily || 'sans-serif';
  if (element instanceof SVGSVGElement) {
    const copy = inlined(element);
    copy.setAttribute('xmlns', SVG_NS);
    copy.setAttribute('xmlns:xlink', XLINK_NS);
    copy.setAttribute('width', String(width));
    copy.setAttribute('height', String(height));
    if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
    copy.style.setProperty('font-family', font);
    copy.style.setProperty('background', background);
    const bg = document.createElementNS(SVG_NS, 'rect');
    bg.setAttribute('width', '100%');
    bg.setAttribute('height', '100%');
    bg.setAttribute('fill', background);
    // After <title> and <desc>, which must stay first to name the image.
    const after = [...copy.children]
      .filter((c) => c.tagName === 'title' || c.tagName === 'desc')
      .pop();
    if (after) after.after(bg);
    else copy.prepend(bg);
    return serialise(copy);
  }
  const root = standalone(width, height, background, font);
  for (const layer of layers) {
    if (layer.element instanceof HTMLCanvasElement) {
      const image = document.createElementNS(SVG_NS, 'image');
      image.setAttribute('x', String(layer.x));
      image.setAttribute('y', String(layer.y));
      image.setAttribute('width', String(layer.width));
      image.setAttribute('height', String(layer.height));
      image.setAttribute('preserveAspectRatio', 'none');
      image.setAttribute('href', layer.element.toDataURL('image/png'));
      root.append(image);
    } else {
      const copy = inlined(layer.element);
      copy.setAttribute('x', String(layer.x));
      copy.setAttribute('y', String(layer.y));
      copy.setAttribute('width', String(layer.width));
      copy.setAttribute('height', String(layer.height));
      root.append(copy);
    }
  }
  return serialise(root);
}

function serialise(svg: SVGSVGElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
}

async function svgImage(text: string): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The chart as a PNG, `scale` pixels per SVG unit (2 = sharp on high-density screens). */
export async function exportPng(element: Element, scale = 2): Promise<Blob> {
  const { width, height, layers } = plan(element);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas context');
  context.scale(scale, scale);
  context.fillStyle = backgroundOf(element);
  context.fillRect(0, 0, width, height);
  for (const layer of layers) {
    const source =
      layer.element instanceof HTMLCanvasElement
        ? layer.element
        : await svgImage(exportSvg(layer.element));
    context.drawImage(source, layer.x, layer.y, layer.width, layer.height);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))),
      'image/png',
    ),
  );
}
