/**
 * Colours every chart shares. Categorical colours are Okabe–Ito (distinguishable with the common
 * colour-vision deficiencies); sequential scales are cividis/viridis, readable in grey as well.
 * No chart pairs red with green for good/bad, and none carries meaning by colour alone: marks are
 * also labelled, ordered or patterned.
 */
import { interpolateCividis, interpolateViridis } from 'd3-scale-chromatic';

export { CATEGORICAL, categoricalColour } from './categorical';

/** Sequential colour for t in [0, 1] (low → high). */
export const sequential = (t: number): string => interpolateCividis(Math.min(1, Math.max(0, t)));

/** A second sequential ramp for charts that show two measures side by side. */
export const sequentialAlt = (t: number): string => interpolateViridis(Math.min(1, Math.max(0, t)));
