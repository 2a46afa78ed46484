/**
 * Colours every chart shares. Categorical colours are Okabe–Ito (distinguishable with the common
 * colour-vision deficiencies); sequential scales are cividis/viridis, readable in grey as well.
 * No chart pairs red with green for good/bad, and none carries meaning by colour alone: marks are
 * also labelled, ordered or patterned.
 */
import { interpolateCividis, interpolateViridis } from 'd3-scale-chromatic';

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

/** Sequential colour for t in [0, 1] (low → high). */
export const sequential = (t: number): string => interpolateCividis(Math.min(1, Math.max(0, t)));

/** A second sequential ramp for charts that show two measures side by side. */
export const sequentialAlt = (t: number): string => interpolateViridis(Math.min(1, Math.max(0, t)));
