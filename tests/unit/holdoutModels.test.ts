import { describe, expect, it } from 'vitest';
import {
  conditionalExpectationByFrequency,
  holdoutErrors,
  holdoutValidation,
  predictHoldoutPurchases,
  trackingSeries,
  type TrackingPeriod,
} from '../../src/models/holdout';
import { expectedPurchases, type PurchaseModel } from '../../src/models/clv';
import {
  createRng,
  sampleBeta,
  sampleGamma,
  simulateBgNbd,
  simulateParetoNbd,
} from '../../src/models/simulate';
import type { BgNbdParams } from '../../src/models/bgnbd';

const BG: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PARETO = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const OPTIONS = {
  customers: 30_000,
  seed: 21,
  calibrationLength: 39,
  birthWindow: 12,
  holdoutLength: 39,
  grid: 1 / 7,
};
/** Pareto/NBD with s = 2, r = α = β = 1: E[X(t)] = t / (1 + t), easy to check by hand. */
const SIMPLE: PurchaseModel = { model: 'paretonbd', params: { r: 1, alpha: 1, s: 2, beta: 1 } };

function meanAndSe(values: ArrayLike<number>): { mean: number; se: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i] as number;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

describe('conditional expectations by frequency (hand-checked)', () => {
  it('averages actual and predicted per frequency, the last bin open', () => {
    const bins = conditionalExpectationByFrequency(
      [0, 0, 1, 3, 9],
      [0, 1, 2, 3, 4],
      [0.5, 0.5, 1, 2, 5],
      3,
    );
    expect(bins).toEqual([
      { frequency: 0, open: false, customers: 2, actual: 0.5, predicted: 0.5 },
      { frequency: 1, open: false, customers: 1, actual: 2, predicted: 1 },
      { frequency: 2, open: false, customers: 0, actual: null, predicted: null },
      { frequency: 3, open: true, customers: 2, actual: 3.5, predicted: 3.5 },
    ]);
  });

  it('has bins 0 … 6 and 7+ by default, and checks its inputs', () => {
    const bins = conditionalExpectationByFrequency([], [], []);
    expect(bins.map((b) => [b.frequency, b.open])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [7, true],
    ]);
    expect(() => conditionalExpectationByFrequency([0], [1, 2], [1])).toThrow(RangeError);
    expect(() => conditionalExpectationByFrequency([0], [1], [1], 0)).toThrow(RangeError);
  });
});

describe('holdout error figures (hand-checked)', () => {
  it('gives aggregate % error, MAE, RMSE and Pearson correlation', () => {
    const e = holdoutErrors([0, 1, 2, 3], [0, 1, 2, 5]);
    expect(e.customers).toBe(4);
    expect(e.totalActual).toBe(6);
    expect(e.totalPredicted).toBe(8);
    expect(e.aggregatePercentError).toBeCloseTo(100 / 3, 12);
    expect(e.meanAbsoluteError).toBe(0.5);
    expect(e.rootMeanSquaredError).toBe(1);
    // Deviations (−1.5, −0.5, 0.5, 1.5) and (−2, −1, 0, 3): 8 / √(5 · 14).
    expect(e.correlation).toBeCloseTo(8 / Math.sqrt(70), 12);
  });

  it('reports null where a figure is undefined', () => {
    const none = holdoutErrors([0, 0, 0], [0.1, 0.2, 0.3]);
    expect(none.aggregatePercentError).toBeNull();
    expect(none.correlation).toBeNull();
    expect(holdoutErrors([1, 2], [1, 1]).correlation).toBeNull();
    const empty = holdoutErrors([], []);
    expect(empty).toMatchObject({ customers: 0, meanAbsoluteError: 0, correlation: null });
    expect(() => holdoutErrors([1], [])).toThrow(RangeError);
  });
});

