/**
 * A still copy of a chart on the page for a presentation slide: SVG charts are cloned (they scale
 * through their viewBox); canvas layers (the value map) are copied pixel for pixel, since cloning
 * a canvas copies only its size. HTML ids and test ids are dropped so the copy does not pass for the original.
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
    const context = target?.getContext('2d');
    if (!target || !context) return;
    target.width = canvas.width;
    target.height = canvas.height;
    context.drawImage(canvas, 0, 0);
  });
  // Inputs and buttons of the original are not part of the picture.
  for (const control of copy.querySelectorAll('button, select, input, fieldset, form')) {
    control.remove();
  }
  return copy;
}
