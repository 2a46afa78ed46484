/**
 * A still copy of a chart on the page for a presentation slide: SVG charts are cloned (they scale
 * through their viewBox); a canvas under an SVG overlay (the value map) becomes an image inside
 * that SVG, other canvases are copied pixel for pixel, since cloning a canvas copies only its size. HTML ids and test ids are dropped so the copy does not pass for the original.
 */
export function copyForSlide(source: Element): Element {
  const copy = source.cloneNode(true) as Element;
  // SVG ids stay: clip paths and gradients refer to them, and the original's defs are the same.
  for (const el of [copy, ...copy.querySelectorAll('[id]')]) {
    if (!(el instanceof SVGElement)) el.removeAttribute('id');
  }
  for (const el of copy.querySelectorAll('[data-testid]')) el.removeAttribute('data-testid');
  copy.removeAttribute('data-testid');
  const from = source.querySelectorAll('canvas');
  const to = copy.querySelectorAll('canvas');
  from.forEach((canvas, i) => {
    const target = to[i];
    if (!target) return;
    const overlay = target.parentElement?.querySelector(':scope > svg[viewBox]');
    if (overlay instanceof SVGSVGElement) {
      // A canvas under an SVG of axes and labels (the value map): one picture that scales whole,
      // the pixels as an image inside the SVG, so the two cannot be stretched apart on a slide.
      layerUnder(overlay, canvas);
      target.parentElement?.setAttribute('style', 'width:100%;flex:1;min-height:0;');
      target.remove();
      return;
    }
    const context = target.getContext('2d');
    if (!context) return;
    target.width = canvas.width;
    target.height = canvas.height;
    context.drawImage(canvas, 0, 0);
  });
  // A legend's entries are buttons on the page (they select): on a slide, their words stay.
  for (const entry of copy.querySelectorAll('.value-map-legend button')) {
    const span = document.createElement('span');
    span.append(...entry.childNodes);
    entry.replaceWith(span);
  }
  // Inputs and buttons of the original are not part of the picture.
  for (const control of copy.querySelectorAll('button, select, input, fieldset, form')) {
    control.remove();
  }
  return copy;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The canvas's pixels as the first child of `overlay`, filling its viewBox. */
function layerUnder(overlay: SVGSVGElement, canvas: HTMLCanvasElement): void {
  const [, , width = '0', height = '0'] = (overlay.getAttribute('viewBox') ?? '').split(/[\s,]+/);
  const image = document.createElementNS(SVG_NS, 'image');
  image.setAttribute('href', canvas.toDataURL('image/png'));
  image.setAttribute('width', width);
  image.setAttribute('height', height);
  image.setAttribute('preserveAspectRatio', 'none');
  overlay.insertBefore(image, overlay.firstChild);
  for (const attribute of ['style', 'width', 'height']) overlay.removeAttribute(attribute);
}
