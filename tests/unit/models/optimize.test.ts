import { describe, expect, it } from 'vitest';
import {
  invertSpd,
  minimizeBfgs,
  minimizeMultiStart,
  numericHessian,
  standardErrorsFromHessian,
  type Objective,
} from '../../../src/models/optimize';

const rosenbrock: Objective = (v, g) => {
  const x = v[0] as number;
  const y = v[1] as number;
  g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
  g[1] = 200 * (y - x * x);
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
};

describe('minimizeBfgs', () => {
  it('solves Rosenbrock from the classic start and reports convergence', () => {
    const r = minimizeBfgs(rosenbrock, [-1.2, 1], { gtol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-9);
    expect(r.iterations).toBeGreaterThan(10);
    expect(r.evaluations).toBeLessThan(200);
  });

  it('reports an iteration limit as not converged', () => {
    const r = minimizeBfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(r.converged).toBe(false);
    expect(r.message).toBe('iteration limit reached');
    expect(r.iterations).toBe(3);
  });

  it('stops on a bound with the projected gradient at zero', () => {
    // min (x − 3)² + (y + 1)² with x ≤ 2, y ≥ 0: the solution (2, 0) is a corner of the box.
    const f: Objective = (v, g) => {
      g[0] = 2 * ((v[0] as number) - 3);
      g[1] = 2 * ((v[1] as number) + 1);
      return ((v[0] as number) - 3) ** 2 + ((v[1] as number) + 1) ** 2;
    };
    const r = minimizeBfgs(f, [0, 5], { lower: [-Infinity, 0], upper: [2, Infinity] });
    expect(r.converged).toBe(true);
    expect(Array.from(r.x)).toEqual([2, 0]);
    expect(r.gradientNorm).toBe(0);
    expect(r.gradient[0]).toBeLessThan(0); // the raw gradient still points out of the box
  });

  it('backs off from where the objective is not defined', () => {
    // x − log x, minimum at 1; undefined (NaN) for x ≤ 0, which a full step from 5 reaches.
    const f: Objective = (v, g) => {
      const x = v[0] as number;
      g[0] = 1 - 1 / x;
      return x > 0 ? x - Math.log(x) : NaN;
    };
    const r = minimizeBfgs(f, [5]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
  });

  it('refuses a start where the objective is not finite', () => {
    const r = minimizeBfgs(() => NaN, [1]);
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite/);
  });
});

describe('minimizeMultiStart', () => {
  // Tilted double well: local minimum near x = +1, global near x = −1.
  const well: Objective = (v, g) => {
    const x = v[0] as number;
    g[0] = 4 * x * (x * x - 1) + 0.3;
    return (x * x - 1) ** 2 + 0.3 * x;
  };

  it('keeps the lowest minimum over the starts', () => {
    const { best, runs } = minimizeMultiStart(well, [[0.97], [-1.1], [1.01]], { agreeing: 99 });
    expect(runs.length).toBe(3);
    expect(best.x[0]).toBeLessThan(-0.9);
    expect(runs[0]?.x[0]).toBeGreaterThan(0.9);
  });

  it('stops once two converged runs agree', () => {
    const { runs } = minimizeMultiStart(well, [[-2], [-1.5], [2]]);
    expect(runs.length).toBe(2);
  });
});

describe('Hessian and standard errors', () => {
  it('numeric Hessian of a quadratic is exact, and its inverse gives the covariance', () => {
    // f = ½ xᵀ A x with A = [[4, 1], [1, 3]]: Hessian A.
    const grad = (x: Float64Array, out: Float64Array) => {
      out[0] = 4 * (x[0] as number) + (x[1] as number);
      out[1] = (x[0] as number) + 3 * (x[1] as number);
    };
    const H = numericHessian(grad, [0.7, -2]);
    expect(H[0]?.[0]).toBeCloseTo(4, 8);
    expect(H[0]?.[1]).toBeCloseTo(1, 8);
    expect(H[1]?.[0]).toBeCloseTo(1, 8);
    expect(H[1]?.[1]).toBeCloseTo(3, 8);
    const inv = invertSpd(H) as Float64Array[];
    expect(inv[0]?.[0]).toBeCloseTo(3 / 11, 8);
    expect(inv[0]?.[1]).toBeCloseTo(-1 / 11, 8);
    // For a log-likelihood with Hessian −A, SEs are sqrt(diag(A⁻¹)).
    const { standardErrors } = standardErrorsFromHessian(H.map((r) => r.map((v) => -v)));
    expect(standardErrors[0]).toBeCloseTo(Math.sqrt(3 / 11), 8);
    expect(standardErrors[1]).toBeCloseTo(Math.sqrt(4 / 11), 8);
  });

  it('gives NaN standard errors when the Hessian is not negative definite', () => {
    const H = [Float64Array.of(-1, 0), Float64Array.of(0, 1)];
    const { covariance, standardErrors } = standardErrorsFromHessian(H);
    expect(covariance).toBeNull();
    expect(Number.isNaN(standardErrors[0])).toBe(true);
  });
});
