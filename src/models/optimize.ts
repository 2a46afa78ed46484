/**
 * Box-bounded BFGS with a strong-Wolfe line search, multi-start, and the numeric Hessian used for
 * standard errors. The models optimise log-parameters (every parameter is positive), so the bounds
 * only keep the search away from overflow (e.g. log r ∈ [−20, 20]); an unbounded call is plain BFGS.
 *
 * Written here rather than taken from npm: the JavaScript optimisers available are unmaintained,
 * have no bounds, or give no convergence report, and this loop is small enough to own and test.
 */

import { runToEnd, type Steps } from './steps';

/** Objective and gradient in one call: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Where the optimiser is after an iteration: what a `stop` rule and progress reports see. */
export interface IterateState {
  iteration: number;
  f: number;
  x: Float64Array;
}

export interface MinimizeOptions {
  /** Converged when the projected gradient's largest component is at most this. Default 1e-8. */
  gtol?: number;
  /** Default 200. */
  maxIterations?: number;
  /** Lower bounds per coordinate (−∞ where absent). */
  lower?: ArrayLike<number>;
  /** Upper bounds per coordinate (+∞ where absent). */
  upper?: ArrayLike<number>;
  /**
   * Wall-clock budget: a `performance.now()` time after which the search stops (checked after
   * every objective evaluation) and reports the best point so far as not converged.
   */
  deadline?: number;
  /**
   * Asked after every iteration; a message stops the search there, not converged, with that
   * message (e.g. a parameter drifting off along a ridge).
   */
  stop?: (state: IterateState) => string | null;
}

/** The message of a search stopped by its wall-clock budget. */
export const TIME_BUDGET_MESSAGE = 'time budget reached';

/** Thrown inside a line search when the budget runs out; caught by the search that owns it. */
class BudgetSpent extends Error {}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  gradient: Float64Array;
  /** Largest component of the projected gradient at `x`. */
  gradientNorm: number;
  iterations: number;
  /** Objective evaluations (each with its gradient). */
  evaluations: number;
  converged: boolean;
  message: string;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function boundsOf(n: number, lower?: ArrayLike<number>, upper?: ArrayLike<number>) {
  const lo = new Float64Array(n).fill(-Infinity);
  const hi = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    if (lower && lower[i] !== undefined) lo[i] = lower[i] as number;
    if (upper && upper[i] !== undefined) hi[i] = upper[i] as number;
    if (!((lo[i] as number) <= (hi[i] as number))) throw new RangeError(`empty bounds at ${i}`);
  }
  return { lo, hi };
}

/** Components of g that can still move x inside the box (zero where a bound blocks descent). */
function projectedGradient(x: Float64Array, g: Float64Array, lo: Float64Array, hi: Float64Array) {
  const pg = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const atLo = (x[i] as number) <= (lo[i] as number) && gi > 0;
    const atHi = (x[i] as number) >= (hi[i] as number) && gi < 0;
    pg[i] = atLo || atHi ? 0 : gi;
  }
  return pg;
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number));
  return m;
}

/** Safeguarded cubic interpolation of the minimiser in [lo, hi] (bisection when unreliable). */
function interpolate(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const left = Math.min(a, b);
  const right = Math.max(a, b);
  const mid = 0.5 * (a + b);
  if (!Number.isFinite(fb) || !Number.isFinite(gb) || !Number.isFinite(fa)) return mid;
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (disc < 0) return mid;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const t = b - ((b - a) * (gb + d2 - d1)) / (gb - ga + 2 * d2);
  const margin = 0.1 * (right - left);
  if (!Number.isFinite(t) || t < left + margin || t > right - margin) return mid;
  return t;
}

interface LineSearchPoint {
  alpha: number;
  f: number;
  g: Float64Array;
  x: Float64Array;
}

/**
 * Strong-Wolfe line search (Nocedal & Wright, Algorithms 3.5 and 3.6). Non-finite objective values
 * are treated as "too far" so the search backs off into the region where the likelihood is defined.
 * When the step is capped by a bound, a point at the cap that satisfies sufficient decrease is
 * accepted even if the curvature condition cannot hold there.
 */
