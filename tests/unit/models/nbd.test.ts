/**
 * The NBD model (no dropout): its likelihood is the Poisson likelihood integrated over the Gamma
 * (checked by quadrature), its gradient is right, it recovers simulated parameters, it is the limit
 * the Pareto/NBD reaches as dropout vanishes, and the value step chooses it only when customers
 * do not leave.
 */
import { describe, expect, it } from 'vitest';
import {
  compressRfm,
  customerValues,
  fitNbd,
  nbdExpectedPurchases,
  nbdLogLikelihoodArray,
  paretoNbdLogLikelihood,
  simulateParetoNbd,
  DEFAULT_VALUE_MODEL_OPTIONS,
} from '../../../src/models';
import { integrateToInfinity, numericGradient } from './numeric';

const rows = (x: number[], tx: number[], T: number[]) =>
  compressRfm({ x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T) });

describe('NBD', () => {
  it('its likelihood is ∫ λˣ e^(−λT) Gamma(λ; r, α) dλ', () => {
    const r = 0.8;
    const alpha = 6;
    const data = rows([0, 3, 12], [0, 20, 30], [30, 31, 40]);
    let want = 0;
    for (let i = 0; i < 3; i++) {
      const x = data.x[i] as number;
      const T = data.T[i] as number;
      const density = (l: number) =>
        Math.exp(r * Math.log(alpha) + (r - 1) * Math.log(l) - alpha * l - logGamma(r));
      want += Math.log(integrateToInfinity((l) => l ** x * Math.exp(-l * T) * density(l), 0));
    }
    expect(nbdLogLikelihoodArray([r, alpha], data)).toBeCloseTo(want, 8);
  });

  it('has the right gradient', () => {
    const data = rows([0, 1, 5, 40], [0, 3, 20, 50], [10, 30, 40, 52]);
    const at = [1.3, 7.5];
    const g = new Float64Array(2);
    nbdLogLikelihoodArray(at, data, g);
    const numeric = numericGradient((v) => nbdLogLikelihoodArray(v, data), at);
    for (let i = 0; i < 2; i++) expect(g[i]).toBeCloseTo(numeric[i] as number, 6);
  });

  it('is the Pareto/NBD without dropout', () => {
    const data = rows([0, 2, 7], [0, 10, 25], [30, 30, 30]);
    const nbd = nbdLogLikelihoodArray([0.9, 5], data);
    // Mean dropout rate s/β → 0: the Pareto/NBD likelihood tends to the NBD's.
    const pnbd = paretoNbdLogLikelihood({ r: 0.9, alpha: 5, s: 1, beta: 1e9 }, data);
    expect(pnbd).toBeCloseTo(nbd, 6);
    expect(nbdExpectedPurchases({ r: 0.9, alpha: 5 }, 10, 7, 30)).toBeCloseTo((7.9 / 35) * 10, 12);
  });

  it('recovers the purchase rate of customers who never leave, and is chosen for them', () => {
    const truth = { r: 1.2, alpha: 15 };
    const sim = simulateParetoNbd(
      { ...truth, s: 1, beta: 1e12 },
      { customers: 5000, calibrationLength: 104, birthWindow: 104, grid: 1 / 7, seed: 3 },
    );
    const fit = fitNbd(compressRfm(sim.summary));
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.params.r - truth.r) / fit.standardErrors.r).toBeLessThan(3);
    expect(Math.abs(fit.params.alpha - truth.alpha) / fit.standardErrors.alpha).toBeLessThan(3);
    const days = {
      ...sim.summary,
      tx: sim.summary.tx.map((v) => v * 7),
      T: sim.summary.T.map((v) => v * 7),
    };
    const values = customerValues(
      days,
      new Float64Array(5000).fill(20),
      DEFAULT_VALUE_MODEL_OPTIONS,
    );
    expect(values.purchaseModel?.model).toBe('nbd');
    expect(Array.from(values.pAlive ?? [])).toEqual(new Array(5000).fill(1));
  });

  it('is not chosen when customers do leave', () => {
    const sim = simulateParetoNbd(
      { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
      { customers: 5000, calibrationLength: 39, birthWindow: 12, grid: 1 / 7, seed: 4 },
    );
    const days = {
      ...sim.summary,
      tx: sim.summary.tx.map((v) => v * 7),
      T: sim.summary.T.map((v) => v * 7),
    };
    const values = customerValues(
      days,
      new Float64Array(5000).fill(20),
      DEFAULT_VALUE_MODEL_OPTIONS,
    );
    expect(values.purchaseModel?.model).not.toBe('nbd');
    const nbdScore = values.choice?.scores.find((s) => s.model === 'nbd');
    const chosen = values.choice?.scores.find((s) => s.model === values.purchaseModel?.model);
    expect(nbdScore!.bic).toBeGreaterThan(chosen!.bic + 10);
  });
});

/** log Γ by Lanczos (independent of the code under test). */
function logGamma(z: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = c[0] as number;
  for (let i = 1; i < g + 2; i++) x += (c[i] as number) / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}
