/**
 * Maximum likelihood for models whose parameters are all positive: optimise log-parameters with
 * bounded BFGS from several starts, then take standard errors from the numeric Hessian (central
 * differences of the analytic gradient) in the natural parameters, as the papers report them.
 */
import {
  minimizeMultiStart,
  numericHessian,
  standardErrorsFromHessian,
  type MinimizeResult,
} from './optimize';

/** A likelihood to maximise: total weighted log-likelihood and its gradient in natural parameters. */
export interface LikelihoodProblem {
  /** Total log-likelihood at `params`; when `grad` is given, ∂LL/∂params is written into it. */
  logLikelihood(params: Float64Array, grad: Float64Array | null): number;
  /** Number of observations (customers): scales the objective and enters BIC. */
  n: number;
}

export interface MleOptions {
  /** Tolerance on the gradient of the mean log-likelihood w.r.t. log-parameters. Default 1e-8. */
  gtol?: number;
  maxIterations?: number;
  /** Stop trying starts once this many converged runs agree (default 2). */
  agreeing?: number;
}

/** How one start went. */
export interface StartReport {
  start: number[];
  logLikelihood: number;
  converged: boolean;
  iterations: number;
}

/**
 * `converged` means a proper interior maximum: the optimiser met its tolerance, no log-parameter
 * is on its box, and −Hessian is positive definite (so the standard errors exist).
 */
export interface MleResult {
  params: Float64Array;
  standardErrors: Float64Array;
  /** (−H)⁻¹ in natural parameters, null when −H is not positive definite. */
  covariance: Float64Array[] | null;
  logLikelihood: number;
  n: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Largest |∂(mean LL)/∂log θ| at the optimum. */
  gradientNorm: number;
  message: string;
  starts: StartReport[];
}

/** log θ is kept in this box so that exp never overflows and the search stays meaningful. */
const LOG_LOWER = -18;
const LOG_UPPER = 18;

/**
 * Maximise `problem` from each start (natural parameters) and report the best optimum with
 * standard errors. Throws when there are no observations.
 */
export function maximiseLikelihood(
  problem: LikelihoodProblem,
  starts: ArrayLike<number>[],
  options: MleOptions = {},
): MleResult {
  const first = starts[0];
  if (first === undefined) throw new RangeError('maximiseLikelihood: no starting point');
  if (!(problem.n > 0)) throw new RangeError('maximiseLikelihood: no observations');
  const k = first.length;
  const params = new Float64Array(k);
  const gradNatural = new Float64Array(k);
  const scale = 1 / problem.n;
  // Objective: mean negative log-likelihood as a function of log-parameters.
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    for (let i = 0; i < k; i++) params[i] = Math.exp(theta[i] as number);
    const ll = problem.logLikelihood(params, gradNatural);
    for (let i = 0; i < k; i++) {
      grad[i] = -scale * (params[i] as number) * (gradNatural[i] as number);
    }
    return -scale * ll;
  };
  const logStarts = starts.map((s) => Array.from(s, (v) => Math.log(v)));
  const { best, runs } = minimizeMultiStart(objective, logStarts, {
    gtol: options.gtol ?? 1e-8,
    maxIterations: options.maxIterations ?? 300,
    agreeing: options.agreeing ?? 2,
    lower: new Array<number>(k).fill(LOG_LOWER),
    upper: new Array<number>(k).fill(LOG_UPPER),
  });
  const estimate = Float64Array.from(best.x, (v) => Math.exp(v));
  // A log-parameter on the box means the likelihood kept improving towards 0 or ∞: the model is
  // not identified by these data (e.g. nobody made a repeat purchase), whatever the gradient says.
  const atBound = best.x.some((v) => v <= LOG_LOWER + 1e-9 || v >= LOG_UPPER - 1e-9);
  const hessian = numericHessian((p, out) => {
    problem.logLikelihood(p, out);
  }, estimate);
  const { covariance, standardErrors } = standardErrorsFromHessian(hessian);
  const report = (r: MinimizeResult, i: number): StartReport => ({
    start: Array.from(starts[i] ?? []),
    logLikelihood: -r.f / scale,
    converged: r.converged,
    iterations: r.iterations,
  });
  return {
    params: estimate,
    standardErrors,
    covariance,
    logLikelihood: problem.logLikelihood(estimate, null),
    n: problem.n,
    converged: best.converged && !atBound && covariance !== null,
    iterations: runs.reduce((s, r) => s + r.iterations, 0),
    evaluations: runs.reduce((s, r) => s + r.evaluations, 0),
    gradientNorm: best.gradientNorm,
    message: atBound
      ? 'a parameter ran to its bound: not identified by these data'
      : covariance === null
        ? 'no proper maximum (the Hessian is not negative definite): not identified by these data'
        : best.message,
    starts: runs.map(report),
  };
}
