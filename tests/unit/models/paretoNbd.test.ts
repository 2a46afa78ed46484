import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  fitParetoNbd,
  logTailIntegral,
  paretoNbdExpectedPurchases,
  paretoNbdExpectedRepeatPurchases,
  paretoNbdProbabilityAlive,
} from '../../../src/models/paretoNbd';
import { expectedPurchases, probabilityAlive } from '../../../src/models/clv';
import { simulateParetoNbd } from '../../../src/models/simulate';
import { compressRfm } from '../../../src/models/summary';
import { integrateToInfinity } from './numeric';

const P = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

function meanAndSe(v: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  const mean = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += ((v[i] as number) - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (v.length - 1) / v.length) };
}

/**
 * Posterior expectations by brute force: trapezoid rule over log λ and log μ (exponentially
 * accurate for these smooth integrands), with the individual-level likelihood
 * L(λ, μ) = λˣ e^−(λ+μ)T + λˣ μ/(λ+μ) (e^−(λ+μ)tₓ − e^−(λ+μ)T).
 */
function posterior(c: { x: number; tx: number; T: number }, t: number) {
  const { r, alpha, s, beta } = P;
  const h = 0.04;
  let evidence = 0;
  let alive = 0;
  let future = 0;
  for (let u = -40; u <= 4; u += h) {
    const lambda = Math.exp(u);
    const wl = Math.exp(r * u - alpha * lambda + c.x * u);
    for (let v = -40; v <= 4; v += h) {
      const mu = Math.exp(v);
      const w = wl * Math.exp(s * v - beta * mu);
      const k = lambda + mu;
      const stay = Math.exp(-k * c.T);
      const dead = (mu / k) * -Math.expm1(-k * (c.T - c.tx)) * Math.exp(-k * c.tx);
      evidence += w * (stay + dead);
      alive += w * stay;
      future += w * stay * (lambda / mu) * -Math.expm1(-mu * t);
    }
  }
  return { alive: alive / evidence, expected: future / evidence };
}

describe('Pareto/NBD', () => {
  it('logTailIntegral: ∫ₜ^∞ (α+τ)^−p (β+τ)^−q dτ equals quadrature (both α ≥ β and α < β)', () => {
    const pos = (lo: number, hi: number) =>
      fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);
    fc.assert(
      fc.property(
        pos(0.1, 60), // p + q > 1.15: slower tails than that outrun the quadrature's range
        pos(1.05, 6),
        pos(0.05, 100),
        pos(0.05, 100),
        fc.double({ min: 0, max: 80, noNaN: true }),
        (p, q, alpha, beta, t) => {
          const want = Math.log(
            integrateToInfinity((tau) => Math.pow(alpha + tau, -p) * Math.pow(beta + tau, -q), t),
          );
          const got = logTailIntegral(p, q, alpha, beta, t);
          expect(Math.abs(got - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
        },
      ),
      { numRuns: 300, seed: 99 },
    );
  });

  it('P(alive) and E[Y(39)] equal brute-force posterior integrals', () => {
    for (const c of [
      { x: 2, tx: 30.43, T: 38.86 },
      { x: 0, tx: 0, T: 38.86 },
      { x: 7, tx: 10, T: 35 },
      { x: 15, tx: 38, T: 38.5 },
    ]) {
      const brute = posterior(c, 39);
      expect(paretoNbdProbabilityAlive(P, c)).toBeCloseTo(brute.alive, 7);
      expect(paretoNbdExpectedPurchases(P, 39, c)).toBeCloseTo(brute.expected, 6);
    }
  });

  it('a customer just acquired expects what a new customer does; s = 1 is continuous', () => {
    for (const t of [1, 39, 200]) {
      expect(paretoNbdExpectedPurchases(P, t, { x: 0, tx: 0, T: 0 })).toBeCloseTo(
        paretoNbdExpectedRepeatPurchases(P, t),
        10,
      );
      const at = paretoNbdExpectedRepeatPurchases({ ...P, s: 1 }, t);
      const around =
        (paretoNbdExpectedRepeatPurchases({ ...P, s: 1 - 1e-6 }, t) +
          paretoNbdExpectedRepeatPurchases({ ...P, s: 1 + 1e-6 }, t)) /
        2;
      expect(at).toBeCloseTo(around, 8);
    }
  });

  it('E[X(t)] equals the mean repeat purchases of simulated new customers', () => {
    for (const t of [10, 39]) {
      const sim = simulateParetoNbd(P, {
        customers: 40_000,
        seed: 4,
        calibrationLength: t,
        birthWindow: 0,
      });
      const { mean, se } = meanAndSe(sim.summary.x);
      expect(Math.abs(mean - paretoNbdExpectedRepeatPurchases(P, t))).toBeLessThan(4 * se);
    }
  });

  it('conditional expectations and P(alive) match simulated holdout purchases', () => {
    const sim = simulateParetoNbd(P, {
      customers: 40_000,
      seed: 6,
      calibrationLength: 39,
      birthWindow: 12,
      holdoutLength: 39,
    });
    const predicted = expectedPurchases({ model: 'paretonbd', params: P }, 39, sim.summary);
    const d = meanAndSe(predicted.map((p, i) => (sim.holdoutPurchases[i] as number) - p));
    expect(Math.abs(d.mean)).toBeLessThan(4 * d.se);
    const alive = probabilityAlive({ model: 'paretonbd', params: P }, sim.summary);
    const a = meanAndSe(alive.map((p, i) => (sim.alive[i] as number) - p));
    expect(Math.abs(a.mean)).toBeLessThan(4 * a.se);
  });
});

describe('Pareto/NBD fitting on degenerate data', () => {
  it('reports no convergence when nobody made a repeat purchase', () => {
    const data = compressRfm({
      x: new Float64Array(50),
      tx: new Float64Array(50),
      T: Float64Array.from({ length: 50 }, (_, i) => 1 + (i % 30)),
    });
    const fit = fitParetoNbd(data);
    expect(fit.converged).toBe(false);
    expect(fit.message).toMatch(/not identified/);
  });
});
