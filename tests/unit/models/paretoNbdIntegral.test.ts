/**
 * The Pareto/NBD tail integral I = ∫₀^∞ (m′+u)^−pm (M′+u)^−pM du on its own: value and partial
 * derivatives against 40-digit mpmath references (scripts/reference/pareto_nbd_tail_reference.py),
 * and agreement of its methods where their regions meet.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TailExponents } from '../../../src/models/paretoNbdIntegral';

interface TailRow {
  pM: number;
  pm: number;
  big: number;
  small: number;
  logI: number;
  grad: number[];
}

const rows = (
  JSON.parse(
    readFileSync(new URL('../../fixtures/paretoNbdTailReference.json', import.meta.url), 'utf8'),
  ) as { rows: TailRow[] }
).rows;

const positive = (lo: number, hi: number) =>
  fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);

describe('Pareto/NBD tail integral', () => {
  it('log I: ≤ 1e-13 relative to mpmath, z up to 1 − 1e-9, exponents up to 351 and near integers', () => {
    expect(rows.length).toBeGreaterThan(500);
    expect(Math.min(...rows.map((r) => r.small / r.big))).toBeLessThan(1e-8);
    for (const row of rows) {
      const got = new TailExponents(row.pM, row.pm).logIntegral(row.big, row.small, null);
      expect(Math.abs(got - row.logI), JSON.stringify(row)).toBeLessThanOrEqual(
        1e-13 * Math.max(1, Math.abs(row.logI)),
      );
    }
  });

  it('∂log I/∂(pM, pm, M′, m′): ≤ 1e-9 relative to mpmath', () => {
    const g = new Float64Array(4);
    for (const row of rows) {
      new TailExponents(row.pM, row.pm).logIntegral(row.big, row.small, g);
      // Natural scales: 1 for the exponents' log-derivatives, A/M′ and 1/m′ for the rates'.
      const A = row.pM + row.pm - 1;
      const scales = [1, 1, A / row.big, 1 / row.small];
      row.grad.forEach((want, i) => {
        const tol = 1e-9 * (Math.abs(want) + (scales[i] as number));
        expect(Math.abs((g[i] as number) - want), `${i}: ${JSON.stringify(row)}`).toBeLessThan(tol);
      });
    }
  });

  it('the direct and split forms agree where they meet (ε = h) and the series matches the fraction', () => {
    const cf = new Float64Array(4);
    const ps = new Float64Array(4);
    const below = new Float64Array(4);
    const above = new Float64Array(4);
    fc.assert(
      fc.property(
        positive(1e-3, 351),
        positive(1e-3, 351),
        positive(1e-3, 1e6),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (pM, pm, big, u) => {
          fc.pre(pM + pm - 1 > 1e-3);
          const tail = new TailExponents(pM, pm);
          // Just below and above the switch: the two methods, on nearly the same point.
          const smallLo = big * tail.h * (1 - 1e-13);
          const smallHi = big * tail.h * (1 + 1e-13);
          const lo = tail.logIntegral(big, smallLo, below);
          const hi = tail.logIntegral(big, smallHi, above);
          // The points differ by 2e-13 relative in m′: compare after the first-order correction.
          const moved = (below[3] as number) * (smallHi - smallLo);
          expect(Math.abs(hi - lo - moved)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lo)));
          for (let i = 0; i < 4; i++) {
            const a = below[i] as number;
            const b = above[i] as number;
            expect(Math.abs(a - b), `component ${i}`).toBeLessThan(
              1e-10 * (Math.abs(a) + (i < 2 ? 1 : 1 / big / tail.h)),
            );
          }
          // The power series, where it claims to converge, against the continued fraction.
          const z = u * (1 - tail.h);
          if (tail.powerSeries(z, ps)) {
            tail.continuedFraction(z, cf);
            for (let i = 0; i < 4; i++) {
              expect(Math.abs((ps[i] as number) - (cf[i] as number)), `G ${i}`).toBeLessThan(
                1e-13 * (1 + Math.abs(cf[i] as number)),
              );
            }
          }
        },
      ),
      { numRuns: 500, seed: 20250613 },
    );
  });
});
