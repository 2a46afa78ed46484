import { describe, expect, it } from 'vitest';
import {
  createRng,
  sampleBeta,
  sampleGamma,
  simulateBgNbd,
  simulateParetoNbd,
} from '../../../src/models/simulate';
import { compressRfm, validateRfm } from '../../../src/models/summary';
import { BGNBD_PARAM_NAMES, fitBgNbd } from '../../../src/models/bgnbd';
import { PARETONBD_PARAM_NAMES, fitParetoNbd } from '../../../src/models/paretoNbd';
import { GAMMAGAMMA_PARAM_NAMES, fitGammaGamma } from '../../../src/models/gammaGamma';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PARETO = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };

function moments(draw: () => number, n: number) {
  let s = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = draw();
    s += v;
    ss += v * v;
  }
  const mean = s / n;
  return { mean, variance: ss / n - mean * mean };
}

describe('random numbers', () => {
  it('are reproducible from the seed and uniform on (0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    const rng = createRng(1);
    const m = moments(rng, 200_000);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
    for (let i = 0; i < 10_000; i++) {
      const u = rng();
      expect(u > 0 && u < 1).toBe(true);
    }
  });

  it('gamma and beta draws have the right mean and variance (small shapes too)', () => {
    const rng = createRng(9);
    for (const [shape, rate] of [
      [0.243, 4.414],
      [3.74, 15.44],
      [6.25, 0.5],
    ] as const) {
      const m = moments(() => sampleGamma(rng, shape, rate), 200_000);
      const mean = shape / rate;
      const sd = Math.sqrt(shape) / rate;
      expect(Math.abs(m.mean - mean)).toBeLessThan((5 * sd) / Math.sqrt(200_000));
      expect(m.variance / (sd * sd)).toBeCloseTo(1, 1);
    }
    const m = moments(() => sampleBeta(rng, 0.793, 2.426), 200_000);
    const mean = 0.793 / (0.793 + 2.426);
    const variance = (0.793 * 2.426) / ((0.793 + 2.426) ** 2 * (0.793 + 2.426 + 1));
    expect(m.mean).toBeCloseTo(mean, 2);
    expect(m.variance / variance).toBeCloseTo(1, 1);
    expect(sampleBeta(rng, 1e-3, 1e-3)).not.toBeNaN();
  });
});

describe('simulated customers', () => {
  it('are valid summaries, reproducible, and on the grid when asked', () => {
    const opts = {
      customers: 2000,
      seed: 3,
      calibrationLength: 39,
      birthWindow: 12,
      grid: 1 / 7,
      spend: GG,
    };
    const a = simulateBgNbd(BG, opts);
    const b = simulateBgNbd(BG, opts);
    expect(validateRfm(a.summary)).toBeNull();
    expect(Array.from(a.summary.T)).toEqual(Array.from(b.summary.T));
    expect(Array.from(a.summary.monetary)).toEqual(Array.from(b.summary.monetary));
    for (let i = 0; i < 2000; i++) {
      const T = a.summary.T[i] as number;
      expect(Math.abs(T * 7 - Math.round(T * 7))).toBeLessThan(1e-9);
      expect(T).toBeGreaterThanOrEqual(27 - 1e-9);
      expect(T).toBeLessThanOrEqual(39);
      expect((a.summary.monetary[i] as number) > 0).toBe((a.summary.x[i] as number) > 0);
    }
    expect(validateRfm(simulateParetoNbd(PARETO, opts).summary)).toBeNull();
  });

  it('BG/NBD: 20,000 customers give back the parameters within 2 standard errors', () => {
    const sim = simulateBgNbd(BG, {
      customers: 20_000,
      seed: 1,
      calibrationLength: 39,
      birthWindow: 12,
    });
    const fit = fitBgNbd(compressRfm(sim.summary));
    expect(fit.converged).toBe(true);
    for (const k of BGNBD_PARAM_NAMES) {
      expect(Math.abs(fit.params[k] - BG[k]), k).toBeLessThan(2 * fit.standardErrors[k]);
    }
  });

  it('Gamma-Gamma: repeat spend of 20,000 customers gives back (p, q, γ) within 2 SE', () => {
    const sim = simulateBgNbd(BG, {
      customers: 20_000,
      seed: 1,
      calibrationLength: 39,
      birthWindow: 12,
      spend: GG,
    });
    const fit = fitGammaGamma(sim.summary);
    expect(fit.converged).toBe(true);
    expect(fit.n).toBeGreaterThan(7000);
    for (const k of GAMMAGAMMA_PARAM_NAMES) {
      expect(Math.abs(fit.params[k] - GG[k]), k).toBeLessThan(2 * fit.standardErrors[k]);
    }
  });

  it('Pareto/NBD: 5,000 customers give back the parameters within 2 standard errors', () => {
    const sim = simulateParetoNbd(PARETO, {
      customers: 5_000,
      seed: 1,
      calibrationLength: 39,
      birthWindow: 12,
    });
    const fit = fitParetoNbd(compressRfm(sim.summary));
    expect(fit.converged).toBe(true);
    for (const k of PARETONBD_PARAM_NAMES) {
      expect(Math.abs(fit.params[k] - PARETO[k]), k).toBeLessThan(2 * fit.standardErrors[k]);
    }
  });
});