function* lineSearch(
  fg: Objective,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  alphaMax: number,
  counter: { evaluations: number },
  deadline: number,
): Steps<LineSearchPoint | null> {
  const n = x.length;
  const dg0 = dot(g0, d);
  const dNorm = infNorm(d);
  const xNorm = Math.max(1, infNorm(x));
  function* evalAt(alpha: number): Steps<LineSearchPoint> {
    const xt = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = (x[i] as number) + alpha * (d[i] as number);
    const gt = new Float64Array(n);
    const ft = fg(xt, gt);
    counter.evaluations++;
    yield;
    if (performance.now() > deadline) throw new BudgetSpent();
    return { alpha, f: Number.isFinite(ft) ? ft : Infinity, g: gt, x: xt };
  }
  function* zoom(lo: LineSearchPoint, hi: LineSearchPoint): Steps<LineSearchPoint | null> {
    for (let k = 0; k < 40; k++) {
      const alpha = interpolate(lo.alpha, lo.f, dot(lo.g, d), hi.alpha, hi.f, dot(hi.g, d));
      const p = yield* evalAt(alpha);
      if (p.f > f0 + C1 * alpha * dg0 || p.f >= lo.f) {
        hi = p;
      } else {
        const dgp = dot(p.g, d);
        if (Math.abs(dgp) <= -C2 * dg0) return p;
        if (dgp * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = p;
      }
      // Stop once the bracket no longer moves x by more than rounding.
      if (Math.abs(hi.alpha - lo.alpha) * dNorm <= 1e-15 * xNorm) break;
    }
    // The interval collapsed: take the best point if it decreased the objective at all.
    return lo.alpha > 0 && lo.f < f0 ? lo : null;
  }

  let prev: LineSearchPoint = { alpha: 0, f: f0, g: g0, x };
  let alpha = Math.min(1, alphaMax);
  for (let k = 0; k < 60; k++) {
    const p = yield* evalAt(alpha);
    if (p.f > f0 + C1 * alpha * dg0 || (k > 0 && p.f >= prev.f)) return yield* zoom(prev, p);
    const dgp = dot(p.g, d);
    if (Math.abs(dgp) <= -C2 * dg0) return p;
    if (dgp >= 0) return yield* zoom(p, prev);
    if (alpha >= alphaMax) return p; // capped by a bound, sufficient decrease holds
    prev = p;
    alpha = Math.min(2 * alpha, alphaMax);
  }
  return prev.alpha > 0 ? prev : null;
}

/**
 * Minimise `fg` from `x0` by BFGS (inverse-Hessian update) within box bounds. Coordinates at a
 * bound whose gradient points outward are held fixed for that step; convergence is judged on the
 * projected gradient, so a solution on a bound is reported as converged.
 */
export function minimizeBfgs(
  fg: Objective,
  x0: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  return runToEnd(minimizeBfgsSteps(fg, x0, options));
}

/**
 * `minimizeBfgs` as steps: pauses after every objective evaluation and reports each iteration as
 * `{ iteration, f }` through `onIterate` (the caller turns it into progress).
 */
export function* minimizeBfgsSteps(
  fg: Objective,
  x0: ArrayLike<number>,
  options: MinimizeOptions = {},
  onIterate: (state: IterateState) => void = () => {},
): Steps<MinimizeResult> {
  const n = x0.length;
  const gtol = options.gtol ?? 1e-8;
  const maxIterations = options.maxIterations ?? 200;
  const deadline = options.deadline ?? Infinity;
  const { lo, hi } = boundsOf(n, options.lower, options.upper);
  let x: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.min(hi[i] as number, Math.max(lo[i] as number, x0[i] as number));
  }
  let g: Float64Array = new Float64Array(n);
  const counter = { evaluations: 1 };
  let f = fg(x, g);
  const result = (iterations: number, converged: boolean, message: string): MinimizeResult => {
    const pg = projectedGradient(x, g, lo, hi);
    return {
      x,
      f,
      gradient: g,
      gradientNorm: infNorm(pg),
      iterations,
      evaluations: counter.evaluations,
      converged,
      message,
    };
  };
  if (!Number.isFinite(f)) return result(0, false, 'objective is not finite at the start');

  // Inverse Hessian approximation, row-major n × n.
  const H = new Float64Array(n * n);
  const resetH = (scale: number) => {
    H.fill(0);
    for (let i = 0; i < n; i++) H[i * n + i] = scale;
  };
  resetH(1);
  let isIdentity = true;
  const d = new Float64Array(n);

  for (let iter = 0; iter < maxIterations; iter++) {
    let pg = projectedGradient(x, g, lo, hi);
    if (infNorm(pg) <= gtol) return result(iter, true, 'gradient below tolerance');

    let attempt = 0;
    let step: LineSearchPoint | null = null;
    while (attempt < 2 && step === null) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s -= (H[i * n + j] as number) * (pg[j] as number);
        d[i] = (pg[i] as number) === 0 ? 0 : s;
      }
      if (!(dot(d, g) < 0)) {
        resetH(1);
        isIdentity = true;
        for (let i = 0; i < n; i++) d[i] = -(pg[i] as number);
      }
      // Predicted decrease below the objective's rounding: converged to working precision.
      if (!isIdentity && Math.abs(dot(d, g)) <= 1e-13 * Math.abs(f)) {
        return result(iter, true, 'converged to working precision');
      }
      let alphaMax = Infinity;
      for (let i = 0; i < n; i++) {
        const di = d[i] as number;
        if (di > 0) alphaMax = Math.min(alphaMax, ((hi[i] as number) - (x[i] as number)) / di);
        if (di < 0) alphaMax = Math.min(alphaMax, ((lo[i] as number) - (x[i] as number)) / di);
      }
      try {
        step = alphaMax > 0 ? yield* lineSearch(fg, x, f, g, d, alphaMax, counter, deadline) : null;
      } catch (e) {
        if (e instanceof BudgetSpent) return result(iter, false, TIME_BUDGET_MESSAGE);
        throw e;
      }
      if (step === null) {
        if (isIdentity) break;
        resetH(1); // a stale curvature model: retry once along the steepest descent
        isIdentity = true;
        pg = projectedGradient(x, g, lo, hi);
      }
      attempt++;
    }
    if (step === null) {
      // No decrease is representable when the predicted one is below the objective's rounding:
      // that is convergence to working precision, not a failure.
      const predicted = Math.abs(dot(g, d));
      const atPrecision = predicted <= 1e-12 * Math.abs(f);
      return result(
        iter,
        atPrecision,
        atPrecision ? 'converged to working precision' : 'line search found no decrease',
      );
    }

    // Clamp onto the box against rounding, then update the inverse Hessian.
    const xNew = step.x;
    for (let i = 0; i < n; i++) {
      xNew[i] = Math.min(hi[i] as number, Math.max(lo[i] as number, xNew[i] as number));
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (step.g[i] as number) - (g[i] as number);
    }
    const fOld = f;
    x = xNew;
    g = step.g;
    f = step.f;
    const ys = dot(y, s);
    if (ys > 1e-12 * Math.sqrt(dot(y, y) * dot(s, s))) {
      if (isIdentity) resetH(ys / dot(y, y)); // Nocedal & Wright (6.20): scale the first guess
      isIdentity = false;
      const rho = 1 / ys;
      const Hy = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let t = 0;
        for (let j = 0; j < n; j++) t += (H[i * n + j] as number) * (y[j] as number);
        Hy[i] = t;
      }
      const yHy = dot(y, Hy);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const si = s[i] as number;
          const sj = s[j] as number;
          H[i * n + j] =
            (H[i * n + j] as number) -
            rho * ((Hy[i] as number) * sj + si * (Hy[j] as number)) +
            (rho * rho * yHy + rho) * si * sj;
        }
      }
    }
    if (Math.abs(fOld - f) <= 1e-15 * Math.max(1, Math.abs(f)) && infNorm(s) < 1e-14) {
      const pgNow = infNorm(projectedGradient(x, g, lo, hi));
      return result(iter + 1, pgNow <= gtol, 'no further progress possible');
    }
    const state = { iteration: iter + 1, f, x };
    onIterate(state);
    const stopped = options.stop?.(state) ?? null;
    if (stopped !== null) return result(iter + 1, false, stopped);
  }
  const pgEnd = infNorm(projectedGradient(x, g, lo, hi));
  return result(maxIterations, pgEnd <= gtol, 'iteration limit reached');
}