describe('tracking series (hand-checked)', () => {
  // Two customers born 3 days before the split, one born the day before (T = 2, 2, 0 days).
  const births = [-3, -3, -1];
  const days = (from: number, to: number): TrackingPeriod[] =>
    Array.from({ length: to - from }, (_, i) => ({
      startOffset: from + i,
      endOffset: from + i + 1,
      actual: 1,
    }));

  it('sums E[X(age)] over customers at the end of each period', () => {
    const f = (t: number) => t / (1 + t);
    const points = trackingSeries(SIMPLE, 'days', births, days(-3, 2));
    // Cumulative through day e − 1: Σ E[X(e − 1 − b)] over births b < e − 1.
    const expected = [0, 2 * f(1), 2 * f(2), 2 * f(3) + f(1), 2 * f(4) + f(2)];
    points.forEach((p, i) => expect(p.cumulativeExpected).toBeCloseTo(expected[i] as number, 12));
    expect(points.map((p) => p.expected).reduce((s, v) => s + v, 0)).toBeCloseTo(
      expected[4] as number,
      12,
    );
    expect(points.map((p) => p.cumulativeActual)).toEqual([1, 2, 3, 4, 5]);
    expect(points.map((p) => p.holdout)).toEqual([false, false, false, true, true]);
    // At the split (end of day −1) each customer's age is their T.
    expect(points[2]?.cumulativeExpected).toBeCloseTo(2 * f(2) + f(0), 12);
  });

  it('uses the model unit: ages in weeks are days / 7', () => {
    const f = (t: number) => t / (1 + t);
    const points = trackingSeries(SIMPLE, 'weeks', births, [
      { startOffset: -7, endOffset: 0, actual: 0 },
      { startOffset: 0, endOffset: 7, actual: 2 },
      { startOffset: 7, endOffset: 10, actual: 1 },
    ]);
    const expected = [2 * f(2 / 7) + f(0), 2 * f(9 / 7) + f(7 / 7), 2 * f(12 / 7) + f(10 / 7)];
    points.forEach((p, i) => expect(p.cumulativeExpected).toBeCloseTo(expected[i] as number, 12));
    expect(points[0]?.expected).toBe(points[0]?.cumulativeExpected);
    expect(points.map((p) => p.cumulativeActual)).toEqual([0, 2, 3]);
  });

  it('rejects empty periods and fractional birth days', () => {
    expect(() =>
      trackingSeries(SIMPLE, 'days', births, [{ startOffset: 0, endOffset: 0, actual: 0 }]),
    ).toThrow(RangeError);
    expect(() => trackingSeries(SIMPLE, 'days', [-1.5], days(0, 1))).toThrow(RangeError);
  });
});

describe('holdoutValidation', () => {
  it('puts predictions, bins, errors and tracking together, births from T', () => {
    const calibration = {
      x: Float64Array.of(0, 2, 1, 8),
      tx: Float64Array.of(0, 3, 1, 10),
      T: Float64Array.of(2 / 7, 5, 20 / 7, 11),
    };
    const model: PurchaseModel = { model: 'bgnbd', params: BG };
    const periods = [
      { startOffset: -84, endOffset: -77, actual: 0 },
      { startOffset: -77, endOffset: 0, actual: 11 },
      { startOffset: 0, endOffset: 14, actual: 3 },
    ];
    const v = holdoutValidation(model, {
      unit: 'weeks',
      calibration,
      holdoutActual: [0, 1, 0, 2],
      holdoutDays: 14,
      periods,
    });
    expect(Array.from(v.predicted)).toEqual(Array.from(expectedPurchases(model, 2, calibration)));
    expect(v.bins.map((b) => b.customers)).toEqual([1, 1, 1, 0, 0, 0, 0, 1]);
    expect(v.errors.totalActual).toBe(3);
    // T in weeks → birth day −1 − 7T: −3, −36, −21, −78.
    expect(v.tracking).toEqual(trackingSeries(model, 'weeks', [-3, -36, -21, -78], periods));
    const noTracking = holdoutValidation(model, {
      unit: 'weeks',
      calibration,
      holdoutActual: [0, 1, 0, 2],
      holdoutDays: 14,
      maxFrequency: 2,
    });
    expect(noTracking.tracking).toEqual([]);
    expect(noTracking.bins.length).toBe(3);
    expect(() =>
      holdoutValidation(model, { unit: 'weeks', calibration, holdoutActual: [1], holdoutDays: 7 }),
    ).toThrow(RangeError);
  });

  it('predicts once per distinct history, the same as customer by customer', () => {
    const sim = simulateBgNbd(BG, {
      customers: 3000,
      seed: 3,
      calibrationLength: 39,
      birthWindow: 12,
      grid: 1 / 7,
    });
    const model: PurchaseModel = { model: 'bgnbd', params: BG };
    const fast = predictHoldoutPurchases(model, sim.summary, 39);
    const slow = expectedPurchases(model, 39, sim.summary);
    expect(Array.from(fast)).toEqual(Array.from(slow));
  });
});

