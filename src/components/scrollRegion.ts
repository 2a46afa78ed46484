/**
 * A Svelte action for a scrolling box (wide tables): keyboard users must be able to focus it to
 * scroll it, and a screen reader names it after its section's heading. While columns lie beyond an
 * edge, `data-more-right` / `data-more-left` are set, so the edge fades (app.css) and nobody takes
 * a table cut by its box for the whole table.
 */
export function scrollRegion(node: HTMLElement): { destroy(): void } {
  node.tabIndex = 0;
  const heading = node.closest('section')?.querySelector('h2, h3');
  if (heading?.id) {
    node.setAttribute('role', 'region');
    node.setAttribute('aria-labelledby', heading.id);
  }
  const update = () => {
    const hidden = node.scrollWidth - node.clientWidth;
    node.toggleAttribute('data-more-right', hidden > 1 && node.scrollLeft < hidden - 1);
    node.toggleAttribute('data-more-left', hidden > 1 && node.scrollLeft > 1);
  };
  node.addEventListener('scroll', update, { passive: true });
  const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
  resize?.observe(node);
  if (node.firstElementChild) resize?.observe(node.firstElementChild);
  update();
  return {
    destroy() {
      resize?.disconnect();
      node.removeEventListener('scroll', update);
    },
  };
}