export interface MultiStartResult {
  best: MinimizeResult;
  /** One result per start actually run, in the order the starts were given. */
  runs: MinimizeResult[];
}

/**
 * Run `minimizeBfgs` from several starting points and keep the lowest objective. Likelihood
 * surfaces of these models have long flat ridges, so one start can stop early far from the
 * optimum; starts stop being tried once `agreeing` converged runs reached the same minimum
 * (|Δf| ≤ 1e-8 · max(1, |f|)), which saves time when the problem is well behaved.
 */
export function minimizeMultiStart(
  fg: Objective,
  starts: ArrayLike<number>[],
  options: MinimizeOptions & { agreeing?: number } = {},
): MultiStartResult {
  return runToEnd(minimizeMultiStartSteps(fg, starts, options));
}

/**
 * `minimizeMultiStart` as steps. Starts share the deadline: once it has passed no further start
 * is tried. A start stopped by `stop` (a ridge, say) ends the search: the other starts would
 * follow the same ridge.
 */
export function* minimizeMultiStartSteps(
  fg: Objective,
  starts: ArrayLike<number>[],
  options: MinimizeOptions & { agreeing?: number } = {},
  onIterate: (state: IterateState, start: number) => void = () => {},
): Steps<MultiStartResult> {
  if (starts.length === 0) throw new RangeError('minimizeMultiStart: no starting point');
  const agreeing = options.agreeing ?? 2;
  const runs: MinimizeResult[] = [];
  let best: MinimizeResult | null = null;
  for (const [k, start] of starts.entries()) {
    let stoppedByRule = false;
    const stop = options.stop;
    const run = yield* minimizeBfgsSteps(
      fg,
      start,
      {
        ...options,
        stop: stop
          ? (state) => {
              const message = stop(state);
              stoppedByRule ||= message !== null;
              return message;
            }
          : undefined,
      },
      (state) => onIterate(state, k),
    );
    runs.push(run);
    if (best === null || (Number.isFinite(run.f) && !(run.f >= best.f))) best = run;
    const bestF = best.f;
    const same = runs.filter(
      (r) => r.converged && Math.abs(r.f - bestF) <= 1e-8 * Math.max(1, Math.abs(bestF)),
    );
    if (same.length >= agreeing) break;
    if (stoppedByRule || run.message === TIME_BUDGET_MESSAGE) break;
  }
  return { best: best as MinimizeResult, runs };
}

