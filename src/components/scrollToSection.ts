/** Bring a section of the page into view by its heading's id (smoothly, as after a click). */
export function scrollToSection(headingId: 'customers-title' | 'explore-title'): void {
  document.getElementById(headingId)?.scrollIntoView({ behavior: 'smooth' });
}
