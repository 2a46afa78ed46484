import { describe, expect, it } from 'vitest';
import {
  bgnbdExpectedPurchases,
  bgnbdExpectedRepeatPurchases,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfPurchases,
  fitBgNbd,
} from '../../../src/models/bgnbd';
import { expectedPurchases, probabilityAlive } from '../../../src/models/clv';
import { simulateBgNbd } from '../../../src/models/simulate';
import { compressRfm } from '../../../src/models/summary';

const P = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

function meanAndSe(v: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  const mean = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += ((v[i] as number) - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (v.length - 1) / v.length) };
}

describe('BG/NBD predictions', () => {
  it('P(X(t) = n) sums to 1 and its mean is E[X(t)]', () => {
    for (const t of [1, 39, 78]) {
      let total = 0;
      let mean = 0;
      for (let n = 0; n <= 600; n++) {
        const p = bgnbdProbabilityOfPurchases(P, t, n);
        expect(p).toBeGreaterThanOrEqual(0);
        total += p;
        mean += n * p;
      }
      expect(total).toBeCloseTo(1, 9);
      expect(mean).toBeCloseTo(bgnbdExpectedRepeatPurchases(P, t), 7);
    }
    expect(bgnbdProbabilityOfPurchases(P, 0, 0)).toBe(1);
    expect(bgnbdProbabilityOfPurchases(P, 10, -1)).toBe(0);
  });

  it('a customer just acquired expects what a new customer does', () => {
    for (const t of [0.5, 39, 100]) {
      expect(bgnbdExpectedPurchases(P, t, { x: 0, tx: 0, T: 0 })).toBeCloseTo(
        bgnbdExpectedRepeatPurchases(P, t),
        12,
      );
    }
    expect(bgnbdExpectedPurchases(P, 0, { x: 3, tx: 10, T: 20 })).toBe(0);
  });

  it('P(alive) falls with time since the last purchase and is 1 without repeat purchases', () => {
    expect(bgnbdProbabilityAlive(P, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = bgnbdProbabilityAlive(P, { x: 4, tx: 35, T: 39 });
    const lapsed = bgnbdProbabilityAlive(P, { x: 4, tx: 5, T: 39 });
    expect(recent).toBeGreaterThan(lapsed);
    expect(lapsed).toBeGreaterThan(0);
    expect(recent).toBeLessThan(1);
    // Extreme histories stay finite and in range (log-space odds).
    const extreme = bgnbdProbabilityAlive(P, { x: 500, tx: 1, T: 1000 });
    expect(extreme).toBeGreaterThanOrEqual(0);
    expect(extreme).toBeLessThan(1e-100);
  });

  it('a = 1 (a removable singularity) gives the limit of its neighbours', () => {
    const c = { x: 2, tx: 30, T: 39 };
    const at = bgnbdExpectedPurchases({ ...P, a: 1 }, 39, c);
    const lo = bgnbdExpectedPurchases({ ...P, a: 1 - 1e-5 }, 39, c);
    const hi = bgnbdExpectedPurchases({ ...P, a: 1 + 1e-5 }, 39, c);
    expect(at).toBeCloseTo((lo + hi) / 2, 6);
    expect(bgnbdExpectedRepeatPurchases({ ...P, a: 1 }, 39)).toBeCloseTo(
      (bgnbdExpectedRepeatPurchases({ ...P, a: 0.99999 }, 39) +
        bgnbdExpectedRepeatPurchases({ ...P, a: 1.00001 }, 39)) /
        2,
      6,
    );
  });

  it('E[X(t)] equals the mean repeat purchases of simulated new customers', () => {
    for (const t of [10, 39]) {
      const sim = simulateBgNbd(P, {
        customers: 40_000,
        seed: 3,
        calibrationLength: t,
        birthWindow: 0,
      });
      const { mean, se } = meanAndSe(sim.summary.x);
      expect(Math.abs(mean - bgnbdExpectedRepeatPurchases(P, t))).toBeLessThan(4 * se);
    }
  });

  it('conditional expectations and P(alive) match simulated holdout purchases', () => {
    const sim = simulateBgNbd(P, {
      customers: 40_000,
      seed: 5,
      calibrationLength: 39,
      birthWindow: 12,
      holdoutLength: 39,
    });
    const predicted = expectedPurchases({ model: 'bgnbd', params: P }, 39, sim.summary);
    const diff = predicted.map((p, i) => (sim.holdoutPurchases[i] as number) - p);
    const d = meanAndSe(diff);
    expect(Math.abs(d.mean)).toBeLessThan(4 * d.se);
    // Among customers with 3+ repeat purchases too (the model's conditioning matters there).
    const idx = [...sim.summary.x.keys()].filter((i) => (sim.summary.x[i] as number) >= 3);
    const d3 = meanAndSe(idx.map((i) => diff[i] as number));
    expect(Math.abs(d3.mean)).toBeLessThan(4 * d3.se);
    const alive = probabilityAlive({ model: 'bgnbd', params: P }, sim.summary);
    const a = meanAndSe(alive.map((p, i) => (sim.alive[i] as number) - p));
    expect(Math.abs(a.mean)).toBeLessThan(4 * a.se);
  });
});

describe('BG/NBD fitting on degenerate data', () => {
  it('reports no convergence when nobody made a repeat purchase', () => {
    const data = compressRfm({
      x: new Float64Array(50),
      tx: new Float64Array(50),
      T: Float64Array.from({ length: 50 }, (_, i) => 1 + (i % 30)),
    });
    const fit = fitBgNbd(data);
    expect(fit.converged).toBe(false);
    expect(fit.message).toMatch(/not identified/);
  });

  it('rejects an invalid summary and an empty one', () => {
    const bad = compressRfm({
      x: Float64Array.of(1),
      tx: Float64Array.of(5),
      T: Float64Array.of(3),
    });
    expect(() => fitBgNbd(bad)).toThrow(/tx ≤ T/);
    const empty = compressRfm({
      x: new Float64Array(0),
      tx: new Float64Array(0),
      T: new Float64Array(0),
    });
    expect(() => fitBgNbd(empty)).toThrow(RangeError);
  });
});