/**
 * Hessian by central differences of an analytic gradient, symmetrised: H[i][j] from
 * (∇f(x + hⱼeⱼ) − ∇f(x − hⱼeⱼ)) / 2hⱼ with hⱼ = relStep · max(|xⱼ|, 1e-3).
 */
export function numericHessian(
  gradient: (x: Float64Array, out: Float64Array) => void,
  x: ArrayLike<number>,
  relStep = 1e-5,
): Float64Array[] {
  return runToEnd(numericHessianSteps(gradient, x, relStep));
}

/** `numericHessian` as steps: pauses after each pair of gradient evaluations. */
export function* numericHessianSteps(
  gradient: (x: Float64Array, out: Float64Array) => void,
  x: ArrayLike<number>,
  relStep = 1e-5,
): Steps<Float64Array[]> {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Float64Array(n));
  const xp = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const xj = x[j] as number;
    const h = relStep * Math.max(Math.abs(xj), 1e-3);
    xp[j] = xj + h;
    gradient(xp, gp);
    xp[j] = xj - h;
    gradient(xp, gm);
    xp[j] = xj;
    for (let i = 0; i < n; i++)
      (H[i] as Float64Array)[j] = ((gp[i] as number) - (gm[i] as number)) / (2 * h);
    yield;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m =
        0.5 * (((H[i] as Float64Array)[j] as number) + ((H[j] as Float64Array)[i] as number));
      (H[i] as Float64Array)[j] = m;
      (H[j] as Float64Array)[i] = m;
    }
  }
  return H;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; null when it is not positive definite. */
export function invertSpd(A: Float64Array[]): Float64Array[] | null {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (A[i] as Float64Array)[j] as number;
      for (let k = 0; k < j; k++)
        s -= ((L[i] as Float64Array)[k] as number) * ((L[j] as Float64Array)[k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        (L[i] as Float64Array)[i] = Math.sqrt(s);
      } else {
        (L[i] as Float64Array)[j] = s / ((L[j] as Float64Array)[j] as number);
      }
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inv = Array.from({ length: n }, () => new Float64Array(n));
  const z = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= ((L[i] as Float64Array)[k] as number) * (z[k] as number);
      z[i] = s / ((L[i] as Float64Array)[i] as number);
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i] as number;
      for (let k = i + 1; k < n; k++)
        s -= ((L[k] as Float64Array)[i] as number) * ((inv[k] as Float64Array)[c] as number);
      (inv[i] as Float64Array)[c] = s / ((L[i] as Float64Array)[i] as number);
    }
  }
  return inv;
}

/**
 * Covariance and standard errors of maximum-likelihood estimates from the Hessian of the total
 * log-likelihood at the optimum: Cov = (−H)⁻¹. NaN standard errors when −H is not positive
 * definite (the optimum is on a ridge or a bound, and the usual asymptotics do not apply).
 */
export function standardErrorsFromHessian(hessian: Float64Array[]): {
  covariance: Float64Array[] | null;
  standardErrors: Float64Array;
} {
  const n = hessian.length;
  const negH = hessian.map((row) => row.map((v) => -v));
  const covariance = invertSpd(negH);
  const standardErrors = new Float64Array(n).fill(NaN);
  if (covariance) {
    for (let i = 0; i < n; i++)
      standardErrors[i] = Math.sqrt((covariance[i] as Float64Array)[i] as number);
  }
  return { covariance, standardErrors };
}
