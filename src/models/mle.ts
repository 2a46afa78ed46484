/**
 * Maximum likelihood for models whose parameters are all positive: optimise log-parameters with
 * bounded BFGS from several starts, then take standard errors from the numeric Hessian (central
 * differences of the analytic gradient) in the natural parameters, as the papers report them.
 *
 * Every fit is bounded: an iteration limit, a wall-clock budget, and a rule that stops a search
 * early when a parameter drifts towards 0 or ∞ along a ridge where the likelihood no longer
 * changes (the data do not identify it) instead of walking that ridge until the budget is spent.
 */
import {
  minimizeMultiStartSteps,
  numericHessianSteps,
  standardErrorsFromHessian,
  TIME_BUDGET_MESSAGE,
  type IterateState,
  type MinimizeResult,
} from './optimize';
import { runToEnd, type ComputeTask, type Steps } from './steps';

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
  /** Per start. Default 300. */
  maxIterations?: number;
  /** Stop trying starts once this many converged runs agree (default 2). */
  agreeing?: number;
  /** Wall-clock budget of the whole fit (all starts and the Hessian), in ms. Default: none. */
  budgetMs?: number;
  /** Which fit this is, for progress reports. */
  task?: ComputeTask;
}

/** How one start went. */
export interface StartReport {
  start: number[];
  logLikelihood: number;
  converged: boolean;
  iterations: number;
}

/**
 * Why a fit ended. `bound`: a parameter ran to 0 or ∞ (its log hit the box, or it drifted there
 * without improving the likelihood): the data do not identify it. `flat`: the optimum is not a
 * proper maximum (−Hessian not positive definite). `time` and `iterations`: the budget ran out.
 */
export type FitStop =
  | { kind: 'converged' }
  | { kind: 'time' }
  | { kind: 'iterations' }
  | { kind: 'bound'; param: number; towards: 'zero' | 'infinity' }
  | { kind: 'flat' }
  | { kind: 'failed' };

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
  stop: FitStop;
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
 * The ridge rule: over this many iterations, a log-parameter moved by more than DRIFT_LOG_STEP
 * (a factor e), outward, while the total log-likelihood improved by less than DRIFT_GAIN. A
 * parameter that changes e-fold for a likelihood ratio below e^0.05 ≈ 1.05 is one the data say
 * nothing about: its likelihood interval spans more than that factor.
 */
const DRIFT_WINDOW = 10;
const DRIFT_LOG_STEP = 1;
const DRIFT_GAIN = 0.05;
/** Only parameters already this far from 1 (log scale) count as drifting to 0 or ∞. */
const DRIFT_FROM = 2.5;
/**
 * A search that ends without converging with a parameter this far out (log scale: beyond about
 * 1.6e5 or 6e-6) was following it off to 0 or ∞.
 */
const FAR_OUT = 12;

/**
 * The ridge rule as an optimiser `stop` hook on the mean negative log-likelihood of `n`
 * customers; `onDrift` receives the parameter that drifted.
 */
function driftRule(
  n: number,
  onDrift: (param: number, towards: 'zero' | 'infinity') => void,
): (state: IterateState) => string | null {
  let history: { f: number; x: Float64Array }[] = [];
  return ({ iteration, f, x }) => {
    if (iteration === 1) history = []; // a new start
    history.push({ f, x: Float64Array.from(x) });
    if (history.length <= DRIFT_WINDOW) return null;
    const old = history.shift() as { f: number; x: Float64Array };
    if ((old.f - f) * n >= DRIFT_GAIN) return null;
    for (let i = 0; i < x.length; i++) {
      const now = x[i] as number;
      const moved = now - (old.x[i] as number);
      if (Math.abs(moved) > DRIFT_LOG_STEP && Math.abs(now) > DRIFT_FROM && moved * now > 0) {
        const towards = now > 0 ? 'infinity' : 'zero';
        onDrift(i, towards);
        return `a parameter drifts towards ${towards === 'zero' ? '0' : '∞'} without improving the fit: not identified by these data`;
      }
    }
    return null;
  };
}

/**
 * Maximise `problem` from each start (natural parameters) and report the best optimum with
 * standard errors. Throws when there are no observations.
 */
