/**
 * NBD model (Ehrenberg 1959; the Pareto/NBD and BG/NBD without dropout): every customer buys at
 * Poisson rate λ ~ Gamma(r, α) and never stops. It is the limit both dropout models run to on
 * data where customers hardly leave (a wholesale book, a members' shop): there their dropout
 * parameters are not identified, while r and α still are. Fitted as a candidate beside them, it
 * wins the choice (BIC, two parameters fewer) only when dropout adds nothing to the likelihood.
 *
 * Likelihood of x repeat purchases in (0, T]: Γ(r+x)/Γ(r) · αʳ / (α+T)^(r+x) (the purchase-times
 * factor λˣe^(−λT) integrated over the Gamma; tₓ carries no information without dropout).
 */
import { digamma, gammaln } from './special';
import { maximiseLikelihoodSteps, type MleOptions, type MleResult } from './mle';
import { runToEnd, type Steps } from './steps';
import { validateRfm, type CompressedRfm } from './summary';

export interface NbdParams {
  r: number;
  alpha: number;
}

export interface NbdFit extends Omit<MleResult, 'params' | 'standardErrors'> {
  model: 'nbd';
  params: NbdParams;
  standardErrors: NbdParams;
}

/** Per dataset: the distinct x with their weights, so gamma functions run once per x. */
interface Prepared {
  ux: Float64Array;
  wx: Float64Array;
}

const preparedCache = new WeakMap<CompressedRfm, Prepared>();

function prepare(data: CompressedRfm): Prepared {
  const cached = preparedCache.get(data);
  if (cached) return cached;
  const byX = new Map<number, number>();
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i] as number;
    byX.set(x, (byX.get(x) ?? 0) + (data.weight[i] as number));
  }
  const p = { ux: Float64Array.from(byX.keys()), wx: Float64Array.from(byX.values()) };
  preparedCache.set(data, p);
  return p;
}

/** Total weighted log-likelihood; when `grad` is given, writes ∂LL/∂(r, α). */
export function nbdLogLikelihoodArray(
  params: ArrayLike<number>,
  data: CompressedRfm,
  grad: Float64Array | null = null,
): number {
  const r = params[0] as number;
  const alpha = params[1] as number;
  if (!(r > 0 && alpha > 0)) return NaN;
  const { ux, wx } = prepare(data);
  const lgr = gammaln(r);
  const psiR = grad ? digamma(r) : 0;
  const logAlpha = Math.log(alpha);
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  // The terms of x alone: Γ(r+x)/Γ(r) αʳ.
  for (let k = 0; k < ux.length; k++) {
    const x = ux[k] as number;
    const w = wx[k] as number;
    ll += w * (gammaln(r + x) - lgr + r * logAlpha);
    if (grad) {
      gr += w * (digamma(r + x) - psiR + logAlpha);
      gAlpha += (w * r) / alpha;
    }
  }
  // The exposure: (α+T)^−(r+x), per row.
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight[i] as number;
    const rx = r + (data.x[i] as number);
    const aT = alpha + (data.T[i] as number);
    const logAT = Math.log(aT);
    ll -= w * rx * logAT;
    if (grad) {
      gr -= w * logAT;
      gAlpha -= (w * rx) / aT;
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = gAlpha;
  }
  return ll;
}

/** Starts: E[λ] = r/α matched to the observed repeat rate, at a few dispersions. */
export function nbdStarts(data: CompressedRfm): NbdParams[] {
  let xs = 0;
  let ts = 0;
  for (let i = 0; i < data.x.length; i++) {
    xs += (data.weight[i] as number) * (data.x[i] as number);
    ts += (data.weight[i] as number) * (data.T[i] as number);
  }
  const rate = xs > 0 && ts > 0 ? xs / ts : 1;
  return [
    { r: 1, alpha: 1 / rate },
    { r: 0.3, alpha: 0.3 / rate },
    { r: 3, alpha: 3 / rate },
  ];
}

export function fitNbd(data: CompressedRfm, options: MleOptions = {}): NbdFit {
  return runToEnd(fitNbdSteps(data, options));
}

/** Maximum-likelihood fit with standard errors, as steps (pauses and progress; see steps.ts). */
export function* fitNbdSteps(data: CompressedRfm, options: MleOptions = {}): Steps<NbdFit> {
  const problem = validateRfm(data);
  if (problem !== null) throw new RangeError(`fitNbd: ${problem}`);
  const starts = nbdStarts(data).map((p) => Float64Array.of(p.r, p.alpha));
  const res = yield* maximiseLikelihoodSteps(
    { n: data.customers, logLikelihood: (p, g) => nbdLogLikelihoodArray(p, data, g) },
    starts,
    { task: 'nbd', ...options },
  );
  const named = (v: ArrayLike<number>): NbdParams => ({
    r: v[0] as number,
    alpha: v[1] as number,
  });
  return {
    ...res,
    model: 'nbd',
    params: named(res.params),
    standardErrors: named(res.standardErrors),
  };
}

/** E[Y(t) | x, T]: a customer who never leaves buys at the posterior mean rate (r+x)/(α+T). */
export function nbdExpectedPurchases(p: NbdParams, t: number, x: number, T: number): number {
  return t <= 0 ? 0 : ((p.r + x) / (p.alpha + T)) * t;
}

/** E[X(t)] for a new customer: rt/α. */
export function nbdExpectedRepeatPurchases(p: NbdParams, t: number): number {
  return t <= 0 ? 0 : (p.r / p.alpha) * t;
}
