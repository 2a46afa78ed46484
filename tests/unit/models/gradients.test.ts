import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressRfm, type CompressedRfm } from '../../../src/models/summary';
import { bgnbdLogLikelihoodArray } from '../../../src/models/bgnbd';
import { paretoNbdLogLikelihoodArray } from '../../../src/models/paretoNbd';
import { gammaGammaLogLikelihoodArray } from '../../../src/models/gammaGamma';
import { numericGradient } from './numeric';

/** A positive parameter, log-uniform on [lo, hi]. */
const positive = (lo: number, hi: number) =>
  fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((v) => Math.exp(v));

/** One customer history with 0 ≤ tₓ ≤ T, tₓ = 0 when x = 0 (times on a 0.01 grid). */
const customer = fc
  .record({
    x: fc.integer({ min: 0, max: 40 }),
    T: fc.integer({ min: 0, max: 10_000 }),
    share: fc.integer({ min: 1, max: 100 }),
    weight: fc.integer({ min: 1, max: 50 }),
  })
  .map(({ x, T, share, weight }) => {
    const tx = x === 0 ? 0 : Math.max(1, Math.round((T * share) / 100));
    return { x, tx: tx / 100, T: Math.max(T, tx) / 100, weight };
  });

const dataset = fc.array(customer, { minLength: 1, maxLength: 6 }).map((rows): CompressedRfm =>
  compressRfm(
    {
      x: Float64Array.from(rows, (r) => r.x),
      tx: Float64Array.from(rows, (r) => r.tx),
      T: Float64Array.from(rows, (r) => r.T),
    },
    Float64Array.from(rows, (r) => r.weight),
  ),
);

function expectGradientsClose(analytic: ArrayLike<number>, numeric: number[], tol: number) {
  numeric.forEach((n, i) => {
    const a = analytic[i] as number;
    expect(Number.isFinite(a)).toBe(true);
    expect(Math.abs(a - n), `component ${i}: analytic ${a}, numeric ${n}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(n)),
    );
  });
}

describe('analytic gradients equal central finite differences', () => {
  it('BG/NBD', () => {
    fc.assert(
      fc.property(
        positive(0.05, 5),
        positive(0.1, 100),
        positive(0.05, 10),
        positive(0.05, 20),
        dataset,
        (r, alpha, a, b, data) => {
          const p = [r, alpha, a, b];
          const g = new Float64Array(4);
          const ll = bgnbdLogLikelihoodArray(p, data, g);
          expect(Number.isFinite(ll)).toBe(true);
          expectGradientsClose(
            g,
            numericGradient((v) => bgnbdLogLikelihoodArray(v, data), p),
            1e-6,
          );
        },
      ),
      { numRuns: 300, seed: 20250401 },
    );
  });

  it('Pareto/NBD', () => {
    fc.assert(
      fc.property(
        positive(0.05, 5),
        positive(0.1, 100),
        positive(0.05, 5),
        positive(0.1, 100),
        dataset,
        (r, alpha, s, beta, data) => {
          const p = [r, alpha, s, beta];
          const g = new Float64Array(4);
          const ll = paretoNbdLogLikelihoodArray(p, data, g);
          expect(Number.isFinite(ll)).toBe(true);
          expectGradientsClose(
            g,
            numericGradient((v) => paretoNbdLogLikelihoodArray(v, data), p),
            1e-6,
          );
        },
      ),
      { numRuns: 300, seed: 20250402 },
    );
  });

  it('Pareto/NBD at the edges: s → 0, β or α → 1e6, the other → 1e-3, long histories', () => {
    // z = |α−β|/(max(α,β)+t) up to 1 − 1e-9 and x up to 300: every method of the tail integral
    // (series, continued fraction, split form) and the switches between them.
    const long = fc
      .record({
        x: fc.integer({ min: 0, max: 300 }),
        T: fc.integer({ min: 0, max: 100_000 }),
        share: fc.integer({ min: 0, max: 100 }),
        weight: fc.integer({ min: 1, max: 50 }),
      })
      .map(({ x, T, share, weight }) => {
        const tx = x === 0 ? 0 : Math.round((T * share) / 100);
        return { x, tx: tx / 100, T: T / 100, weight };
      });
    const data = fc.array(long, { minLength: 1, maxLength: 6 }).map((rows) =>
      compressRfm(
        {
          x: Float64Array.from(rows, (r) => r.x),
          tx: Float64Array.from(rows, (r) => r.tx),
          T: Float64Array.from(rows, (r) => r.T),
        },
        Float64Array.from(rows, (r) => r.weight),
      ),
    );
    const rate = fc.oneof(positive(1e-3, 1e6), fc.constantFrom(1e-3, 1e5, 1e6));
    fc.assert(
      fc.property(
        fc.oneof(positive(1e-3, 50), fc.constantFrom(1, 0.999999, 2)),
        rate,
        fc.oneof(positive(1e-4, 50), fc.constantFrom(1e-4, 1, 1.000001)),
        rate,
        data,
        (r, alpha, s, beta, d) => {
          const p = [r, alpha, s, beta];
          const g = new Float64Array(4);
          const ll = paretoNbdLogLikelihoodArray(p, d, g);
          expect(Number.isFinite(ll)).toBe(true);
          // Central differences lose ~|ll|·1e-13/h: scale the tolerance with the likelihood.
          const numeric = numericGradient((v) => paretoNbdLogLikelihoodArray(v, d), p);
          numeric.forEach((n, i) => {
            const a = g[i] as number;
            const theta = p[i] as number;
            const tol = 1e-6 * (Math.abs(n) + (1 + Math.abs(ll)) / theta);
            expect(Math.abs(a - n), `component ${i}: analytic ${a}, numeric ${n}`).toBeLessThan(
              tol,
            );
          });
        },
      ),
      { numRuns: 400, seed: 20250612 },
    );
  });

  it('Pareto/NBD at α = β exactly (where the larger rate changes sides)', () => {
    const data = compressRfm({
      x: Float64Array.of(0, 3, 12),
      tx: Float64Array.of(0, 20, 5),
      T: Float64Array.of(30, 38, 39),
    });
    const p = [0.6, 10, 0.7, 10];
    const g = new Float64Array(4);
    paretoNbdLogLikelihoodArray(p, data, g);
    expectGradientsClose(
      g,
      numericGradient((v) => paretoNbdLogLikelihoodArray(v, data), p),
      1e-6,
    );
  });

  it('Gamma-Gamma', () => {
    const spends = fc.array(
      fc.record({
        x: fc.integer({ min: 1, max: 50 }),
        m: fc.double({ min: 0.5, max: 2000, noNaN: true }),
        w: fc.integer({ min: 1, max: 20 }),
      }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(
        positive(0.1, 50),
        positive(0.5, 50),
        positive(0.1, 500),
        spends,
        (p, q, gamma, rows) => {
          const data = {
            x: Float64Array.from(rows, (r) => r.x),
            monetary: Float64Array.from(rows, (r) => r.m),
            weight: Float64Array.from(rows, (r) => r.w),
          };
          const g = new Float64Array(3);
          gammaGammaLogLikelihoodArray([p, q, gamma], data, g);
          expectGradientsClose(
            g,
            numericGradient((v) => gammaGammaLogLikelihoodArray(v, data), [p, q, gamma]),
            1e-6,
          );
        },
      ),
      { numRuns: 300, seed: 20250403 },
    );
  });
});
