/**
 * Customer summaries (x, tₓ, T in weeks) shaped like the real exports that broke the CLV models,
 * for the model benchmark: the same shapes as the files of scripts/fixtures/shapes.mjs, but as the
 * models see them. Every shape is drawn by the app's own simulator (src/models/simulate.ts) on the
 * whole-day grid (grid 1/7: purchases on one day merge, tₓ and T are multiples of 1/7), so the
 * summaries look like what the app computes from a file. Seeded: the same (name, customers, seed)
 * always gives the same arrays.
 */
import {
  createRng,
  simulateParetoNbd,
  type ParetoNbdParams,
  type RfmColumns,
  type SimulationOptions,
} from '../../src/models';

export const SHAPE_NAMES = [
  'cdnow-like',
  'wholesale-1y',
  'no-churn',
  'churned-early',
  'one-time',
] as const;
export type ShapeName = (typeof SHAPE_NAMES)[number];

export type ShapeSummary = RfmColumns;

/** One group of customers: its share of the customers, Pareto/NBD parameters and timing. */
interface Segment {
  share: number;
  params: ParetoNbdParams;
  /** Weeks over which first purchases are spread, from the start. */
  birthWindow: number;
}

export interface ShapeDefinition {
  description: string;
  /** Weeks from the start to the end of the data (the as-of date). */
  calibrationWeeks: number;
  segments: readonly Segment[];
}

/** Whole days, in weeks: the app's summary is per day and its default unit is the week. */
export const DAY = 1 / 7;

// μ ~ Gamma(1, 1e9): a mean lifetime of a billion weeks, i.e. nobody ever leaves.
const NO_DROPOUT = { s: 1, beta: 1e9 };

export const SHAPES: Record<ShapeName, ShapeDefinition> = {
  'cdnow-like': {
    description:
      "CDNOW's published Pareto/NBD estimates: 39-week calibration, first purchases in the first 12 weeks",
    calibrationWeeks: 39,
    segments: [
      { share: 1, params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, birthWindow: 12 },
    ],
  },
  'wholesale-1y': {
    description:
      'one year of a gift wholesaler: 96.5% light buyers (mean 2.6 purchases a year, CDNOW-like ' +
      'dropout, first purchases all year) and 3.5% trade customers from the first weeks buying ' +
      '~2.7 times a week and never leaving (50–200 distinct purchase days)',
    calibrationWeeks: 52,
    segments: [
      {
        share: 0.965,
        params: { r: 0.7, alpha: 14, s: 0.6, beta: 12 },
        birthWindow: 52,
      },
      {
        share: 0.035,
        // λ ~ Gamma(12, 4.5): 2.7 ± 0.8 a week, so 50–200 distinct days over 48–52 weeks.
        params: { r: 12, alpha: 4.5, ...NO_DROPOUT },
        birthWindow: 4,
      },
    ],
  },
  'no-churn': {
    description:
      'two years, first purchases throughout, everybody buying at their own Poisson rate (mean ' +
      'four a year) until the end: dropout rate ≈ 0',
    calibrationWeeks: 104,
    segments: [{ share: 1, params: { r: 1.2, alpha: 15.6, ...NO_DROPOUT }, birthWindow: 104 }],
  },
  'churned-early': {
    description:
      'two years, first purchases in the first 12 weeks, a purchase every two weeks or so and ' +
      'lifetimes of ~6 weeks (μ ~ Gamma(50, 320)): everybody gone long before the end',
    calibrationWeeks: 104,
    segments: [{ share: 1, params: { r: 2, alpha: 4, s: 50, beta: 320 }, birthWindow: 12 }],
  },
  'one-time': {
    description: 'one year, first purchases throughout, nobody buys again: x = 0 for all',
    // λ ~ Gamma(1, 1e12): one purchase in ten billion years.
    calibrationWeeks: 52,
    segments: [{ share: 1, params: { r: 1, alpha: 1e12, ...NO_DROPOUT }, birthWindow: 52 }],
  },
};

/** Whole customers per segment: rounded shares, the remainder to the first segment. */
function segmentSizes(segments: readonly Segment[], customers: number): number[] {
  const sizes = segments.map((s) => Math.round(s.share * customers));
  sizes[0] = (sizes[0] as number) + customers - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

/**
 * `customers` summaries of the named shape: x (repeat purchase days), tₓ and T in weeks on the
 * whole-day grid. Segments are simulated one after the other (each from its own seed, drawn from
 * `seed`) and their customers concatenated in order.
 */
export function shapeSummary(name: ShapeName, customers: number, seed: number): ShapeSummary {
  const shape = SHAPES[name];
  if (!shape) throw new Error(`Unknown shape "${name}"`);
  if (!Number.isInteger(customers) || customers < 1) {
    throw new Error(`customers must be a positive integer, not ${customers}`);
  }
  const seeds = createRng(seed);
  const out: ShapeSummary = {
    x: new Float64Array(customers),
    tx: new Float64Array(customers),
    T: new Float64Array(customers),
  };
  let offset = 0;
  segmentSizes(shape.segments, customers).forEach((size, k) => {
    const segment = shape.segments[k] as Segment;
    const segmentSeed = Math.floor(seeds() * 2 ** 32);
    if (size === 0) return;
    const options: SimulationOptions = {
      customers: size,
      seed: segmentSeed,
      calibrationLength: shape.calibrationWeeks,
      birthWindow: segment.birthWindow,
      grid: DAY,
    };
    const { summary } = simulateParetoNbd(segment.params, options);
    out.x.set(summary.x, offset);
    out.tx.set(summary.tx, offset);
    out.T.set(summary.T, offset);
    offset += size;
  });
  return out;
}
