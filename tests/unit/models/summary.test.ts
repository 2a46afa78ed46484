import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compressRfm,
  expandRows,
  summariseTransactions,
  validateRfm,
} from '../../../src/models/summary';

describe('summariseTransactions', () => {
  const tx = [
    // A: two purchases on day 0 (one purchase day), then days 7 and 21; one after the as-of day.
    { customerId: 'A', day: 0, amount: 10 },
    { customerId: 'A', day: 0, amount: 5 },
    { customerId: 'A', day: 7, amount: 20 },
    { customerId: 'A', day: 21, amount: 4 },
    { customerId: 'A', day: 21, amount: 6 },
    { customerId: 'A', day: 40, amount: 1000 },
    // B: a single purchase day.
    { customerId: 'B', day: 14, amount: 99 },
    // C: only after the as-of day, so not a customer yet.
    { customerId: 'C', day: 30, amount: 1 },
  ];

  it('merges same-day purchases and averages the repeat days only', () => {
    const { ids, summary } = summariseTransactions(tx, 28, 'weeks');
    expect(ids).toEqual(['A', 'B']);
    expect(Array.from(summary.x)).toEqual([2, 0]);
    expect(Array.from(summary.tx)).toEqual([3, 0]);
    expect(Array.from(summary.T)).toEqual([4, 2]);
    // Repeat days of A: day 7 (20) and day 21 (4 + 6): mean 15; the first day's 15 is left out.
    expect(Array.from(summary.monetary)).toEqual([15, 0]);
  });

  it('days as the unit', () => {
    const { summary } = summariseTransactions(tx, 28, 'days');
    expect(Array.from(summary.tx)).toEqual([21, 0]);
    expect(Array.from(summary.T)).toEqual([28, 14]);
  });
});

describe('compressRfm', () => {
  it('collapses identical histories into weighted rows and maps customers back', () => {
    const c = compressRfm({
      x: Float64Array.of(0, 1, 0, 1, 2),
      tx: Float64Array.of(0, 3, 0, 3, 3),
      T: Float64Array.of(5, 5, 5, 5, 5),
    });
    expect(c.x.length).toBe(3);
    expect(c.customers).toBe(5);
    expect(Array.from(c.weight)).toEqual([2, 2, 1]);
    expect(Array.from(c.rowOf)).toEqual([0, 1, 0, 1, 2]);
    expect(Array.from(expandRows(Float64Array.of(10, 11, 12), c.rowOf))).toEqual([
      10, 11, 10, 11, 12,
    ]);
  });

  it('keeps every customer and every (x, tx, T) with its total weight (property)', () => {
    const row = fc.record({
      x: fc.integer({ min: 0, max: 3 }),
      tx: fc.integer({ min: 0, max: 3 }),
      T: fc.integer({ min: 3, max: 5 }),
      w: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const c = compressRfm(
          {
            x: Float64Array.from(rows, (r) => r.x),
            tx: Float64Array.from(rows, (r) => r.tx),
            T: Float64Array.from(rows, (r) => r.T),
          },
          Float64Array.from(rows, (r) => r.w),
        );
        const expected = new Map<string, number>();
        for (const r of rows) {
          const k = `${r.x}/${r.tx}/${r.T}`;
          expected.set(k, (expected.get(k) ?? 0) + r.w);
        }
        expect(c.x.length).toBe(expected.size);
        expect(c.customers).toBe(rows.reduce((s, r) => s + r.w, 0));
        for (let i = 0; i < c.x.length; i++) {
          expect(c.weight[i]).toBe(expected.get(`${c.x[i]}/${c.tx[i]}/${c.T[i]}`));
        }
        rows.forEach((r, i) => {
          const k = c.rowOf[i] as number;
          expect([c.x[k], c.tx[k], c.T[k]]).toEqual([r.x, r.tx, r.T]);
        });
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('validateRfm', () => {
  it('accepts a valid summary and names the first problem otherwise', () => {
    const ok = { x: Float64Array.of(0, 2), tx: Float64Array.of(0, 3), T: Float64Array.of(1, 5) };
    expect(validateRfm(ok)).toBeNull();
    expect(validateRfm({ ...ok, x: Float64Array.of(0, 1.5) })).toMatch(/row 1: x = 1.5/);
    expect(validateRfm({ ...ok, tx: Float64Array.of(0, 6) })).toMatch(/row 1: need 0 ≤ tx ≤ T/);
    expect(validateRfm({ ...ok, tx: Float64Array.of(1, 3) })).toMatch(/row 0: tx must be 0/);
    expect(validateRfm({ ...ok, T: Float64Array.of(NaN, 5) })).toMatch(/not finite/);
  });
});