export function maximiseLikelihood(
  problem: LikelihoodProblem,
  starts: ArrayLike<number>[],
  options: MleOptions = {},
): MleResult {
  return runToEnd(maximiseLikelihoodSteps(problem, starts, options));
}

/** `maximiseLikelihood` as steps, reporting each iteration's log-likelihood as progress. */
export function* maximiseLikelihoodSteps(
  problem: LikelihoodProblem,
  starts: ArrayLike<number>[],
  options: MleOptions = {},
): Steps<MleResult> {
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
  const deadline = options.budgetMs === undefined ? Infinity : performance.now() + options.budgetMs;
  const drifted: { param: number; towards: 'zero' | 'infinity' }[] = [];
  const latest = { iteration: 0, logLikelihood: NaN, fresh: false };
  const search = minimizeMultiStartSteps(
    objective,
    logStarts,
    {
      gtol: options.gtol ?? 1e-8,
      maxIterations: options.maxIterations ?? 300,
      agreeing: options.agreeing ?? 2,
      lower: new Array<number>(k).fill(LOG_LOWER),
      upper: new Array<number>(k).fill(LOG_UPPER),
      deadline,
      stop: driftRule(problem.n, (param, towards) => drifted.push({ param, towards })),
    },
    (state) => {
      latest.iteration++;
      latest.logLikelihood = -state.f / scale;
      latest.fresh = true;
    },
  );
  let next = search.next();
  while (!next.done) {
    if (options.task && latest.fresh) {
      const { iteration, logLikelihood } = latest;
      latest.fresh = false;
      yield { task: options.task, iteration, logLikelihood };
    } else yield;
    next = search.next();
  }
  const { best, runs } = next.value;
  const estimate = Float64Array.from(best.x, (v) => Math.exp(v));
  // A log-parameter on the box means the likelihood kept improving towards 0 or ∞: the model is
  // not identified by these data (e.g. nobody made a repeat purchase), whatever the gradient says.
  const boxed = best.x.findIndex((v) => v <= LOG_LOWER + 1e-9 || v >= LOG_UPPER - 1e-9);
  const farOut = best.converged ? -1 : best.x.findIndex((v) => Math.abs(v) > FAR_OUT);
  const outOfTime = best.message === TIME_BUDGET_MESSAGE;
  // Standard errors only mean something at a maximum; a search cut short gets none.
  const drift = drifted[0] ?? null;
  const finished = !outOfTime && drift === null;
  const hessian = finished
    ? yield* numericHessianSteps((p, out) => {
        problem.logLikelihood(p, out);
      }, estimate)
    : null;
  const { covariance, standardErrors } = hessian
    ? standardErrorsFromHessian(hessian)
    : { covariance: null, standardErrors: new Float64Array(k).fill(NaN) };
  const stop: FitStop = (() => {
    if (drift) return { kind: 'bound', ...drift };
    const outward = boxed >= 0 ? boxed : farOut;
    if (outward >= 0)
      return {
        kind: 'bound',
        param: outward,
        towards: (best.x[outward] as number) > 0 ? 'infinity' : 'zero',
      };
    if (outOfTime) return { kind: 'time' };
    if (!best.converged)
      return best.message === 'iteration limit reached'
        ? { kind: 'iterations' }
        : { kind: 'failed' };
    if (covariance === null) return { kind: 'flat' };
    return { kind: 'converged' };
  })();
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
    converged: stop.kind === 'converged',
    stop,
    iterations: runs.reduce((s, r) => s + r.iterations, 0),
    evaluations: runs.reduce((s, r) => s + r.evaluations, 0),
    gradientNorm: best.gradientNorm,
    message: stopMessage(stop, best.message),
    starts: runs.map(report),
  };
}

function stopMessage(stop: FitStop, optimiser: string): string {
  switch (stop.kind) {
    case 'bound':
      return `a parameter ran towards ${stop.towards === 'zero' ? '0' : '∞'}: not identified by these data`;
    case 'flat':
      return 'no proper maximum (the Hessian is not negative definite): not identified by these data';
    case 'time':
      return 'stopped at its time budget before converging';
    default:
      return optimiser;
  }
}
