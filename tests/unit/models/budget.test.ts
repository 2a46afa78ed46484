/**
 * Every fit is bounded: a wall-clock budget, an iteration limit, and the ridge rule that ends a
 * search early when a parameter drifts to 0 or ∞ without improving the likelihood. And a fit in
 * steps pauses often and reports its iterations.
 */
import { describe, expect, it } from 'vitest';
import { fitBgNbdSteps, fitParetoNbdSteps } from '../../../src/models';
import { maximiseLikelihood, maximiseLikelihoodSteps } from '../../../src/models/mle';
import { minimizeBfgs } from '../../../src/models/optimize';
import { simulateParetoNbd } from '../../../src/models/simulate';
import { runToEnd, type Progress } from '../../../src/models/steps';
import { compressRfm } from '../../../src/models/summary';

/**
 * A likelihood that keeps improving, ever less, as a → ∞ (b has an optimum at 1): a is not
 * identified. Its gain per e-fold of a soon falls below the ridge rule's threshold.
 */
const ridge = {
  n: 100,
  logLikelihood(p: Float64Array, grad: Float64Array | null) {
    const a = p[0] as number;
    const b = p[1] as number;
    if (grad) {
      grad[0] = 1e-4 / (a * a);
      grad[1] = -200 * (b - 1);
    }
    return -1e-4 / a - 100 * (b - 1) ** 2;
  },
};
/** Tight enough that the gradient test cannot end the walk along the ridge first. */
const TIGHT = { gtol: 1e-15 };

describe('bounded fits', () => {
  it('a parameter running off along a ridge is caught early, named, and not used', () => {
    const fit = maximiseLikelihood(ridge, [[1, 3]], TIGHT);
    expect(fit.converged).toBe(false);
    expect(fit.stop).toEqual({ kind: 'bound', param: 0, towards: 'infinity' });
    expect(fit.message).toMatch(/not identified/);
    // Caught by the ridge rule long before the log-parameter box (log a = 18) or the limit.
    expect(fit.params[0]).toBeLessThan(Math.exp(12));
    expect(fit.iterations).toBeLessThan(300);
    expect(Array.from(fit.standardErrors).every(Number.isNaN)).toBe(true);
  });

  it('a well-posed fit is not stopped by the ridge rule', () => {
    const bowl = {
      n: 10,
      logLikelihood(p: Float64Array, grad: Float64Array | null) {
        const a = p[0] as number;
        if (grad) grad[0] = (-20 * (Math.log(a) - 3)) / a;
        return -10 * (Math.log(a) - 3) ** 2;
      },
    };
    const fit = maximiseLikelihood(bowl, [[1]]);
    expect(fit.stop).toEqual({ kind: 'converged' });
    expect(fit.params[0]).toBeCloseTo(Math.exp(3), 4);
  });

  it('stops at its wall-clock budget with the best point so far', () => {
    let evaluations = 0;
    // Rosenbrock's valley in log-parameters, 5 ms an evaluation: it needs far more than 30 ms.
    const slow = {
      n: 10,
      logLikelihood(p: Float64Array, grad: Float64Array | null) {
        evaluations++;
        const until = performance.now() + 5;
        while (performance.now() < until);
        const x = Math.log(p[0] as number);
        const y = Math.log(p[1] as number);
        if (grad) {
          grad[0] = -(-2 * (1 - x) - 400 * x * (y - x * x)) / (p[0] as number);
          grad[1] = -(200 * (y - x * x)) / (p[1] as number);
        }
        return -((1 - x) ** 2 + 100 * (y - x * x) ** 2);
      },
    };
    const started = performance.now();
    const fit = maximiseLikelihood(slow, [[Math.exp(-1.2), Math.exp(1)]], { budgetMs: 30 });
    const ms = performance.now() - started;
    expect(fit.stop).toEqual({ kind: 'time' });
    expect(fit.converged).toBe(false);
    expect(fit.message).toMatch(/time budget/);
    // One evaluation may be under way when the budget runs out; no Hessian is computed after it.
    expect(ms).toBeLessThan(30 + 3 * 5 + 50);
    expect(evaluations).toBeLessThan(20);
  });

  it('reports an iteration limit', () => {
    const r = minimizeBfgs(
      (x, g) => {
        const v = x[0] as number;
        g[0] = 4 * v ** 3;
        return v ** 4;
      },
      [3],
      { maxIterations: 2 },
    );
    expect(r.message).toBe('iteration limit reached');
  });

  it('a fit in steps pauses after every evaluation and reports each iteration', () => {
    const data = compressRfm(
      simulateParetoNbd(
        { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
        { customers: 2000, calibrationLength: 39, birthWindow: 12, seed: 5 },
      ).summary,
    );
    const ticks: (Progress | undefined)[] = [];
    const steps = fitBgNbdSteps(data);
    let next = steps.next();
    while (!next.done) {
      ticks.push(next.value);
      next = steps.next();
    }
    const reports = ticks.filter((t): t is Progress => t !== undefined);
    expect(next.value.converged).toBe(true);
    expect(ticks.length).toBeGreaterThanOrEqual(next.value.evaluations);
    expect(reports.length).toBeGreaterThan(5);
    expect(reports.every((r) => r.task === 'bgnbd')).toBe(true);
    // Iterations count up and the log-likelihood climbs to the fit's.
    const iterations = reports.map((r) => r.iteration as number);
    expect(iterations).toEqual([...iterations].sort((a, b) => a - b));
    expect(reports.at(-1)!.logLikelihood).toBeCloseTo(next.value.logLikelihood, 3);
    // The same fit run at once gives the same answer.
    expect(runToEnd(fitParetoNbdSteps(data)).converged).toBe(true);
  });

  it('maximiseLikelihoodSteps yields progress only with a task', () => {
    const ticks = [...iterate(maximiseLikelihoodSteps(ridge, [[1, 3]], TIGHT))];
    expect(ticks.every((t) => t === undefined)).toBe(true);
  });
});

function* iterate<T>(g: Generator<T, unknown, void>): Generator<T> {
  for (let n = g.next(); !n.done; n = g.next()) yield n.value;
}
