/**
 * A Svelte action for a scrolling box (wide tables): keyboard users must be able to focus it to
 * scroll it, and a screen reader names it after its section's heading.
 */
export function scrollRegion(node: HTMLElement): void {
  node.tabIndex = 0;
  const heading = node.closest('section')?.querySelector('h2, h3');
  if (!heading?.id) return;
  node.setAttribute('role', 'region');
  node.setAttribute('aria-labelledby', heading.id);
}
