/**
 * The categorical colours every chart shares (palettes.ts re-exports them), in a module of their
 * own without d3: the first screen's value map (valueMapPreview.ts) colours its marks with them.
 */

/** Okabe & Ito (2008), black moved last so that it is used only when the others are taken. */
export const CATEGORICAL = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#F0E442',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#999999',
  '#000000',
] as const;

/** Colour of the i-th category; beyond nine categories colours repeat (labels tell them apart). */
export function categoricalColour(index: number): string {
  return CATEGORICAL[((index % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length]!;
}