describe('on simulated customers the predictions match the holdout', () => {
  for (const [name, model, simulate] of [
    ['BG/NBD', { model: 'bgnbd', params: BG }, () => simulateBgNbd(BG, OPTIONS)],
    [
      'Pareto/NBD',
      { model: 'paretonbd', params: PARETO },
      () => simulateParetoNbd(PARETO, OPTIONS),
    ],
  ] as const) {
    it(`${name}: each frequency bin and the total`, () => {
      const sim = simulate();
      const v = holdoutValidation(model, {
        unit: 'weeks',
        calibration: sim.summary,
        holdoutActual: sim.holdoutPurchases,
        holdoutDays: 39 * 7,
      });
      // Total: within 4 standard errors of the per-customer differences (and 3%).
      const diff = v.predicted.map((p, i) => (sim.holdoutPurchases[i] as number) - p);
      const d = meanAndSe(diff);
      expect(Math.abs(d.mean)).toBeLessThan(4 * d.se);
      expect(Math.abs(v.errors.aggregatePercentError ?? Infinity)).toBeLessThan(3);
      expect(v.errors.correlation).toBeGreaterThan(0.5);
      for (const bin of v.bins) {
        const members = [...sim.summary.x.keys()].filter((i) =>
          bin.open
            ? (sim.summary.x[i] as number) >= bin.frequency
            : sim.summary.x[i] === bin.frequency,
        );
        expect(members.length).toBe(bin.customers);
        const b = meanAndSe(members.map((i) => diff[i] as number));
        expect(Math.abs((bin.actual ?? 0) - (bin.predicted ?? 0))).toBeCloseTo(Math.abs(b.mean), 9);
        expect(Math.abs(b.mean), `${name} x = ${bin.frequency}`).toBeLessThan(4 * b.se);
      }
    });
  }

  it('BG/NBD: the cumulative tracking curve follows simulated purchases', () => {
    const sim = simulateDays(BG, 60_000, 11, false);
    const points = trackingSeries({ model: 'bgnbd', params: BG }, 'weeks', sim.births, sim.weeks);
    expect(points.length).toBe(78);
    expect(points.at(-1)?.cumulativeActual).toBe(sim.totalRepeats);
    for (const p of points.slice(8)) {
      const ratio = p.cumulativeExpected / p.cumulativeActual;
      expect(Math.abs(ratio - 1), `week ending ${p.endOffset}`).toBeLessThan(0.015);
    }
    // Weekly increments in the holdout agree in total.
    const holdout = points.filter((p) => p.holdout);
    const actual = holdout.reduce((s, p) => s + p.actual, 0);
    const expected = holdout.reduce((s, p) => s + p.expected, 0);
    expect(Math.abs(expected / actual - 1)).toBeLessThan(0.015);
  });

  it('BG/NBD: with purchases merged per day the curve stays within a few percent', () => {
    // Merging loses the fast buyers' same-day purchases, which the continuous-time model counts:
    // here the model runs about 3% above the merged counts.
    const sim = simulateDays(BG, 20_000, 11, true);
    const points = trackingSeries({ model: 'bgnbd', params: BG }, 'weeks', sim.births, sim.weeks);
    for (const p of points.slice(12)) {
      const ratio = p.cumulativeExpected / p.cumulativeActual;
      expect(ratio - 1, `week ending ${p.endOffset}`).toBeGreaterThan(0);
      expect(ratio - 1, `week ending ${p.endOffset}`).toBeLessThan(0.05);
    }
  });
});

/**
 * BG/NBD customers born on a day in the first 12 weeks; 39 weeks of calibration (the split is day
 * 273, offsets are from it) then 39 weeks of holdout. With `mergeDays`, the way the SQL sees them:
 * born at the start of their first day and purchases merged per day. Without, exactly the model
 * under the summary's day convention: born at the end of their first day (so on day e their age
 * is e − birth day), every purchase counted. Returns birth offsets and weekly repeat purchases.
 */
function simulateDays(p: BgNbdParams, customers: number, seed: number, mergeDays: boolean) {
  const rng = createRng(seed);
  const split = 273;
  const end = 2 * split;
  const births: number[] = [];
  const repeatsByWeek = new Float64Array(end / 7);
  let totalRepeats = 0;
  for (let i = 0; i < customers; i++) {
    const birth = Math.floor(rng() * 84);
    const lambda = sampleGamma(rng, p.r, p.alpha);
    const dropout = sampleBeta(rng, p.a, p.b);
    births.push(birth - split);
    let t = (mergeDays ? birth : birth + 1) / 7;
    let lastDay = birth;
    for (;;) {
      t += -Math.log(rng()) / lambda;
      const day = Math.floor(t * 7);
      if (day >= end) break;
      if (!mergeDays || day !== lastDay) {
        const week = Math.floor(day / 7);
        repeatsByWeek[week] = (repeatsByWeek[week] as number) + 1;
        totalRepeats++;
        lastDay = day;
      }
      if (rng() < dropout) break;
    }
  }
  const weeks: TrackingPeriod[] = Array.from(repeatsByWeek, (n, w) => ({
    startOffset: w * 7 - split,
    endOffset: w * 7 + 7 - split,
    actual: n,
  }));
  return { births, weeks, totalRepeats };
}
