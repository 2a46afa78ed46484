import { describe, expect, it } from 'vitest';
import {
  customerLifetimeValue,
  expectedPurchases,
  expectedRepeatPurchases,
  heuristicClv,
  modelChoice,
  periodsPerMonth,
  probabilityAlive,
  type ComparableFit,
  type PurchaseModel,
} from '../../../src/models/clv';
import { bgnbdExpectedPurchases, bgnbdExpectedRepeatPurchases } from '../../../src/models/bgnbd';
import {
  paretoNbdExpectedRepeatPurchases,
  paretoNbdProbabilityAlive,
} from '../../../src/models/paretoNbd';

const bgParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const paretoParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const bg: PurchaseModel = { model: 'bgnbd', params: bgParams };
const pareto: PurchaseModel = { model: 'paretonbd', params: paretoParams };
const customers = {
  x: Float64Array.of(0, 2, 7, 1),
  tx: Float64Array.of(0, 30.43, 35, 2),
  T: Float64Array.of(38.86, 38.86, 36, 30),
};
const spend = Float64Array.of(35, 22.35, 50, 10);

describe('customerLifetimeValue', () => {
  it('sums discounted monthly increments of expected purchases (lifetimes’ definition)', () => {
    const clv = customerLifetimeValue(bg, customers, spend, {
      unit: 'weeks',
      months: 12,
      monthlyDiscountRate: 0.01,
      margin: 0.25,
      periodsPerMonth: 4.345, // lifetimes' weeks per month
    });
    for (let i = 0; i < 4; i++) {
      const c = {
        x: customers.x[i] as number,
        tx: customers.tx[i] as number,
        T: customers.T[i] as number,
      };
      let want = 0;
      for (let k = 1; k <= 12; k++) {
        const step =
          bgnbdExpectedPurchases(bgParams, 4.345 * k, c) -
          bgnbdExpectedPurchases(bgParams, 4.345 * (k - 1), c);
        want += (step * (spend[i] as number) * 0.25) / 1.01 ** k;
      }
      expect(clv[i]).toBeCloseTo(want, 10);
    }
  });

  it('discounting lowers it, a longer horizon raises it, and days give the same as weeks', () => {
    const opts = { unit: 'weeks' as const };
    const base = customerLifetimeValue(pareto, customers, spend, opts);
    const undiscounted = customerLifetimeValue(pareto, customers, spend, {
      ...opts,
      monthlyDiscountRate: 0,
    });
    const longer = customerLifetimeValue(pareto, customers, spend, { ...opts, months: 24 });
    const inDays = customerLifetimeValue(
      {
        model: 'paretonbd',
        params: { ...pareto.params, alpha: 7 * 10.578, beta: 7 * 11.669 },
      } as PurchaseModel,
      { x: customers.x, tx: customers.tx.map((v) => 7 * v), T: customers.T.map((v) => 7 * v) },
      spend,
      { unit: 'days' },
    );
    for (let i = 0; i < 4; i++) {
      expect(base[i] as number).toBeGreaterThan(0);
      expect(undiscounted[i] as number).toBeGreaterThan(base[i] as number);
      expect(longer[i] as number).toBeGreaterThan(base[i] as number);
      expect(inDays[i]).toBeCloseTo(base[i] as number, 8);
    }
    expect(periodsPerMonth('weeks')).toBeCloseTo(4.348, 3);
    expect(periodsPerMonth('days')).toBe(30.4375);
    expect(() => customerLifetimeValue(bg, customers, Float64Array.of(1), opts)).toThrow(
      RangeError,
    );
  });

  it('dispatches predictions to the chosen model', () => {
    expect(expectedRepeatPurchases(bg, 39)).toBe(bgnbdExpectedRepeatPurchases(bgParams, 39));
    expect(expectedRepeatPurchases(pareto, 39)).toBe(
      paretoNbdExpectedRepeatPurchases(paretoParams, 39),
    );
    const alive = probabilityAlive(pareto, customers);
    expect(alive[1]).toBe(paretoNbdProbabilityAlive(paretoParams, { x: 2, tx: 30.43, T: 38.86 }));
    expect(probabilityAlive(bg, customers)[0]).toBe(1);
    expect(expectedPurchases(bg, 39, customers)[1]).toBeCloseTo(1.226, 3);
  });
});

describe('heuristicClv', () => {
  it('is order value × purchase rate × margin over the lifetime, labelled as a heuristic', () => {
    const s = {
      ...customers,
      monetary: Float64Array.of(0, 20, 40, 10),
      T: Float64Array.of(2, 39, 26, 1),
    };
    const h = heuristicClv(s, { unit: 'weeks', monthlyDiscountRate: 0, margin: 0.5, months: 12 });
    const step = periodsPerMonth('weeks');
    expect(h.method).toBe('heuristic');
    expect(h.label).toMatch(/^Heuristic CLV/);
    expect(h.fallbackOrderValue).toBeCloseTo((20 + 40 + 10) / 3, 12);
    // Customer 0: no repeat purchase, tenure counted as one month: 1 purchase a month at the mean.
    expect(h.values[0]).toBeCloseTo((70 / 3) * (1 / step) * step * 0.5 * 12, 10);
    expect(h.values[1]).toBeCloseTo(20 * (3 / 39) * step * 0.5 * 12, 10);
    expect(h.values[2]).toBeCloseTo(40 * (8 / 26) * step * 0.5 * 12, 10);
    // With discounting and a 6-month lifetime: Σₖ₌₁⁶ 1.01⁻ᵏ months of value.
    const d = heuristicClv(s, { unit: 'weeks', margin: 0.5, lifetimeMonths: 6 });
    let annuity = 0;
    for (let k = 1; k <= 6; k++) annuity += 1.01 ** -k;
    expect(d.values[1]).toBeCloseTo(20 * (3 / 39) * step * 0.5 * annuity, 10);
  });
});

describe('modelChoice', () => {
  const fit = (
    model: 'bgnbd' | 'paretonbd',
    logLikelihood: number,
    converged = true,
  ): ComparableFit =>
    model === 'bgnbd'
      ? { model, logLikelihood, converged, n: 2357, params: bgParams }
      : { model, logLikelihood, converged, n: 2357, params: paretoParams };

  it('picks the lower BIC and reports AIC and BIC with n = customers', () => {
    const c = modelChoice([fit('bgnbd', -9582.4), fit('paretonbd', -9595.0)]);
    expect(c.chosen).toBe('bgnbd');
    expect(c.criterion).toBe('bic');
    expect(c.scores[0]?.aic).toBeCloseTo(8 + 2 * 9582.4, 9);
    expect(c.scores[1]?.bic).toBeCloseTo(4 * Math.log(2357) + 2 * 9595.0, 9);
    expect(modelChoice([fit('bgnbd', -9600), fit('paretonbd', -9595.0)], 'aic').chosen).toBe(
      'paretonbd',
    );
    expect(
      modelChoice([fit('bgnbd', -9600), fit('paretonbd', -9595.0)], 'logLikelihood').chosen,
    ).toBe('paretonbd');
  });

  it('ignores fits that did not converge, and chooses nothing when none did', () => {
    expect(modelChoice([fit('bgnbd', -9000, false), fit('paretonbd', -9595.0)]).chosen).toBe(
      'paretonbd',
    );
    expect(modelChoice([fit('bgnbd', -9000, false), fit('paretonbd', NaN)]).chosen).toBeNull();
  });
});
